"""Access over RPC: portal and public users see no call data; a salesman sees only their own calls."""

import uuid

import pytest
import requests
from mcube import EVENT_MODEL, RECORD_MODEL, configure_token, event, post, wait_for_drain

PROTECTED = [RECORD_MODEL, EVENT_MODEL, "cold.call.log"]


@pytest.fixture(scope="module")
def admin(odoo_server):
    return odoo_server.session()


def _user(admin, groups):
    login = f"user-{uuid.uuid4().hex[:8]}"
    group_ids = [admin.call("ir.model.data", "check_object_reference", *g.split("."))[1] for g in groups]
    admin.call(
        "res.users", "create", {"name": login, "login": login, "password": login, "groups_id": [(6, 0, group_ids)]}
    )
    return login


@pytest.mark.parametrize("model", PROTECTED)
def test_portal_user_cannot_read_call_data(odoo_server, admin, model):
    login = _user(admin, ["base.group_portal"])
    portal = odoo_server.session(login, login)
    with pytest.raises(RuntimeError, match="not allowed to access"):
        portal.call(model, "search_read", [], ["id"])


@pytest.mark.parametrize("model", PROTECTED)
def test_public_visitor_cannot_call_the_orm(odoo_server, model):
    answer = requests.post(
        f"{odoo_server.url}/web/dataset/call_kw",
        json={
            "jsonrpc": "2.0",
            "params": {"model": model, "method": "search_read", "args": [[], ["id"]], "kwargs": {}},
        },
        timeout=30,
    ).json()
    assert answer["error"]["data"]["name"] == "odoo.http.SessionExpiredException"


def test_salesman_sees_only_calls_on_their_own_leads(odoo_server, admin):
    mine, theirs = _user(admin, ["sales_team.group_sale_salesman"]), _user(admin, ["sales_team.group_sale_salesman"])
    numbers = {}
    token = configure_token(admin)
    for login, number in ((mine, "9811100001"), (theirs, "9811100002")):
        user_id = admin.call("res.users", "search", [("login", "=", login)])[0]
        numbers[login] = admin.call("crm.lead", "create", {"name": login, "phone": f"+91{number}", "user_id": user_id})
        assert post(odoo_server.url, token, event(f"ACL-{uuid.uuid4().hex[:8]}", number=number)).status_code == 202
    assert not wait_for_drain(admin).get("pending")

    salesman = odoo_server.session(mine, mine)
    visible = salesman.call(RECORD_MODEL, "search_read", [], ["lead_id"])
    assert visible and {row["lead_id"][0] for row in visible} == {numbers[mine]}
    with pytest.raises(RuntimeError, match="not allowed to access"):
        salesman.call(EVENT_MODEL, "search_read", [], ["id"])
