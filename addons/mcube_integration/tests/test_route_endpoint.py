import json
from unittest.mock import patch

import psycopg2

from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers import mcube_integration as controllers
from ..models import crm_team
from ..models.mcube_route import McubeRoute
from .common import TOKEN, sample
from .test_routing import START, TEAM_DID, RoutingCase


@tagged("post_install", "-at_install")
class TestRouteEndpoint(RoutingCase, HttpCase):
    def ask(self, token=TOKEN, method="GET", headers=None, **params):
        """Ask the routing endpoint as MCUBE would; the response."""
        headers = {"X-MCUBE-Token": token, **(headers or {})} if token else dict(headers or {})
        if method == "GET":
            return self.url_open(f"/mcube/route?{'&'.join(f'{k}={v}' for k, v in params.items())}", headers=headers)
        return self.url_open("/mcube/route", data=params.pop("body", params), headers=headers)

    def test_mcube_gets_the_next_rep_to_ring_and_the_call_joins_the_answer(self):
        answer = self.ask(caller="9811100001", did=TEAM_DID)
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json(), {"number": "9000000000", "numbers": ["9000000000"]})
        route = self.env["mcube.route"].search([("source", "=", "request")])
        self.assertRecordValues(
            route,
            [
                {
                    "user_id": self.reps[0].id,
                    "rule": "round_robin",
                    "caller_number": "+919811100001",
                    "virtual_number": "+918040000001",
                    "answer": "9000000000",
                    "call_record_id": False,
                }
            ],
        )
        # the next caller gets the next rep
        self.assertEqual(self.ask(caller="9811100002", did=TEAM_DID).json()["number"], "9000000001")
        # MCUBE rang the first rep, who took the call: the call record is theirs, for the same reason
        self.ingest(
            sample(START, callid="JOIN-1", callto="9811100001", clicktocalldid=TEAM_DID, emp_phone="9000000000")
        )
        record = self.record_of("JOIN-1")
        self.assertEqual((record.user_id, record.route_id), (self.reps[0], route))
        self.assertEqual(record.assignment_reason, route.reason)
        self.assertEqual(route.call_record_id, record)
        self.assertEqual(record.lead_id.user_id, self.reps[0])
        # and took no second turn
        self.assertEqual(self.env["mcube.route"].search_count([]), 2)

    def test_a_call_another_rep_answered_is_theirs(self):
        self.ask(caller="9811100001", did=TEAM_DID)
        self.ingest(
            sample(START, callid="HUNT-1", callto="9811100001", clicktocalldid=TEAM_DID, emp_phone="9000000002")
        )
        record = self.record_of("HUNT-1")
        self.assertEqual((record.user_id, record.assignment_rule), (self.reps[2], "agent"))
        self.assertEqual(record.route_id.user_id, self.reps[0])
        self.assertEqual(record.route_id.call_record_id, record)

    def test_a_call_id_given_with_the_request_joins_by_it(self):
        self.ask(caller="9811100001", did=TEAM_DID, callid="MC-JOIN-9")
        self.ingest(sample(START, callid="MC-JOIN-9", callto="9811100001", clicktocalldid=TEAM_DID, emp_phone=""))
        self.assertEqual(self.record_of("MC-JOIN-9").route_id.call_id, "MC-JOIN-9")

    def test_the_answer_comes_in_the_format_of_the_settings(self):
        self.env.company.write({"mcube_route_format": "text", "mcube_route_fallback_number": "9888877777"})
        answer = self.ask(caller="9811100001", did=TEAM_DID)
        self.assertEqual((answer.text, answer.headers["Content-Type"]), ("9000000000", "text/plain; charset=utf-8"))
        self.env.company.mcube_route_format = "hunt"
        # the chosen rep first, then the other available members in order, then the fallback number
        self.assertEqual(
            self.ask(caller="9811100002", did=TEAM_DID).text, "9000000001,9000000000,9000000002,9888877777"
        )

    def test_form_and_json_bodies_and_mcube_names_for_the_numbers(self):
        answer = self.ask(method="POST", callfrom="9811100001", callto=TEAM_DID)
        self.assertEqual(answer.json()["number"], "9000000000")
        answer = self.ask(
            method="POST",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"custnumber": "+91 98111 00002", "clicktocalldid": TEAM_DID, "callid": "X-1"}),
        )
        self.assertEqual(answer.json()["number"], "9000000001")
        self.assertTrue(self.env["mcube.route"].search([("call_id", "=", "X-1")]))

    def test_a_returning_caller_is_sent_to_their_salesperson(self):
        self.env["crm.lead"].create({"name": "Deal", "phone": "9811100001", "user_id": self.reps[2].id})
        self.assertEqual(self.ask(caller="9811100001", did=TEAM_DID).json()["number"], "9000000002")
        # a personal number rings its owner
        self.salesman_did.mcube_executive_number = "9111122222"
        self.assertEqual(self.ask(caller="9811100001", did="8045678901").json()["number"], "9111122222")

    def test_members_mcube_cannot_ring_are_skipped_with_a_log_line(self):
        self.reps[0].mcube_executive_number = False
        with patch.object(crm_team._logger, "info") as info:
            answer = self.ask(caller="9811100001", did=TEAM_DID)
        self.assertEqual(answer.json()["number"], "9000000001")
        self.assertIn("without an executive number", info.call_args.args[0])

    def test_nobody_available_rings_the_fallback_number_or_says_so(self):
        self.reps.mcube_away = True
        self.env.company.mcube_route_fallback_number = "+91 98888 77777"
        self.assertEqual(self.ask(caller="9811100001", did=TEAM_DID).json()["number"], "9888877777")
        self.env.company.mcube_route_fallback_number = False
        answer = self.ask(caller="9811100001", did=TEAM_DID)
        self.assertEqual(answer.status_code, 404)
        self.assertIn("no fallback number", answer.json()["error"])

    def test_a_fallback_salesperson_without_a_number_is_not_rung(self):
        self.reps.mcube_away = True
        self.team.mcube_fallback_user_id = self.salesman_other
        self.env.company.mcube_route_fallback_number = "9888877777"
        self.assertEqual(self.ask(caller="9811100001", did=TEAM_DID).json()["number"], "9888877777")

    def test_unknown_numbers_go_to_the_default_team(self):
        self.env.company.mcube_default_team_id = self.team
        self.assertEqual(self.ask(caller="9811100001", did="8049999999").json()["number"], "9000000000")
        self.assertEqual(self.ask(caller="9811100002").json()["number"], "9000000001")
        # a caller without a number still gets someone
        self.assertEqual(self.ask(did=TEAM_DID).json()["number"], "9000000002")

    def test_when_odoo_cannot_decide_in_time_the_caller_gets_the_fallback(self):
        self.env.company.mcube_route_fallback_number = "9888877777"
        error = psycopg2.errors.LockNotAvailable("canceling statement due to lock timeout")
        with patch.object(McubeRoute, "_decide", side_effect=error), patch.object(controllers._logger, "warning"):
            answer = self.ask(caller="9811100001", did=TEAM_DID)
        self.assertEqual((answer.status_code, answer.json()["number"]), (200, "9888877777"))
        self.assertFalse(self.env["mcube.route"].search([]))
        with (
            patch.object(McubeRoute, "_decide", side_effect=KeyError("bug")),
            patch.object(controllers._logger, "exception") as logged,
        ):
            answer = self.ask(caller="9811100001", did=TEAM_DID)
        self.assertEqual((answer.status_code, answer.json()["number"]), (200, "9888877777"))
        logged.assert_called_once()

    def test_bad_requests_get_a_4xx_and_change_nothing(self):
        with patch.object(controllers._logger, "info") as info:
            cases = [
                ({"token": ""}, 401),
                ({"token": "wrong"}, 401),
                ({"caller": "hello", "did": TEAM_DID}, 400),
                ({"caller": "9811100001", "did": "12"}, 400),
                ({}, 400),
                ({"method": "POST", "headers": {"Content-Type": "application/json"}, "body": "[1, 2]"}, 400),
                ({"method": "POST", "headers": {"Content-Type": "application/json"}, "body": "{not json"}, 400),
                ({"method": "POST", "headers": {"Content-Type": "application/json"}, "body": '{"caller": [1]}'}, 400),
            ]
            for params, status in cases:
                with self.subTest(params=params):
                    self.assertEqual(self.ask(**params).status_code, status)
        self.assertEqual(info.call_count, len(cases))
        self.env.company.mcube_allowed_ips = "203.0.113.7"
        self.assertEqual(self.ask(caller="9811100001", did=TEAM_DID).status_code, 403)
        self.assertFalse(self.env["mcube.route"].search([]))

    def test_each_company_routes_its_own_callers(self):
        other = self.env["res.company"].create(
            {"name": "Other Co", "mcube_webhook_token": "other-token-1234", "mcube_route_fallback_number": "9777766666"}
        )
        theirs = new_test_user(
            self.env,
            login="route_theirs",
            groups="sales_team.group_sale_salesman",
            company_id=other.id,
            company_ids=[other.id],
            mcube_executive_number="9555544444",
        )
        # our team's DID means nothing to the other company: its fallback, never our reps
        self.assertEqual(
            self.ask(token="other-token-1234", caller="9811100001", did=TEAM_DID).json()["number"], "9777766666"
        )
        # nor is their salesperson sticky for our callers
        self.env["crm.lead"].create(
            {"name": "Theirs", "phone": "9811100001", "user_id": theirs.id, "company_id": other.id}
        )
        self.assertEqual(self.ask(caller="9811100001", did=TEAM_DID).json()["number"], "9000000000")
