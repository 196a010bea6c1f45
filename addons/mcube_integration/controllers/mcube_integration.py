import contextlib
import ipaddress
import logging

import psycopg2

from odoo import SUPERUSER_ID, _, http
from odoo.http import request
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_ERRORS_TO_RETRY

from ..const import KEPT_HEADERS, MAX_BODY_BYTES, RETRY_AFTER_SECONDS, TOKEN_HEADER, WEBHOOK_PATH
from ..tools.networks import parse_allowed_networks
from ..tools.payload import MAX_TEXT_LENGTH, PayloadError, body_kind, decode, parse

_logger = logging.getLogger(__name__)


def answer(code, headers=None, **payload):
    return request.make_json_response(payload, status=code, headers=headers)


def storable_text(value):
    """A header value as PostgreSQL can store it: without NUL, and of a sane length."""
    return value.replace("\x00", "")[:MAX_TEXT_LENGTH]


class McubeWebhookController(http.Controller):
    @http.route(WEBHOOK_PATH, type="http", auth="none", methods=["POST"], csrf=False, save_session=False)
    def mcube_webhook(self, **_params):
        """Receive one MCUBE call event: authenticate, validate, store it and enqueue its
        processing in one transaction, commit it, then answer. Committing here rather than
        in Odoo's service.model.retrying means a 2xx always means a committed row, and a
        commit the database drops is answered 503, which MCUBE retries, not a 500.

        auth='none' rather than 'public': when PostgreSQL is unreachable Odoo serves the
        request without a database, from routes with auth='none' of server-wide modules
        only. With mcube_integration in server_wide_modules this route then answers 503
        (MCUBE retries) instead of a 404. It needs no session or public user anyway:
        the token is the authentication, and the ingestion runs as superuser.

        Uses no parameters (with a database, ir.http._dispatch passes none): the body is
        read, bounded, by ir.http._pre_dispatch; the token comes from the header or the
        query string."""
        if not request.db:
            return answer(503, [("Retry-After", RETRY_AFTER_SECONDS)], error=_("The database is unavailable."))
        request.mcube_tries = getattr(request, "mcube_tries", 0) + 1
        try:
            response = self._receive(request.env(user=SUPERUSER_ID))
            request.env.cr.commit()
            return response
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as error:
            concurrent = getattr(error, "pgcode", None) in PG_CONCURRENCY_ERRORS_TO_RETRY
            if concurrent and request.mcube_tries < MAX_TRIES_ON_CONCURRENCY_FAILURE:
                raise  # Odoo replays the request; a concurrent duplicate then answers 200
            # Database gone, or still conflicting on Odoo's last try: MCUBE retries later.
            _logger.warning("MCUBE webhook: database unavailable (%s)", type(error).__name__)
            with contextlib.suppress(psycopg2.Error):
                request.env.cr.rollback()
            return answer(503, [("Retry-After", RETRY_AFTER_SECONDS)], error=_("The database is unavailable."))

    def _receive(self, env):
        """The checks, then the accept: the token says whose MCUBE account (company) sent the
        request, then its address, then the body (size, type, content)."""
        httprequest = request.httprequest
        given = httprequest.headers.get(TOKEN_HEADER) or httprequest.args.get("token") or ""
        account = env["res.company"]._mcube_account(given)
        if not account:
            return answer(401, error=_("Missing or invalid token."))
        if not self._address_allowed(account.allowed_ips, httprequest.remote_addr):
            return answer(403, error=_("Requests from this address are not allowed."))
        body = request.mcube_body
        if body.unreadable:
            return answer(400, error=_("The body could not be read (broken chunked encoding or connection)."))
        if body.too_large:
            return answer(413, error=_("The body is larger than %s bytes.", MAX_BODY_BYTES))
        mimetype = storable_text(httprequest.mimetype)
        kind = body_kind(mimetype)
        if not kind:
            return answer(415, error=_("Send application/json or application/x-www-form-urlencoded, not %s.", mimetype))
        try:
            text, data = decode(body.data, kind)
            call = parse(data)
        except PayloadError as error:
            return answer(400, error=str(error))  # translated here, in the request's language
        headers = {name: httprequest.headers[name] for name in KEPT_HEADERS if name in httprequest.headers}
        event, outcome = env["mcube.event"]._ingest(
            call, text, mimetype, headers, storable_text(httprequest.remote_addr or ""), account
        )
        if outcome == "accepted":
            env["crm.lead"]._mcube_pop_up(call, account)
        return answer(202 if outcome == "accepted" else 200, status=outcome, event_id=event.id)

    def _address_allowed(self, allowed_ips, remote_addr):
        """No allow-list means any address. The remote address is the one Odoo computes,
        so it honours proxy_mode (X-Forwarded-For) exactly as the rest of Odoo does. A
        list that no longer parses refuses everything rather than nothing."""
        if not (allowed_ips or "").strip():
            return True
        try:
            networks = parse_allowed_networks(allowed_ips)
            address = ipaddress.ip_address(remote_addr or "")
        except ValueError:
            _logger.warning("MCUBE webhook: refused %s (allow-list or address does not parse)", remote_addr)
            return False
        return any(address in network for network in networks)
