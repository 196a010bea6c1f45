"""MCUBE's routing requests end to end, on a real Odoo with workers and the job runner: fairness
under concurrent requests, the call MCUBE reports afterwards, and the fallback when Odoo cannot
decide in time."""

import random
import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
import requests
from mcube import configure, configure_token, create_user, event, post, wait_for_events

REPS = 5
FALLBACK = "9888877777"


@pytest.fixture(scope="module")
def rpc(odoo_server):
    rpc = odoo_server.session()
    india = rpc.call("res.country", "search", [("code", "=", "IN")])[0]
    configure(
        rpc,
        mcube_country_id=india,
        mcube_timezone="Asia/Kolkata",
        mcube_route_format="json",
        mcube_route_fallback_number=FALLBACK,
    )
    return rpc


@pytest.fixture(scope="module")
def token(rpc):
    return configure_token(rpc)


@pytest.fixture()
def team(rpc):
    """A team of REPS equally weighted, available reps on a DID of its own: {executive number: user id}."""
    base = random.randrange(10**6, 9 * 10**6)
    reps = {}
    for index in range(REPS):
        number = f"93{base:07d}{index}"
        login = create_user(rpc, ["sales_team.group_sale_salesman"], mcube_executive_number=number)
        reps[number] = rpc.call("res.users", "search", [("login", "=", login)])[0]
    did, name = f"80{base:07d}9", f"Routing {base}"
    members = [(0, 0, {"user_id": user}) for user in reps.values()]
    team_id = rpc.call(
        "crm.team", "create", {"name": name, "mcube_virtual_number": did, "crm_team_member_ids": members}
    )
    return {"id": team_id, "name": name, "did": did, "reps": reps}


def ask(url, token, **params):
    return requests.get(f"{url}/mcube/route", params=params, headers={"X-MCUBE-Token": token}, timeout=30)


def test_a_thousand_new_callers_at_once_are_shared_exactly(odoo_server, rpc, token, team):
    first = random.randrange(10**8, 9 * 10**8 - 2000)
    callers = [f"6{first + index:09d}" for index in range(1000)]

    def route(caller):
        answer = ask(odoo_server.url, token, caller=caller, did=team["did"])
        return answer.status_code, answer.json()["number"]

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(route, callers))
    assert Counter(status for status, _number in answers) == {200: 1000}
    shares = Counter(number for _status, number in answers)
    assert set(shares) == set(team["reps"]), shares
    assert all(199 <= count <= 201 for count in shares.values()), shares
    routes = rpc.call("mcube.route", "search_read", [("team_id", "=", team["id"])], ["rule", "reason"])
    assert len(routes) == 1000
    assert {route["rule"] for route in routes} == {"round_robin"}
    firsts = Counter(route["reason"] for route in routes)[f"Round-robin in {team['name']}: 1 of 5 available"]
    assert 199 <= firsts <= 201


def test_mcube_rings_the_answered_rep_and_the_call_record_says_who_and_why(odoo_server, rpc, token, team):
    caller = f"7{random.randrange(10**8, 9 * 10**8)}"
    callid = f"ROUTE-E2E-{secrets.token_hex(3)}"
    answer = ask(odoo_server.url, token, caller=caller, did=team["did"])
    assert answer.status_code == 200
    rung = answer.json()["number"]
    rep = team["reps"][rung]
    # MCUBE rings that number, the rep answers, and MCUBE reports the call as it goes
    ids = []
    for phase in ("start", "hangup"):
        response = post(odoo_server.url, token, event(callid, phase, number=caller, did=team["did"], emp_phone=rung))
        assert response.status_code == 202
        ids.append(response.json()["event_id"])
    assert {row["state"] for row in wait_for_events(rpc, ids).values()} == {"done"}
    [record] = rpc.call(
        "mcube.call.record",
        "search_read",
        [("call_id", "=", callid)],
        ["user_id", "assignment_rule", "assignment_reason", "route_id", "lead_id"],
    )
    [route] = rpc.call("mcube.route", "search_read", [("caller_number", "=", f"+91{caller}")], ["user_id", "reason"])
    assert record["user_id"][0] == rep
    assert record["route_id"][0] == route["id"]
    assert (record["assignment_rule"], record["assignment_reason"]) == ("round_robin", route["reason"])
    [lead] = rpc.call("crm.lead", "read", [record["lead_id"][0]], ["user_id", "team_id"])
    assert (lead["user_id"][0], lead["team_id"][0]) == (rep, team["id"])


def test_when_the_turn_is_locked_too_long_the_caller_gets_the_fallback(odoo_server, rpc, token, team, odoo_db):
    connection = psycopg2.connect(dbname=odoo_db)
    try:
        with connection.cursor() as cr:
            cr.execute("SELECT id FROM crm_team_member WHERE crm_team_id = %s FOR UPDATE", [team["id"]])
            answer = ask(odoo_server.url, token, caller="9811122299", did=team["did"])
        assert (answer.status_code, answer.json()["number"]) == (200, FALLBACK)
    finally:
        connection.rollback()
        connection.close()
    assert "MCUBE routing: no decision in time" in odoo_server.log_since_start()
    # nothing was decided or counted for that caller
    assert not rpc.call("mcube.route", "search", [("caller_number", "=", "+919811122299")])
