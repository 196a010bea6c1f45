from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL


class ColdCallConsent(models.Model):
    """A subscriber's explicit consent to promotional calls of some register categories, with
    its evidence (source, reference). It allows the calls its scope covers that the register
    preference would block; revoked, it stops doing so at once. Consents are revoked, never
    deleted: the history is the evidence."""

    _name = "cold.call.consent"
    _inherit = ["cold.call.number.mixin", "mail.thread"]
    _description = "Call Consent"
    _order = "given_at desc, id desc"
    _rec_name = "number"

    partner_id = fields.Many2one(
        "res.partner", "Contact", index="btree_not_null", ondelete="set null", help="Who gave it, for reference."
    )
    category_ids = fields.Many2many(
        "cold.call.register.category",
        string="Scope",
        required=True,
        help="The categories of promotional calls the subscriber agreed to.",
    )
    source = fields.Char(required=True, tracking=True, help="How the consent was given: web form, signed form, call…")
    reference = fields.Char(tracking=True, help="Where the proof is: form id, recording, document.")
    given_at = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    revoked_at = fields.Datetime(readonly=True, tracking=True, copy=False)
    state = fields.Selection(
        [("active", "Active"), ("revoked", "Revoked")], compute="_compute_state", store=True, index=True
    )

    @api.depends("revoked_at")
    def _compute_state(self):
        for consent in self:
            consent.state = "revoked" if consent.revoked_at else "active"

    @api.constrains("category_ids")
    def _check_scope(self):
        if any(not consent.category_ids for consent in self):
            raise ValidationError(_("A consent covers at least one register category."))

    @api.model_create_multi
    def create(self, vals_list):
        consents = super().create(vals_list)
        for consent in consents:
            consent.message_post(
                body=Markup("<p>%s</p>")
                % _("Consent recorded for %(scope)s.", scope=", ".join(consent.category_ids.mapped("name"))),
                subtype_xmlid="mail.mt_note",
            )
        return consents

    def write(self, vals):
        if "revoked_at" in vals and self.filtered("revoked_at"):
            raise UserError(_("A revoked consent stays revoked: record a new consent."))
        return super().write(vals)

    def unlink(self):
        raise UserError(_("Consents are evidence: revoke a consent instead of deleting it."))

    def action_revoke(self):
        """Revoke at once: the next check of the number no longer sees the consent."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        for consent in self.filtered(lambda c: c.state == "active"):
            consent.revoked_at = fields.Datetime.now()
            consent.message_post(body=_("Consent revoked."), subtype_xmlid="mail.mt_note")
        return True

    @api.model
    def _scopes(self, numbers, now):
        """{number: set of category ids} the active consents of the current company cover at
        ``now``, in one query (read on every page of the Dialer)."""
        self.flush_model()
        field = self._fields["category_ids"]
        self.env.cr.execute(
            SQL(
                """SELECT c.number, ARRAY(SELECT r.%s FROM %s r WHERE r.%s = c.id)
                     FROM cold_call_consent c
                    WHERE c.company_id = %s AND c.number = ANY(%s) AND c.given_at <= %s
                      AND (c.revoked_at IS NULL OR c.revoked_at > %s)""",
                SQL.identifier(field.column2),
                SQL.identifier(field.relation),
                SQL.identifier(field.column1),
                self.env.company.id,
                list(numbers),
                now,
                now,
            )
        )
        scopes = {}
        for number, categories in self.env.cr.fetchall():
            scopes.setdefault(number, set()).update(categories)
        return scopes
