from werkzeug.exceptions import abort

from odoo import _, models
from odoo.http import request

from ..const import MAX_BODY_BYTES, WEBHOOK_PATH


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """Odoo's dispatcher parses a form body before the webhook runs: refuse an
        announced oversize body first, and keep the raw bytes, which the webhook stores
        as received (the form parser would consume them)."""
        super()._pre_dispatch(rule, args)
        if rule.rule != WEBHOOK_PATH:
            return
        if (request.httprequest.content_length or 0) > MAX_BODY_BYTES:
            abort(
                request.make_json_response(
                    {"error": _("The body is larger than %s bytes.", MAX_BODY_BYTES)}, status=413
                )
            )
        request.httprequest.get_data(cache=True)
