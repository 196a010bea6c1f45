from odoo import _, api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    cold_call_log_ids = fields.One2many("cold.call.log", "opportunity_id", "Cold Calls", readonly=True)

    @api.model
    def _cold_call_opportunity(self, partner, note_body):
        """The opportunity an interested contact leads to: the open one of the contact or its
        company, whoever owns it (one deal per company), else a new one for the rep and the
        rep's sales team. The call note goes to its chatter. Returns (opportunity, created).

        Done as superuser on purpose: a rep without CRM rights still turns an interested contact
        into an opportunity (assigned to them, for their manager to see), and an open deal owned
        by a colleague still gets the call instead of a duplicate."""
        opportunity = self.sudo().search(
            [
                ("type", "=", "opportunity"),
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("probability", "<", 100),
                ("company_id", "in", [False, *self.env.companies.ids]),
            ],
            order="date_last_stage_update desc, id desc",
            limit=1,
        )
        created = not opportunity
        if created:
            team = self.env["crm.team"].sudo()._get_default_team_id(user_id=self.env.uid)
            opportunity = self.sudo().create(
                {
                    "name": _("%s (cold call)", partner.commercial_partner_id.display_name),
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": self.env.uid,
                    "team_id": team.id,
                }
            )
        opportunity.sudo().message_post(
            body=note_body, message_type="comment", subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id
        )
        return opportunity.sudo(False), created
