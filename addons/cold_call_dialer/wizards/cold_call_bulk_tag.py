from odoo import Command, _, api, fields, models


class ColdCallBulkTag(models.TransientModel):
    """ "Add tags" on the contacts picked in the Contacts list, e.g. to build the next call list."""

    _name = "cold.call.bulk.tag"
    _inherit = "cold.call.bulk.action"
    _description = "Add Tags to Contacts"

    category_ids = fields.Many2many("res.partner.category", string="Tags", required=True)

    def action_confirm(self):
        """Add the tags to the picked contacts: at once for a few, through queue jobs for more."""
        self.ensure_one()
        names = ", ".join(self.category_ids.mapped("name"))
        return self._run_on_selection(
            "_cold_call_add_tags",
            (self.category_ids.ids,),
            _("Add tags %(tags)s to contacts", tags=names),
            lambda count: _("%(tags)s added to %(count)s contacts.", tags=names, count=count),
            lambda count: _(
                "%(tags)s are being added to %(count)s contacts in the background: reload the list in a few minutes "
                "to see them.",
                tags=names,
                count=count,
            ),
        )

    @api.model
    def _cold_call_add_tags(self, partner_ids, category_ids):
        """Add the tags still there to ``partner_ids``, as the current user (request or queue job)."""
        partners = self._writable_partners(partner_ids)
        tags = self.env["res.partner.category"].browse(category_ids).exists()
        partners.write({"category_id": [Command.link(tag.id) for tag in tags]})
        return _("%(count)s tags added to %(contacts)s contacts.", count=len(tags), contacts=len(partners))
