from psycopg2.errors import UniqueViolation

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.cold_call_phone.tools import phone

from ..const import LIVE_STATES


class ColdCallDialer(models.AbstractModel):
    """The Dialer's API with MCUBE click-to-call: the Call button asks the server to have
    MCUBE ring the rep and then the contact (``place_call``), the list screen learns whether
    it may (``get_filters``), and a saved call is joined to the MCUBE call (``log_call``)."""

    _inherit = "cold.call.dialer"

    @api.model
    def get_filters(self):
        """Adds ``click_to_call``: MCUBE is set up and the rep has an executive number."""
        result = super().get_filters()
        result["click_to_call"] = self.env["cold.call.mcube.attempt"]._ready_for(self.env.user)
        return result

    @api.model
    def place_call(self, partner_id, number=False, list_key=False):
        """Have MCUBE call the contact for the rep: MCUBE rings the rep's executive number,
        then the contact's number (``number``, one of the contact's dial numbers in E.164;
        by default the one the Dialer calls, mobile first), from the caller ID the purpose of
        the list ``list_key`` needs.

        The compliance check runs first and is kept as evidence; a call it refuses is answered
        ``{"ok": False, "refused": True, "error": sentence, "tel": False}``: MCUBE is not asked,
        and the rep's phone is not offered either.

        Failures the rep can get around by dialling themselves are answered, not raised,
        so that the failed attempt is kept and the Dialer offers the ``tel:`` link:
        ``{"ok": False, "error": sentence, "tel": "tel:+91...", "attempt_id": id or False}``.
        Success is ``{"ok": True, "attempt_id", "refid", "state": "requested", "mcube_call_id"}``;
        the call's progress then comes over the bus. Calls that must not be made at all
        (not a Dialer user, a contact the rep may not change, do not call, held by another
        rep, no phone) raise, as the other Dialer requests do."""
        self._check_dialer_user()
        partner = self._writable_partner(partner_id)
        dial = self._dial_number(partner, number)
        self._mcube_check_no_live_call()
        self._mcube_check_callable(partner)
        verdict, _rules = self._check_compliance(partner, dial, list_key, "mcube")
        if not verdict["allowed"]:
            return {"ok": False, "refused": True, "error": verdict["reason"], "tel": False, "attempt_id": False}
        Attempt = self.env["cold.call.mcube.attempt"]
        endpoint, token, refurl = Attempt._config()
        executive = Attempt._executive_number(self.env.user)
        if not token:
            return self._mcube_failure(dial, _("Click-to-call is not set up: ask an administrator for MCUBE's token."))
        if not executive:
            return self._mcube_failure(
                dial, _("You have no MCUBE executive number: ask an administrator or a sales manager to set it.")
            )
        if not phone.mcube_number(executive):
            return self._mcube_failure(
                dial, _("Your MCUBE executive number is not an Indian number: ask an administrator to correct it.")
            )
        if not phone.mcube_number(dial):
            return self._mcube_failure(dial, _("MCUBE calls Indian numbers only: %s is not one.", dial))
        try:
            with self.env.cr.savepoint():
                attempt = Attempt.sudo().create(
                    {
                        "partner_id": partner.id,
                        "user_id": self.env.uid,
                        "company_id": self.env.company.id,
                        "refid": Attempt._new_refid(),
                        "executive_number": executive,
                        "customer_number": dial,
                        "caller_id": verdict["data"].get("caller_id_number") or False,
                    }
                )
        except UniqueViolation as error:  # the rep's other request, at the same moment
            raise UserError(_("You are placing another call already: hang up first.")) from error
        if not attempt._request_call(endpoint, token, refurl):
            return self._mcube_failure(dial, attempt.error, attempt)
        return {
            "ok": True,
            "warning": verdict["warning"],
            "attempt_id": attempt.id,
            "refid": attempt.refid,
            "state": attempt.state,
            "mcube_call_id": attempt.mcube_call_id or False,
        }

    @api.model
    def hang_up(self, attempt_id):
        """End the rep's MCUBE call in progress: ``{"ok": True}`` when MCUBE ended it (its
        events then bring the talk time), else ``{"ok": False, "error": sentence}`` asking the
        rep to hang up on their phone. A call already over is answered ``ok``."""
        attempt = self._mcube_own_attempt(attempt_id)
        if attempt.state not in LIVE_STATES:
            return {"ok": True}
        error = attempt._release()
        return {"ok": not error, "error": error or False}

    @api.model
    def log_call(self, partner_id, *args, mcube_attempt_id=False, **kwargs):
        """Also joins the call log and the MCUBE call: ``mcube_attempt_id`` is the attempt
        ``place_call`` returned, checked to be the rep's own call to this contact, not logged
        yet, before anything is written. The other arguments are the Dialer's, passed on as
        they come."""
        attempt = self._mcube_attempt_to_log(mcube_attempt_id, partner_id) if mcube_attempt_id else None
        result = super().log_call(partner_id, *args, **kwargs)
        if attempt:
            log = self.env["cold.call.log"].sudo().browse(result["log_id"])
            log.write({"mcube_call_record_id": attempt.call_record_id.id, "phone_number": attempt.customer_number})
            attempt.call_log_id = log
        return result

    @api.model
    def _check_caller_id(self, verdict, purpose, entry_point):
        """An MCUBE call goes out from the company's caller ID its purpose needs, or not at all."""
        if entry_point != "mcube":
            return super()._check_caller_id(verdict, purpose, entry_point)
        caller_id, refusal = self.env["cold.call.caller.id"]._pick(purpose)
        data = verdict["data"]
        data["caller_id"] = caller_id.number or _("MCUBE's default number")
        data["caller_id_number"] = caller_id.number or False
        data["caller_id_series"] = caller_id.series or False
        if refusal:
            return self.env["cold.call.compliance.check"]._verdict("refused", "caller_id", refusal, data)
        return verdict

    @api.model
    def _mcube_check_callable(self, partner):
        """Not marked do-not-call, and not held by another rep; the rep's hold is extended."""
        callable_domain = self.env["cold.call.list"]._callable_domain(self._outcomes())
        if not partner.filtered_domain(callable_domain):
            raise UserError(_("“%s” must not be called anymore.", partner.display_name))
        if not self.env["cold.call.hold"]._acquire(partner.id):
            raise UserError(_("“%s” is being called by another sales rep.", partner.display_name))

    @api.model
    def _mcube_check_no_live_call(self):
        """One call at a time: MCUBE would ring the rep's phone while they are on another call."""
        live = self.env["cold.call.mcube.attempt"]._live_call(self.env.user)
        if live:
            raise UserError(
                _("You are on a call with “%s”: hang up, or save that call, first.", live.partner_id.display_name)
            )

    @api.model
    def _mcube_failure(self, dial, error, attempt=None):
        return {"ok": False, "error": error, "tel": f"tel:{dial}", "attempt_id": attempt.id if attempt else False}

    @api.model
    def _mcube_own_attempt(self, attempt_id):
        """The rep's own MCUBE call ``attempt_id`` (as superuser: only the server writes attempts)."""
        self._check_dialer_user()
        if not self._is_id(attempt_id):
            raise ValidationError(_("The MCUBE call is not valid."))
        attempt = self.env["cold.call.mcube.attempt"].search([("id", "=", attempt_id)]).sudo()
        if not attempt or attempt.user_id != self.env.user:
            raise AccessError(_("This MCUBE call does not exist or is not yours."))
        return attempt

    @api.model
    def _mcube_attempt_to_log(self, attempt_id, partner_id):
        """The rep's own attempt on this contact, not logged yet (checked before the log is written)."""
        attempt = self._mcube_own_attempt(attempt_id)
        if attempt.partner_id.id != partner_id:
            raise UserError(_("This MCUBE call was made to another contact: log it on “%s”.", attempt.partner_id.name))
        if attempt.call_log_id:
            raise UserError(_("This MCUBE call is logged already."))
        return attempt
