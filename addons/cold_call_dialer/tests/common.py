from datetime import timedelta

from odoo import fields
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.cold_call_dialer.const import STATUS_FIELD

REP_GROUPS = "base.group_user,base.group_partner_manager,cold_call_dialer.group_cold_call_user"
MANAGER_GROUPS = "base.group_user,base.group_partner_manager,cold_call_dialer.group_cold_call_manager"


def remove_status_field(env):
    """Delete the admin-owned outcome field, as an admin could: the Dialer falls back to notes only."""
    env["ir.model.fields"].search([("model", "=", "res.partner"), ("name", "=", STATUS_FIELD)]).unlink()


class DialerFixturesMixin:
    """Sales reps, a tag-based list of prospects and the saved searches on it."""

    @classmethod
    def setup_dialer_fixtures(cls, with_status_field=True):
        env = cls.env
        if with_status_field:
            env["cold.call.outcome"]._create_status_field()
        else:
            remove_status_field(env)
        cls.india = env.ref("base.in")
        # The Dialer's workflow is tested at any hour and without a register file: India's rules are
        # test_compliance's subject.
        env.company.write(
            {"cold_call_window_start": 0.0, "cold_call_window_end": 24.0, "cold_call_register_unknown": "warn"}
        )
        cls.rep = new_test_user(env, login="dialer_rep", groups=REP_GROUPS, name="Rita Rep", tz="Asia/Kolkata")
        cls.rep_two = new_test_user(env, login="dialer_rep_two", groups=REP_GROUPS, name="Ravi Rep", tz="Asia/Kolkata")
        cls.manager = new_test_user(env, login="dialer_manager", groups=MANAGER_GROUPS, name="Maya Manager")
        cls.tag = env["res.partner.category"].create({"name": "Dialer test prospects"})
        cls.company = env["res.partner"].create(
            {"name": "Kaveri Mills", "is_company": True, "country_id": cls.india.id}
        )
        prospects = [
            {"name": "DT Alpha", "mobile": "+91 98450 00001", "phone": "080 4123 0001", "parent_id": cls.company.id},
            {"name": "DT Bravo", "phone": "080 4123 0002", "function": "Buyer"},
            {"name": "DT Charlie", "mobile": "09845000003"},
            {"name": "DT Delta", "mobile": "0091 98450 00004"},
            {"name": "DT Echo", "phone": "9845000005"},
            {"name": "DT No Phone One", "email": "nophone1@example.com"},
            {"name": "DT No Phone Two", "email": "nophone2@example.com"},
        ]
        cls.partners = env["res.partner"].create(
            [{**values, "country_id": cls.india.id, "category_id": [(4, cls.tag.id)]} for values in prospects]
        )
        cls.alpha, cls.bravo, cls.charlie, cls.delta, cls.echo, cls.no_phone_one, cls.no_phone_two = cls.partners
        cls.callable_partners = cls.partners[:5]
        cls.shared_filter = cls.make_filter("DT prospects", [("category_id", "in", [cls.tag.id])])

    @classmethod
    def make_filter(cls, name, domain, user=None):
        return cls.env["ir.filters"].create(
            {
                "name": name,
                "model_id": "res.partner",
                "user_id": user.id if user else False,
                "domain": domain if isinstance(domain, str) else str(domain),
            }
        )

    @staticmethod
    def meeting(hours=24, minutes=30):
        """A meeting to book on a call, ``hours`` from now."""
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(hours=hours)
        return {"start": fields.Datetime.to_string(start), "minutes": minutes}

    @classmethod
    def outcome(cls, value):
        """The outcome of an option of the outcome field, by its value."""
        return cls.env["cold.call.outcome"].with_context(active_test=False).search([("value", "=", value)])

    def dialer(self, user=None):
        return self.env["cold.call.dialer"].with_user(user or self.rep)

    def page_ids(self, result):
        return [contact["id"] for contact in result["contacts"]]


class DialerCase(DialerFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_dialer_fixtures()
