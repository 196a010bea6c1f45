from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.mcube_integration.const import FAILURE_WINDOW
from odoo.addons.mcube_integration.tools.payload import is_web_url

from ..const import DEFAULT_ENDPOINT, DEFAULT_RELEASE_ENDPOINT


class ResCompany(models.Model):
    """The company's MCUBE account places its reps' Dialer calls (click-to-call)."""

    _inherit = "res.company"

    mcube_click_to_call_url = fields.Char(
        "MCUBE Click-to-Call URL",
        default=DEFAULT_ENDPOINT,
        help="The MCUBE API address the Dialer's calls are requested from.",
        groups="base.group_system",
    )
    mcube_release_url = fields.Char(
        "MCUBE Hang-up URL",
        default=DEFAULT_RELEASE_ENDPOINT,
        help="The MCUBE API address that ends a call when the rep presses Hang up. Empty: the rep hangs up on "
        "their phone.",
        groups="base.group_system",
    )
    mcube_api_token = fields.Char(
        "MCUBE Account Token",
        copy=False,
        groups="base.group_system",
        help="The token of the company's MCUBE account (HTTP_AUTHORIZATION). Without it, the Dialer dials with "
        "the phone.",
    )
    mcube_send_webhook_url = fields.Boolean(
        "Send the Webhook URL With Each Call",
        help="Off: MCUBE posts the call's events to the URL configured in the MCUBE account. "
        "On: each call request gives MCUBE this database's webhook URL, with the company's token.",
        groups="base.group_system",
    )

    @api.constrains("mcube_click_to_call_url", "mcube_release_url")
    def _check_mcube_click_to_call_url(self):
        for company in self:
            for url in (company.mcube_click_to_call_url, company.mcube_release_url):
                if url and not is_web_url(url.strip()):
                    raise ValidationError(_("The MCUBE click-to-call and hang-up URLs must be http(s) addresses."))

    def _mcube_health(self):
        """The Dialer's click-to-call requests MCUBE did not place, over the same 24 hours."""
        health = super()._mcube_health()
        health["click_to_call_errors"] = (
            self.env["cold.call.mcube.attempt"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", self.id),
                    ("state", "=", "failed"),
                    ("create_date", ">=", fields.Datetime.now() - FAILURE_WINDOW),
                ]
            )
        )
        return health
