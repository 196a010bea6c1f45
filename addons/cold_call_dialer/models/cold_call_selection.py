import ast

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..tools.saved_search import MAX_DOMAIN_LENGTH, MAX_DOMAIN_NODES

DEFAULT_ACTIVE_IDS_LIMIT = 20000


class ColdCallSelection(models.AbstractModel):
    """The contacts picked in the Contacts list, for the actions run from it ("Set call outcome",
    "Call these").

    The web client sends the ticked ids as ``active_ids`` and the list's search as
    ``active_domain``; after "Select all" it sends at most ``web.active_ids_limit`` ids, so past
    that cap only the search says which contacts were meant. Reading the selection in one place
    keeps both actions working on the same contacts.
    """

    _name = "cold.call.selection"
    _description = "Contacts Picked in the Contacts List"

    @api.model
    def _selection_context(self):
        """(ids, domain) sent by the Contacts list; the domain is None when the list sent none."""
        context = self.env.context
        if context.get("active_model") != "res.partner":
            raise UserError(_("Pick contacts in the Contacts list first."))
        ids = context.get("active_ids") or []
        domain = context.get("active_domain")
        if not isinstance(ids, list | tuple) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise UserError(_("The selected contacts could not be read: reload the list and try again."))
        if domain is not None and not isinstance(domain, list | tuple):
            raise UserError(_("The search of the Contacts list could not be read: reload the list and try again."))
        if not ids and not domain:
            raise UserError(_("Pick contacts in the Contacts list first."))
        return list(ids), None if domain is None else list(domain)

    @api.model
    def _active_ids_limit(self):
        param = self.env["ir.config_parameter"].sudo().get_param("web.active_ids_limit", DEFAULT_ACTIVE_IDS_LIMIT)
        try:
            return int(param)
        except ValueError:
            return DEFAULT_ACTIVE_IDS_LIMIT

    @api.model
    def _uses_search(self, ids, domain):
        """Whether the search, not the ids, says which contacts were picked: no ids sent, or as many
        as the web client sends at most after "Select all" (the rest are only in the search)."""
        return domain is not None and (not ids or len(ids) >= self._active_ids_limit())

    @api.model
    def _selected_partner_ids(self):
        """Ids of the picked contacts the user can see, in id order."""
        ids, domain = self._selection_context()
        Partner = self.env["res.partner"]
        if self._uses_search(ids, domain):
            return Partner.search(domain, order="id").ids
        # Ticked one by one: archived ones too, when the list shows them.
        return Partner.with_context(active_test=False).search([("id", "in", ids)], order="id").ids

    @api.model
    def _selected_domain(self):
        """The picked contacts as a domain to save: the list's search when the whole search is
        picked (so a "Select all" stays a search), else the ids."""
        ids, domain = self._selection_context()
        if self._uses_search(ids, domain) or (domain is not None and self._is_whole_search(ids, domain)):
            return domain
        return [("id", "in", sorted(set(ids)))]

    @api.model
    def _is_whole_search(self, ids, domain):
        Partner = self.env["res.partner"]
        count = len(set(ids))
        return (
            Partner.search_count(domain) == count
            and Partner.search_count(expression.AND([domain, [("id", "in", ids)]])) == count
        )

    @api.model
    def action_call_these(self):
        """Open the Dialer on the picked contacts ("Call these" in the Contacts list).

        The Dialer works saved searches, so the pick becomes the user's own saved search
        "Dialer selection", replaced on each use (one per user instead of a pile of one-off
        searches), and the Dialer opens with it selected.
        """
        self.env["cold.call.dialer"]._check_dialer_user()
        domain = self._selected_domain()
        text = repr(domain)
        if (
            len(text) > MAX_DOMAIN_LENGTH
            or sum(1 for _node in ast.walk(ast.parse(text, mode="eval"))) > MAX_DOMAIN_NODES
        ):
            raise UserError(
                _(
                    "Too many contacts were ticked one by one for the Dialer: search for them instead and "
                    "use “Select all”, or save the search and pick it in the Dialer."
                )
            )
        ir_filter = self.env["ir.filters"].create_or_replace(
            {
                "name": _("Dialer selection"),
                "model_id": "res.partner",
                "user_id": self.env.uid,
                "action_id": False,
                "domain": text,
                "context": "{}",
                "sort": "[]",
                "is_default": False,
            }
        )
        action = self.env["ir.actions.actions"]._for_xml_id("cold_call_dialer.cold_call_dialer_action")
        action["params"] = {"list_key": ir_filter.id}
        # The web client adds the list's context to the action it is given: without these, the
        # ticked ids would end up in the Dialer's URL.
        action["context"] = {"active_id": False, "active_ids": False, "active_model": False, "active_domain": False}
        return action
