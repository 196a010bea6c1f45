from io import BytesIO

from werkzeug.datastructures import ImmutableMultiDict

from odoo import models
from odoo.http import request

from ..const import MAX_BODY_BYTES, ROUTE_PATH, WEBHOOK_PATH
from ..tools.body import read_body, werkzeug_request

# The routes that read their body and parameters themselves, bounded.
MCUBE_PATHS = (WEBHOOK_PATH, ROUTE_PATH)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """Read the body of the webhook (and of the routing endpoint) before anything else can:
        Odoo's dispatcher parses a form body whole, whatever its size, before the webhook runs. The webhook answers
        (in its own order: address, token, then body) from ``request.mcube_body``."""
        if rule.rule in MCUBE_PATHS:
            cls._mcube_read_body()
        return super()._pre_dispatch(rule, args)

    @classmethod
    def _mcube_read_body(cls):
        """Read at most the limit + 1 byte, once: Odoo replays the request after a
        serialization failure, and the stream cannot be read twice.

        The bytes become werkzeug's cached data, from which its form parser (Odoo's
        request.params) reads them; a body over the limit or unreadable is not parsed,
        and its stream is replaced by an empty one so that nothing reads the rest.

        Odoo's HTTPRequest exposes neither the stream nor the cached data: they are on
        the werkzeug request it wraps (``werkzeug_request``)."""
        if getattr(request, "mcube_body", None) is not None:
            return
        httprequest = werkzeug_request(request.httprequest)
        body = read_body(httprequest.stream, httprequest.content_length, MAX_BODY_BYTES)
        if body.too_large or body.unreadable:
            httprequest.__dict__.update(stream=BytesIO(), form=ImmutableMultiDict(), files=ImmutableMultiDict())
        else:
            httprequest._cached_data = body.data
        request.mcube_body = body

    def session_info(self):
        """The bus position when the page loaded: the incoming-call pop-ups sent before it
        (which the bus replays to a new login for a while) are not shown again."""
        info = super().session_info()
        if self.env.user._is_internal():
            info["mcube_bus_id"] = self.env["bus.bus"].sudo()._bus_last_id()
        return info

    @classmethod
    def _dispatch(cls, endpoint):
        """Call the webhook and the routing endpoint without the request's parameters: it reads its body and its
        token itself, and Odoo passes parameters as keyword arguments, where one named
        ``self`` (query string or form field) collides with the method's own self."""
        if set(MCUBE_PATHS).intersection(getattr(endpoint, "routing", {}).get("routes", ())):
            request.params = {}
        return super()._dispatch(endpoint)
