"""Hostile input on the real webhook: nothing but a valid, authenticated event is ever stored."""

import json
import os
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcube import EVENT_MODEL, configure_token, event

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))


@pytest.fixture(scope="module")
def rpc(odoo_server):
    return odoo_server.session()


@pytest.fixture(scope="module")
def token(rpc):
    return configure_token(rpc)


def _event_count(rpc):
    return rpc.call(EVENT_MODEL, "search_count", [])


@pytest.mark.parametrize(
    "make_token",
    [
        lambda t: None,
        lambda t: "",
        lambda t: "wrong",
        lambda t: t[:-1],
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t + "x",
        lambda t: t.swapcase(),
        lambda t: t + t,
    ],
    ids=["missing", "empty", "wrong", "one-short", "one-off", "one-long", "other-case", "doubled"],
)
@pytest.mark.parametrize("where", ["header", "query"])
def test_bad_tokens_get_401_and_store_nothing(odoo_server, rpc, token, make_token, where):
    bad = make_token(token)
    before = _event_count(rpc)
    headers = {"Content-Type": "application/json"}
    params = {}
    if bad is not None:
        (headers if where == "header" else params)["X-MCUBE-Token" if where == "header" else "token"] = bad
    answer = requests.post(
        f"{odoo_server.url}/mcube/webhook",
        params=params,
        headers=headers,
        data=json.dumps(event(f"AUTH-{uuid.uuid4().hex}")),
        timeout=30,
    )
    assert answer.status_code == 401, answer.text
    assert _event_count(rpc) == before


def test_query_token_is_accepted(odoo_server, token):
    answer = requests.post(
        f"{odoo_server.url}/mcube/webhook", params={"token": token}, json=event(f"QUERY-{uuid.uuid4().hex}"), timeout=30
    )
    assert answer.status_code == 202, answer.text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
known_keys = st.sampled_from(
    [
        "callid",
        "starttime",
        "endtime",
        "callto",
        "clicktocalldid",
        "emp_phone",
        "agentname",
        "dialstatus",
        "direction",
        "answeredtime",
        "filename",
        "disconnectedby",
        "CallSessionId",
        "SourceNumber",
        "Status",
        "CallDuration",
        "ResourceURL",
    ]
)
payload_like = st.dictionaries(known_keys | st.text(max_size=12), json_values, max_size=10)
mutated_event = st.builds(
    lambda base, key, value: {**base, key: value},
    st.builds(lambda n: event(f"FUZZ-{n}"), st.integers(0, 10**9)),
    known_keys,
    json_values,
)
bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()),
    payload_like.map(lambda v: json.dumps(v).encode()),
    mutated_event.map(lambda v: json.dumps(v).encode()),
    st.just(b"{" + b'"x":"' + b"a" * 70000 + b'"}'),
)
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
content_types = (
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "application/x-www-form-urlencoded",
            "text/plain",
            "application/xml",
            "multipart/form-data; boundary=x",
            "",
            "application/JSON",
        ]
    )
    | header_text
)


def test_fuzzed_requests_never_5xx_and_store_only_what_they_accept(odoo_server, rpc, token):
    accepted = []
    before = _event_count(rpc)
    session = requests.Session()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        body=bodies,
        content_type=content_types,
        authenticated=st.booleans(),
        extra=st.dictionaries(
            st.sampled_from(["X-Forwarded-For", "X-Real-IP", "User-Agent", "X-MCUBE-Token"]),
            header_text,
            max_size=2,
        ),
    )
    def deliver(body, content_type, authenticated, extra):
        headers = {**extra, "Content-Type": content_type}
        if authenticated:
            headers["X-MCUBE-Token"] = token
        elif headers.get("X-MCUBE-Token") == token:
            headers.pop("X-MCUBE-Token")
        try:
            answer = session.post(f"{odoo_server.url}/mcube/webhook", data=body, headers=headers, timeout=30)
        except requests.exceptions.InvalidHeader:
            return  # the client refused to send it
        assert answer.status_code < 500, (answer.status_code, answer.text[:200], body[:200], headers)
        if answer.status_code in (200, 202):
            assert authenticated, "accepted without the token"
        if answer.status_code == 202:
            accepted.append(body)

    deliver()
    assert _event_count(rpc) - before == len(accepted)
