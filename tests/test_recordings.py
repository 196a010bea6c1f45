"""Recordings end to end: a real Odoo with workers and the queue_job runner downloads a call's
recording from a fake storage on localhost and transcribes it, each on its own job channel."""

import sys
import time
from pathlib import Path

import pytest
from mcube import configure, configure_token, event, post

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "addons" / "cold_call_audio" / "tests"))

from recording_server import RecordingServer  # noqa: E402
from speech import join, speak  # noqa: E402

RECORD = "mcube.call.record"
SAID = ("we can book a demo on friday", "we already have a supplier")


@pytest.fixture(scope="module")
def storage():
    with RecordingServer() as server:
        yield server


@pytest.fixture(scope="module")
def rpc(odoo_server):
    rpc = odoo_server.session()
    india = rpc.call("res.country", "search", [("code", "=", "IN")])[0]
    configure(
        rpc,
        mcube_country_id=india,
        mcube_timezone="Asia/Kolkata",
        mcube_recording_storage="store",
        mcube_recording_transcribe=True,
        mcube_recording_allow_http=True,
        mcube_recording_trusted_networks="127.0.0.1/32",
    )
    yield rpc
    configure(rpc, mcube_recording_storage="link", mcube_recording_trusted_networks=False)


def wait_for(rpc, callid, done, timeout=180):
    deadline = time.monotonic() + timeout
    while True:
        records = rpc.call(
            RECORD,
            "search_read",
            [("call_id", "=", callid)],
            ["audio_state", "audio_error", "transcript_state", "transcript", "transcript_error"],
        )
        if (records and done(records[0])) or time.monotonic() > deadline:
            return records[0] if records else {}
        time.sleep(1)


def test_a_recording_is_downloaded_and_transcribed_by_the_job_runner(odoo_server, rpc, storage):
    token = configure_token(rpc)
    url = storage.add("/recordings/E2E-REC-1.wav", join(*(speak(sentence) for sentence in SAID)))
    assert post(odoo_server.url, token, event("E2E-REC-1", filename=url)).status_code == 202
    record = wait_for(rpc, "E2E-REC-1", lambda r: r["transcript_state"] in ("done", "failed"))
    assert record["audio_state"] == "stored", record
    assert record["transcript_state"] == "done", record
    for word in ("friday", "already"):
        assert word in record["transcript"]
    assert storage.hits["/recordings/E2E-REC-1.wav"] == 1
    jobs = rpc.call("queue.job", "search_read", [("func_string", "like", RECORD)], ["channel", "method_name", "state"])
    channels = {job["method_name"]: job["channel"] for job in jobs}
    assert channels["_fetch_audio"] == "root.recording"
    assert channels["_transcribe"] == "root.transcription"


def test_a_recording_that_is_gone_says_so(odoo_server, rpc, storage):
    token = configure_token(rpc)
    url = storage.url("/recordings/never-uploaded.wav")
    assert post(odoo_server.url, token, event("E2E-REC-GONE", filename=url)).status_code == 202
    record = wait_for(rpc, "E2E-REC-GONE", lambda r: r["audio_state"] not in (False, "waiting"))
    assert record["audio_state"] == "expired"
    assert "404" in record["audio_error"]
