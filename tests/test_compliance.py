"""India's telemarketing rules where a browser cannot get around them: a rep's JSON-RPC
click-to-call to a number the rules refuse is answered with the reason, and MCUBE receives
nothing (docs/COMPLIANCE.md)."""

import importlib.util
import random
from pathlib import Path

import pytest
from mcube import configure, create_user

ROOT = Path(__file__).resolve().parent.parent
REP = ["base.group_partner_manager", "cold_call_dialer.group_cold_call_user"]


def _fake_mcube():
    """The bridge's fake MCUBE (a plain HTTP server), loaded without the Odoo test package around it."""
    path = ROOT / "addons/cold_call_dialer_mcube/tests/fake_mcube.py"
    spec = importlib.util.spec_from_file_location("fake_mcube", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FakeMcube


@pytest.fixture
def fake():
    with _fake_mcube()() as server:
        yield server


def _mobile():
    return f"+9198{random.randint(10**7, 10**8 - 1)}"


SETTINGS = [
    "country_id",
    "mcube_api_token",
    "mcube_click_to_call_url",
    "mcube_send_webhook_url",
    "cold_call_register_unknown",
]


@pytest.fixture
def admin(odoo_server):
    """The admin's session; the company's settings this module changes are put back afterwards."""
    admin = odoo_server.session()
    company = admin.call("res.users", "search_read", [("login", "=", "admin")], ["company_id"])[0]["company_id"][0]
    saved = admin.call("res.company", "read", [company], SETTINGS)[0]
    yield admin
    saved["country_id"] = saved["country_id"] and saved["country_id"][0]
    admin.call("res.company", "write", [company], {key: saved[key] for key in SETTINGS})


def test_a_json_rpc_click_to_call_to_a_blocked_number_never_reaches_mcube(odoo_server, admin, fake):
    india = admin.call("res.country", "search", [("code", "=", "IN")])[0]
    configure(
        admin,
        country_id=india,
        mcube_api_token="e2e-account-token",
        mcube_click_to_call_url=fake.url,
        mcube_send_webhook_url=False,
        cold_call_register_unknown="warn",
    )
    did = f"140{random.randint(10**6, 10**7 - 1)}"
    admin.call("cold.call.caller.id", "create", {"number": did})
    login = create_user(admin, REP, mcube_executive_number=_mobile())
    blocked, free = _mobile(), _mobile()
    partners = admin.call(
        "res.partner",
        "create",
        [
            {"name": "Blocked prospect", "mobile": blocked, "country_id": india, "tz": "Asia/Kolkata"},
            {"name": "Free prospect", "mobile": free, "country_id": india, "tz": "Asia/Kolkata"},
        ],
    )
    admin.call("cold.call.register.entry", "create", {"number": blocked, "full_block": True, "source": "e2e scrub"})
    rep = odoo_server.session(login, login)

    result = rep.call("cold.call.dialer", "place_call", partners[0])
    assert result["ok"] is False and result["refused"] is True and result["tel"] is False, result
    assert "Fully blocked on the Do-Not-Disturb register" in result["error"]
    # Naming the number, or a service list the contact is not on, changes nothing.
    service = admin.call(
        "ir.filters",
        "create",
        {
            "name": "e2e service",
            "model_id": "res.partner",
            "domain": "[('id', '=', 0)]",
            "cold_call_purpose": "service",
        },
    )
    assert rep.call("cold.call.dialer", "place_call", partners[0], number=blocked, list_key=service)["refused"]
    assert rep.call("cold.call.dialer", "check_call", partners[0])["tel"] is False
    assert fake.calls == 0 and not fake.requests

    # The same rep's call to an allowed number does reach MCUBE, from the 140 number.
    placed = rep.call("cold.call.dialer", "place_call", partners[1])
    assert placed["ok"], placed
    assert (fake.last_request["custnumber"], fake.last_request["did"]) == (free[-10:], did)

    checks = admin.call(
        "cold.call.compliance.check",
        "search_read",
        [("partner_id", "in", partners)],
        ["partner_id", "result", "rule", "entry_point"],
        order="id",
    )
    assert [(c["partner_id"][0], c["result"], c["entry_point"]) for c in checks] == [
        (partners[0], "refused", "mcube"),
        (partners[0], "refused", "mcube"),
        (partners[0], "refused", "phone"),
        (partners[1], "warned", "mcube"),
    ]
    # Reps do not read the evidence.
    assert (
        rep.http.post(
            f"{rep.url}/web/dataset/call_kw",
            json={
                "jsonrpc": "2.0",
                "params": {"model": "cold.call.compliance.check", "method": "search", "args": [[]], "kwargs": {}},
            },
            timeout=30,
        ).json()["error"]["data"]["name"]
        == "odoo.exceptions.AccessError"
    )
