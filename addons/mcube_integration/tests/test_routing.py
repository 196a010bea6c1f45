from collections import Counter
from datetime import datetime, timedelta
from unittest.mock import patch

import pytz

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..models import mcube_route
from .common import McubeCase, sample

START = "inbound_call_start"
TEAM_DID = "8040000001"
TEAM_DID_E164 = "+918040000001"


class RoutingCase(McubeCase):
    """A team owning a DID, of reps with executive numbers, and calls to it from new callers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reps = cls.env["res.users"]
        for index in range(4):
            cls.reps |= new_test_user(
                cls.env,
                login=f"route_rep_{index}",
                name=f"Rep {index}",
                groups="sales_team.group_sale_salesman",
                mcube_executive_number=f"+9190000000{index:02d}",
            )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Inbound",
                "mcube_virtual_number": TEAM_DID,
                "crm_team_member_ids": [Command.create({"user_id": rep.id}) for rep in cls.reps[:3]],
            }
        )
        cls.calls = 0

    def member(self, user):
        return self.team.crm_team_member_ids.filtered(lambda member: member.user_id == user)

    def call(self, caller=None, did=TEAM_DID, **overrides):
        """A new inbound call to ``did`` (no agent yet), processed; its record."""
        type(self).calls += 1
        caller = caller or f"97{self.calls:08d}"
        callid = f"ROUTE-{self.calls}"
        values = {"callid": callid, "callto": caller, "clicktocalldid": did, "emp_phone": "", **overrides}
        self.ingest(sample(START, **values))
        return self.record_of(callid)

    def calendar(self, working_now):
        """Call hours that include now (every day, all day) or not (only the day after tomorrow)."""
        tz = "Asia/Kolkata"
        today = datetime.now(pytz.timezone(tz)).weekday()
        days = range(7) if working_now else [(today + 2) % 7]
        return self.env["resource.calendar"].create(
            {
                "name": f"Hours {working_now}",
                "tz": tz,
                "attendance_ids": [
                    Command.create({"name": str(day), "dayofweek": str(day), "hour_from": 0, "hour_to": 24})
                    for day in days
                ],
            }
        )


@tagged("post_install", "-at_install")
class TestRoutingRule(RoutingCase, TransactionCase):
    def test_new_callers_go_round_the_team_in_turn(self):
        records = [self.call() for _ in range(6)]
        self.assertEqual([record.user_id for record in records], list(self.reps[:3]) * 2)
        first = records[0]
        self.assertEqual(first.assignment_rule, "round_robin")
        self.assertEqual(first.assignment_reason, "Round-robin in Inbound: 1 of 3 available")
        self.assertEqual(records[2].assignment_reason, "Round-robin in Inbound: 3 of 3 available")
        # the lead made for the caller is the same rep's, in the team, with the reason
        self.assertRecordValues(
            first.lead_id,
            [
                {
                    "user_id": self.reps[0].id,
                    "team_id": self.team.id,
                    "mcube_assignment_rule": "round_robin",
                    "mcube_assignment_reason": "Round-robin in Inbound: 1 of 3 available",
                }
            ],
        )
        self.assertEqual(first.route_id.call_record_id, first)

    def test_call_shares_weight_the_turns(self):
        self.member(self.reps[0]).mcube_weight = 3
        users = Counter(self.call().user_id for _ in range(10))
        self.assertEqual(users, Counter({self.reps[0]: 6, self.reps[1]: 2, self.reps[2]: 2}))

    def test_away_paused_and_full_members_are_skipped(self):
        self.reps[0].mcube_away = True
        self.member(self.reps[1]).mcube_daily_limit = 1
        users = [self.call().user_id for _ in range(3)]
        self.assertEqual(users, [self.reps[1], self.reps[2], self.reps[2]])
        self.assertEqual(self.call().assignment_reason, "Round-robin in Inbound: 1 of 1 available")

    def test_call_hours_and_leaves_decide_who_is_available(self):
        self.member(self.reps[0]).mcube_calendar_id = self.calendar(working_now=False)
        hours = self.calendar(working_now=True)
        self.member(self.reps[1]).mcube_calendar_id = hours
        # a personal leave covering now, on the rep's own resource
        resource = self.env["resource.resource"].create({"name": "Rep 1", "user_id": self.reps[1].id})
        now = fields.Datetime.now()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Doctor",
                "calendar_id": hours.id,
                "resource_id": resource.id,
                "date_from": now - timedelta(hours=1),
                "date_to": now + timedelta(hours=1),
            }
        )
        self.assertEqual({self.call().user_id for _ in range(2)}, {self.reps[2]})
        # the leave is the rep's alone: a rep with the same hours and no leave takes calls
        self.member(self.reps[2]).mcube_calendar_id = hours
        self.assertEqual(self.call().user_id, self.reps[2])

    def test_a_returning_caller_reaches_their_own_salesperson(self):
        lead = self.env["crm.lead"].create({"name": "Kaveri deal", "phone": "9811100001", "user_id": self.reps[2].id})
        record = self.call("9811100001")
        self.assertEqual((record.user_id, record.lead_id), (self.reps[2], lead))
        self.assertEqual(record.assignment_rule, "sticky")
        self.assertEqual(record.assignment_reason, "Sticky: owner of lead Kaveri deal")
        # the round-robin did not spend a turn on it
        self.assertEqual(self.call().user_id, self.reps[0])

    def test_sticky_to_the_contact_salesperson_too_even_outside_the_team(self):
        self.env["res.partner"].create({"name": "Asha", "mobile": "9811100002", "user_id": self.reps[3].id})
        record = self.call("9811100002")
        self.assertEqual(record.user_id, self.reps[3])
        self.assertEqual(record.assignment_reason, "Sticky: salesperson of Asha")

    def test_an_unavailable_owner_is_not_sticky(self):
        self.env["crm.lead"].create({"name": "Kaveri deal", "phone": "9811100001", "user_id": self.reps[2].id})
        self.reps[2].mcube_away = True
        record = self.call("9811100001")
        self.assertEqual((record.user_id, record.assignment_rule), (self.reps[0], "round_robin"))
        # the lead keeps its owner
        self.assertEqual(record.lead_id.user_id, self.reps[2])

    def test_an_owner_at_their_daily_limit_is_not_sticky(self):
        self.env["crm.lead"].create({"name": "Deal", "phone": "9811100001", "user_id": self.reps[0].id})
        self.member(self.reps[0]).mcube_daily_limit = 1
        self.assertEqual(self.call().user_id, self.reps[0])
        self.assertEqual(self.call("9811100001").assignment_rule, "round_robin")

    def test_skills_go_first_then_turns_among_the_skilled(self):
        tag = self.env["res.partner.category"].create({"name": "Textiles"})
        hindi = self.env["res.lang"]._activate_lang("hi_IN")
        self.member(self.reps[1]).mcube_tag_ids = tag
        self.member(self.reps[2]).mcube_lang_ids = hindi
        self.env["res.partner"].create({"name": "Textile Co", "phone": "9811100003", "category_id": tag.ids})
        self.env["res.partner"].create({"name": "Ravi", "phone": "9811100004", "lang": "hi_IN"})
        record = self.call("9811100003")
        self.assertEqual((record.user_id, record.assignment_rule), (self.reps[1], "skills"))
        self.assertEqual(record.assignment_reason, "Skills in Inbound: round-robin, 1 of 1 matching members")
        self.assertEqual(self.call("9811100004").user_id, self.reps[2])
        # without a matching member available, the plain round-robin
        self.reps[2].mcube_away = True
        self.env["res.partner"].create({"name": "Mohan", "phone": "9811100005", "lang": "hi_IN"})
        self.assertEqual(self.call("9811100005").assignment_rule, "round_robin")

    def test_sticky_comes_before_skills(self):
        tag = self.env["res.partner.category"].create({"name": "Textiles"})
        self.member(self.reps[1]).mcube_tag_ids = tag
        self.env["res.partner"].create(
            {"name": "Textile Co", "phone": "9811100003", "category_id": tag.ids, "user_id": self.reps[0].id}
        )
        self.assertEqual(self.call("9811100003").user_id, self.reps[0])

    def test_nobody_available_falls_back_in_order(self):
        self.reps[:3].mcube_away = True
        fallback = self.reps[3]
        self.team.write({"mcube_fallback_user_id": fallback.id, "user_id": self.salesman_other.id})
        record = self.call()
        self.assertEqual((record.user_id, record.assignment_rule), (fallback, "fallback"))
        self.assertEqual(record.assignment_reason, "Fallback of Inbound: nobody available")
        self.team.mcube_fallback_user_id = False
        self.assertEqual(self.call().user_id, self.salesman_other)
        self.team.user_id = False
        self.env.company.mcube_default_user_id = self.manager
        record = self.call()
        self.assertEqual(record.user_id, self.manager)
        self.assertEqual(record.assignment_reason, "Fallback: the company's default salesperson")

    def test_with_no_fallback_at_all_the_lead_waits_in_the_team_and_it_is_logged(self):
        self.reps[:3].mcube_away = True
        with patch.object(mcube_route._logger, "warning") as warning:
            record = self.call()
        self.assertIn("nobody to take a call", warning.call_args.args[0])
        self.assertFalse(record.user_id)
        self.assertEqual(record.lead_id.team_id, self.team)
        self.assertEqual(record.assignment_reason, "Nobody available and no fallback salesperson")

    def test_a_personal_number_rings_its_owner_before_any_rule(self):
        self.env["crm.lead"].create({"name": "Deal", "phone": "9811100001", "user_id": self.reps[2].id})
        record = self.call("9811100001", did="8045678901")
        self.assertEqual((record.user_id, record.assignment_rule), (self.salesman_did, "number"))
        self.assertEqual(record.assignment_reason, "Owner of the number +918045678901")

    def test_the_agent_who_took_the_call_keeps_it(self):
        record = self.call(emp_phone="9123456780")
        self.assertEqual((record.user_id, record.assignment_rule), (self.salesman_agent, "agent"))
        self.assertFalse(record.route_id)

    def test_when_mcube_hunts_on_the_agent_who_answered_takes_the_call(self):
        record = self.call()
        self.assertEqual(record.user_id, self.reps[0])
        hangup = sample("inbound_answered_hangup", callid=record.call_id, callto=record.phone_number)
        self.ingest({**hangup, "clicktocalldid": TEAM_DID, "emp_phone": "9000000001"})
        self.assertEqual((record.user_id, record.assignment_rule), (self.reps[1], "agent"))
        self.assertEqual(record.assignment_reason, "Agent: took the call on +919000000001")
        # the decision stays on record, and the rule's turn is not given back
        self.assertEqual(record.route_id.user_id, self.reps[0])
        self.assertEqual(self.call().user_id, self.reps[1])

    def test_unknown_numbers_go_to_the_default_team(self):
        self.env.company.mcube_default_team_id = self.team
        with patch.object(mcube_route._logger, "info") as info:
            record = self.call(did="8049999999")
        self.assertIn("is nobody's", info.call_args.args[0])
        self.assertEqual((record.user_id, record.route_id.team_id), (self.reps[0], self.team))
        # a call without a DID too, and an anonymous caller still gets a person
        record = self.call(did="", callto="")
        self.assertEqual(record.user_id, self.reps[1])
        self.assertFalse(record.lead_id)

    def test_the_decision_is_made_once_per_call(self):
        record = self.call()
        hangup = sample(
            "inbound_answered_hangup", callid=record.call_id, callto=record.phone_number, clicktocalldid=TEAM_DID
        )
        self.ingest({**hangup, "emp_phone": ""})
        self.assertEqual(record.user_id, self.reps[0])
        self.assertEqual(self.env["mcube.route"].search_count([("call_id", "=", record.call_id)]), 1)

    def test_callbacks_of_missed_calls_follow_the_rule(self):
        lead = self.env["crm.lead"].create({"name": "Deal", "phone": "9811100001", "user_id": self.reps[2].id})
        missed = sample("inbound_answered_hangup", callto="9811100001", clicktocalldid=TEAM_DID, emp_phone="")
        missed.update(dialstatus="NOANSWER", answeredtime="00:00:00")
        self.reps[2].mcube_away = True
        self.ingest({**missed, "callid": "MISSED-1"})
        activity = lead.activity_ids
        self.assertEqual(activity.user_id, self.reps[0])  # the rep the rule gave the call
        activity.unlink()
        self.reps[2].mcube_away = False
        self.ingest({**missed, "callid": "MISSED-2"})
        self.assertEqual(lead.activity_ids.user_id, self.reps[2])


@tagged("post_install", "-at_install")
class TestRoutingSettings(RoutingCase, TransactionCase):
    def test_a_number_rings_one_team_or_one_user(self):
        with self.assertRaises(ValidationError):
            self.env["crm.team"].create({"name": "Clash", "mcube_virtual_number": "+91 80456 78901"})
        with self.assertRaises(ValidationError):
            self.reps[3].mcube_virtual_number = TEAM_DID
        self.assertEqual(self.team.mcube_virtual_number, TEAM_DID_E164)
        with self.assertRaises(ValidationError):
            self.team.mcube_virtual_number = "not a number"

    def test_shares_and_limits_are_sane(self):
        with self.assertRaises(ValidationError):
            self.member(self.reps[0]).mcube_weight = 0
        with self.assertRaises(ValidationError):
            self.member(self.reps[0]).mcube_daily_limit = -1

    def test_reps_mark_themselves_away_and_managers_pause_them_but_nothing_else(self):
        rep = self.reps[0]
        rep.with_user(rep).write({"mcube_away": True})
        self.assertTrue(rep.mcube_away)
        with self.assertRaises(AccessError):
            self.reps[1].with_user(rep).write({"mcube_away": True})
        with self.assertRaises(AccessError):
            self.member(self.reps[1]).with_user(rep).mcube_weight = 5
        self.reps[1].with_user(self.manager).write({"mcube_away": True})
        self.assertTrue(self.reps[1].mcube_away)
        self.member(self.reps[1]).with_user(self.manager).mcube_weight = 2
        # decisions are the managers' to read, never the reps'
        self.call()
        with self.assertRaises(AccessError):
            self.env["mcube.route"].with_user(rep).search([])
        self.assertTrue(self.env["mcube.route"].with_user(self.manager).search([]))

    def test_another_company_never_sees_or_takes_the_calls(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        outsider = new_test_user(
            self.env,
            login="route_outsider",
            groups="sales_team.group_sale_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        self.call()
        self.assertFalse(self.env["mcube.route"].with_user(outsider).search([]))
        # nor can a member or a fallback of another company take them
        with self.assertRaises(ValidationError):
            self.team.mcube_fallback_user_id = outsider
        # a member who since left the company is skipped
        leaver = self.reps[3]
        self.env["crm.team.member"].create({"crm_team_id": self.team.id, "user_id": leaver.id})
        leaver.write({"company_ids": [Command.link(other.id)], "company_id": other.id})
        leaver.write({"company_ids": [Command.unlink(self.env.company.id)]})
        self.reps[:3].mcube_away = True
        self.env.company.mcube_default_user_id = self.manager
        self.assertEqual(self.call().user_id, self.manager)
        self.reps[:3].mcube_away = False
        # the other company's lead owner is not sticky here
        self.env["crm.lead"].create(
            {"name": "Theirs", "phone": "9811100009", "user_id": outsider.id, "company_id": other.id}
        )
        self.assertEqual(self.call("9811100009").assignment_rule, "round_robin")
