from freezegun import freeze_time

from odoo.tests import tagged

from .common import DialerCase


@tagged("post_install", "-at_install")
class TestHotLeads(DialerCase):
    """Hot leads: the contacts whose last call was connected and opened an opportunity still
    open, latest call first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep.groups_id |= cls.env.ref("sales_team.group_sale_salesman")

    def call(self, partner, status, when, **kwargs):
        with freeze_time(when):
            result = self.dialer().log_call(partner.id, status=status, list_key="never_called", **kwargs)
            self.env["cold.call.hold"].search([]).unlink()
        return self.env["cold.call.log"].browse(result["log_id"])

    def test_positive_open_contacts_latest_call_first(self):
        self.call(self.alpha, "interested", "2024-06-01 09:00:00")
        meeting = {"start": "2024-06-05 04:30:00", "minutes": 30}
        self.call(self.bravo, "meeting", "2024-06-03 09:00:00", meeting=meeting)
        self.call(self.charlie, "interested", "2024-06-02 09:00:00").opportunity_id.action_set_won()
        self.call(self.delta, "not_interested", "2024-06-04 09:00:00")
        self.call(self.echo, "interested", "2024-06-01 10:00:00")
        self.call(self.echo, "no_answer", "2024-06-04 10:00:00")

        page = self.dialer().get_page("hot_leads", 1, 25)
        self.assertEqual(self.page_ids(page), [self.bravo.id, self.alpha.id])
        self.assertEqual(page["list"]["name"], "Hot leads")
        # A lost opportunity closes the lead too.
        self.env["crm.lead"].search([("partner_id", "=", self.alpha.id)]).action_set_lost()
        self.assertEqual(self.page_ids(self.dialer().get_page("hot_leads", 1, 25)), [self.bravo.id])

    def test_the_rule_is_shown_with_the_list_to_who_reads_opportunities(self):
        [hot] = [entry for entry in self.dialer().get_filters()["quick_lists"] if entry["key"] == "hot_leads"]
        self.assertIn("opportunity that is still open", hot["description"])
        self.assertIn("latest call first", hot["description"])
        # A Dialer user without CRM gets the other lists, and no error.
        keys = [entry["key"] for entry in self.dialer(self.rep_two).get_filters()["quick_lists"]]
        self.assertEqual(keys, ["never_called", "callbacks_due"])
        self.assertEqual(
            len(self.dialer(self.rep_two).get_counts()), 2 + len(self.dialer(self.rep_two).get_filters()["filters"])
        )
