import contextlib
import hmac
import ipaddress
import json
import logging

import psycopg2

from odoo import SUPERUSER_ID, _, api, http
from odoo.http import request
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL, config

from odoo.addons.cold_call_phone.tools import phone

from ..const import (
    KEPT_HEADERS,
    MAX_BODY_BYTES,
    METRICS_PATH,
    METRICS_TOKEN_PARAM,
    RETRY_AFTER_SECONDS,
    ROUTE_DEADLINE_MS,
    ROUTE_PATH,
    TOKEN_HEADER,
    WEBHOOK_PATH,
)
from ..tools.networks import parse_allowed_networks
from ..tools.payload import MAX_TEXT_LENGTH, PayloadError, body_kind, decode, parse

_logger = logging.getLogger(__name__)


def answer(code, headers=None, **payload):
    return request.make_json_response(payload, status=code, headers=headers)


def storable_text(value):
    """A header value as PostgreSQL can store it: without NUL, and of a sane length."""
    return value.replace("\x00", "")[:MAX_TEXT_LENGTH]


def address_allowed(allowed_ips, remote_addr):
    """No allow-list means any address. The remote address is the one Odoo computes,
    so it honours proxy_mode (X-Forwarded-For) exactly as the rest of Odoo does. A
    list that no longer parses refuses everything rather than nothing."""
    if not (allowed_ips or "").strip():
        return True
    try:
        networks = parse_allowed_networks(allowed_ips)
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        _logger.warning("MCUBE: refused %s (allow-list or address does not parse)", remote_addr)
        return False
    return any(address in network for network in networks)


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
            env = request.env(user=SUPERUSER_ID)
            response, company_id, outcome = self._receive(env)
            env["mcube.metric"]._count_webhook(response.status_code, company_id, outcome)
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
        request, then its address, then the body (size, type, content). Returns the answer, the
        company it was for (None when the token is unknown) and the event's outcome, if stored."""
        httprequest = request.httprequest
        given = httprequest.headers.get(TOKEN_HEADER) or httprequest.args.get("token") or ""
        account = env["res.company"]._mcube_account(given)
        if not account:
            return answer(401, error=_("Missing or invalid token.")), None, None
        response, outcome = self._receive_for(env, account)
        return response, account.company_id, outcome

    def _receive_for(self, env, account):
        """The answer to a request with a valid token, and the event's outcome if it was stored."""
        httprequest = request.httprequest
        if not address_allowed(account.allowed_ips, httprequest.remote_addr):
            return answer(403, error=_("Requests from this address are not allowed.")), None
        body = request.mcube_body
        if body.unreadable:
            return answer(400, error=_("The body could not be read (broken chunked encoding or connection).")), None
        if body.too_large:
            return answer(413, error=_("The body is larger than %s bytes.", MAX_BODY_BYTES)), None
        mimetype = storable_text(httprequest.mimetype)
        kind = body_kind(mimetype)
        if not kind:
            return answer(
                415, error=_("Send application/json or application/x-www-form-urlencoded, not %s.", mimetype)
            ), None
        try:
            text, data = decode(body.data, kind)
            call = parse(data)
        except PayloadError as error:
            return answer(400, error=str(error)), None  # translated here, in the request's language
        headers = {name: httprequest.headers[name] for name in KEPT_HEADERS if name in httprequest.headers}
        event, outcome = env["mcube.event"]._ingest(
            call, text, mimetype, headers, storable_text(httprequest.remote_addr or ""), account
        )
        if outcome == "accepted":
            env["crm.lead"]._mcube_pop_up(call, account)
        return answer(202 if outcome == "accepted" else 200, status=outcome, event_id=event.id), outcome


# The keys MCUBE may give the caller's number, the DID and its call id under (its schema is not published).
CALLER_KEYS = ("caller", "callfrom", "custnumber", "from")
DID_KEYS = ("did", "callto", "clicktocalldid", "to")
CALL_ID_KEYS = ("callid", "call_id")


class McubeRoutingController(http.Controller):
    @http.route(ROUTE_PATH, type="http", auth="none", methods=["GET", "POST"], csrf=False, save_session=False)
    def mcube_route(self, **_params):
        """MCUBE asks whom to ring for a caller before it rings anyone: authenticated like the
        webhook (token, address), with the caller's number and the DID (query string, form or
        JSON), answered in the company's format with the number(s) to ring, the decision kept
        (mcube.route) to be joined to the call MCUBE reports. When Odoo cannot decide within
        ROUTE_DEADLINE_MS, the company's fallback number; without a database, odoo.conf's
        ``mcube_route_fallback_answer``."""
        if not request.db:
            fallback = config.get("mcube_route_fallback_answer")
            _logger.warning("MCUBE routing: no database, answered %s", "the fallback" if fallback else "503")
            if fallback:
                return request.make_response(fallback, [("Content-Type", "text/plain; charset=utf-8")])
            return answer(503, [("Retry-After", RETRY_AFTER_SECONDS)], error=_("The database is unavailable."))
        env = request.env(user=SUPERUSER_ID)
        httprequest = request.httprequest
        given = httprequest.headers.get(TOKEN_HEADER) or httprequest.args.get("token") or ""
        account = env["res.company"]._mcube_account(given)
        if not account:
            _logger.info("MCUBE routing: refused a request from %s (token)", httprequest.remote_addr)
            return answer(401, error=_("Missing or invalid token."))
        if not address_allowed(account.allowed_ips, httprequest.remote_addr):
            _logger.info("MCUBE routing: refused a request from %s (address)", httprequest.remote_addr)
            return answer(403, error=_("Requests from this address are not allowed."))
        try:
            caller, did, call_id = self._route_request(account)
        except ValueError as error:
            _logger.info("MCUBE routing: bad request from %s: %s", httprequest.remote_addr, error)
            return answer(400, error=str(error))
        company = env["res.company"].browse(account.company_id).sudo()
        answer_format, fallback = company.mcube_route_format, company.mcube_route_fallback_number
        numbers = self._decide(company, caller, did, call_id, answer_format == "hunt")
        if numbers is None:
            numbers = [number for number in [phone.mcube_number(fallback)] if number]
        if not numbers:
            _logger.warning("MCUBE routing: nobody to ring for %s on %s in %s", caller, did, company.name)
            return answer(404, error=_("Nobody can take the call and no fallback number is set."))
        if answer_format == "json":
            return answer(200, number=numbers[0], numbers=numbers)
        body = ",".join(numbers) if answer_format == "hunt" else numbers[0]
        return request.make_response(body, [("Content-Type", "text/plain; charset=utf-8")])

    def _route_request(self, account):
        """(caller, DID, call id) of the request, numbers in E.164 (False when not given): a value
        that is not a number is refused (ValueError, with the reason)."""
        body = request.mcube_body
        if body.unreadable or body.too_large:
            raise ValueError(_("The body could not be read or is larger than %s bytes.", MAX_BODY_BYTES))
        values = dict(request.httprequest.args.items())
        if body.data and body_kind(request.httprequest.mimetype) == "json":
            try:
                data = json.loads(body.data)
            except ValueError as error:
                raise ValueError(_("The body is not JSON.")) from error
            if not isinstance(data, dict):
                raise ValueError(_("The body is not a JSON object."))
            values.update(data)
        else:
            values.update(request.httprequest.form.items())

        def first(keys):
            value = next((values[key] for key in keys if values.get(key) not in (None, "")), "")
            if not isinstance(value, (str, int)):
                raise ValueError(_("%s is not a text.", keys[0]))
            return str(value).strip()[:MAX_TEXT_LENGTH]

        numbers = []
        for keys in (CALLER_KEYS, DID_KEYS):
            raw = first(keys)
            number = phone.e164(raw, account.country_code) if raw else False
            if raw and not number:
                raise ValueError(_("%(key)s: %(value)s is not a phone number.", key=keys[0], value=raw[:32]))
            numbers.append(number)
        if not any(numbers):
            raise ValueError(_("Send the caller's number (caller) or the virtual number (did)."))
        return (*numbers, first(CALL_ID_KEYS)[:128] or False)

    def _decide(self, company, caller, did, call_id, hunt):
        """The numbers to ring, decided and committed in a transaction of its own, at READ
        COMMITTED so that concurrent requests wait for each other's round-robin turn and read
        it, rather than fail to serialize; None when that takes longer than the deadline or
        fails (the caller then gets the fallback number, never an error). A test's cursor is a
        savepoint of the test's transaction: it keeps its isolation and has no deadline."""
        registry = request.env.registry
        try:
            with registry.cursor() as cr:
                if not registry.in_test_mode():
                    cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    cr.execute(SQL("SET LOCAL statement_timeout = %s", ROUTE_DEADLINE_MS))
                    cr.execute(SQL("SET LOCAL lock_timeout = %s", ROUTE_DEADLINE_MS))
                env = api.Environment(cr, SUPERUSER_ID, {})
                route = env["mcube.route"]._decide(company.with_env(env), caller, did, "request", call_id, ring=True)
                numbers = route._ring_numbers(hunt)
                route.answer = ",".join(numbers)
                return numbers
        except psycopg2.Error as error:
            _logger.warning("MCUBE routing: no decision in time for %s on %s (%s)", caller, did, error)
        except Exception:  # the caller is rung at the fallback number rather than dropped
            _logger.exception("MCUBE routing: the decision failed for %s on %s", caller, did)
        return None


class McubeMetricsController(http.Controller):
    @http.route(METRICS_PATH, type="http", auth="none", methods=["GET"], csrf=False, save_session=False)
    def mcube_metrics(self, **_params):
        """The pipeline's metrics in Prometheus' text format, for a scraper holding the token of
        Settings as a bearer token (never in the URL, which logs keep). Off (404) without one."""
        if not request.db:
            return answer(503, [("Retry-After", RETRY_AFTER_SECONDS)], error=_("The database is unavailable."))
        env = request.env(user=SUPERUSER_ID)
        expected = env["ir.config_parameter"].get_param(METRICS_TOKEN_PARAM) or ""
        if not expected:
            return answer(404, error=_("The metrics are off: set a metrics token in Settings > CRM > MCUBE."))
        scheme, _sep, given = request.httprequest.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
            _logger.info("MCUBE metrics: refused a scrape from %s (token)", request.httprequest.remote_addr)
            return answer(401, [("WWW-Authenticate", "Bearer")], error=_("Missing or invalid token."))
        return request.make_response(
            env["mcube.metric"]._exposition(), [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]
        )
