import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from odoo.addons.bus.models.bus import channel_with_db, json_dump
from odoo.addons.cold_call_dialer.tests.common import DialerFixturesMixin
from odoo.addons.mcube_integration.tools.payload import parse
from odoo.addons.queue_job.tests.common import trap_jobs

from ..const import BUS_TYPE, LIVE_STATES
from .fake_mcube import FakeMcube

API_TOKEN = "mcube-account-token-7d41e9"
WEBHOOK_TOKEN = "webhook-token-0b3c55"
REP_EXECUTIVE = "+919123456780"
REP_TWO_EXECUTIVE = "+919988776655"
# DT Alpha's mobile, which the Dialer calls first.
ALPHA_NUMBER = "+919845000001"
PROMOTIONAL_DID = "1401234567"
INDIA = ZoneInfo("Asia/Kolkata")


class BridgeFixturesMixin(DialerFixturesMixin):
    """The Dialer's reps and prospects (cold_call_dialer's fixtures), MCUBE set up for India
    with both tokens, executive numbers for the two reps, and a fake MCUBE answering the
    click-to-call requests."""

    @classmethod
    def setup_bridge_fixtures(cls, with_status_field=True):
        cls.setup_dialer_fixtures(with_status_field)
        cls.fake = FakeMcube().start()
        cls.addClassCleanup(cls.fake.stop)
        cls.env.company.write(
            {
                "mcube_webhook_token": WEBHOOK_TOKEN,
                "mcube_country_id": cls.india.id,
                "mcube_timezone": "Asia/Kolkata",
                "mcube_allowed_ips": False,
                "mcube_default_user_id": False,
                "mcube_default_team_id": False,
                "mcube_click_to_call_url": cls.fake.url,
                "mcube_release_url": cls.fake.release_url,
                "mcube_api_token": API_TOKEN,
                "mcube_send_webhook_url": False,
            }
        )
        # Promotional calls go out from a 140-series number (India's rules, test_compliance).
        cls.caller_id = cls.env["cold.call.caller.id"].create({"number": PROMOTIONAL_DID})
        cls.executive_numbers = {cls.rep.id: REP_EXECUTIVE, cls.rep_two.id: REP_TWO_EXECUTIVE}
        for user_id, number in cls.executive_numbers.items():
            cls.env["res.users"].browse(user_id).mcube_executive_number = number

    def setUp(self):
        super().setUp()
        self.use_mode("ok_json")
        self.fake.requests.clear()
        self.fake.releases.clear()
        self.fake.calls = 0

    def use_mode(self, mode):
        """Have the fake MCUBE answer this way (the closed mode has its own address)."""
        self.fake.mode = mode
        self.env.company.write({"mcube_click_to_call_url": self.fake.url, "mcube_release_url": self.fake.release_url})

    def place_call(self, partner=None, user=None, **kwargs):
        """The Dialer's Call, the rep's earlier calls over (a rep has one live call at a time)."""
        self.end_calls(user or self.rep)
        return self.dialer(user).place_call((partner or self.alpha).id, **kwargs)

    def end_calls(self, user):
        Attempt = self.env["cold.call.mcube.attempt"].sudo()
        Attempt.search([("user_id", "=", user.id), ("state", "in", LIVE_STATES)]).state = "ended"

    def attempt(self, result):
        return self.env["cold.call.mcube.attempt"].browse(result["attempt_id"])

    def event_payload(self, attempt=None, phase="start", status="", duration=0, refid=None, started=None, **extra):
        """An MCUBE event for a click-to-call (10-digit numbers, India local time)."""
        started = started or datetime.now(INDIA).replace(tzinfo=None, microsecond=0)
        payload = {
            "callid": f"MC-TEST-{attempt.id if attempt else 0}",
            "starttime": started.strftime("%Y-%m-%d %H:%M:%S"),
            "callto": (attempt.customer_number if attempt else ALPHA_NUMBER)[-10:],
            "emp_phone": (attempt.executive_number if attempt else REP_EXECUTIVE)[-10:],
            "agentname": "Rita Rep",
            "direction": "outbound",
            "dialstatus": status,
            "refid": attempt.refid if refid is None else refid,
            **extra,
        }
        if phase == "hangup":
            payload.update(
                endtime=(started + timedelta(seconds=duration)).strftime("%Y-%m-%d %H:%M:%S"),
                answeredtime=duration,
                filename="https://recordings.example.com/call.wav" if duration else "",
            )
        return payload

    def ingest(self, payload):
        """Store an MCUBE delivery as the webhook does and run its job; return its call record."""
        account = self.env["res.company"]._mcube_account(WEBHOOK_TOKEN)
        with trap_jobs() as trap:
            event, _outcome = self.env["mcube.event"]._ingest(
                parse(payload), json.dumps(payload), "application/json", {}, "127.0.0.1", account
            )
            trap.perform_enqueued_jobs()
        event.invalidate_recordset()
        self.env.invalidate_all()
        return event.call_record_id

    def bus_payloads(self, user):
        """The call notifications sent to a user's partner channel, oldest first."""
        channel = json_dump(channel_with_db(self.env.cr.dbname, user.partner_id))
        messages = self.env["bus.bus"].sudo().search([("channel", "=", channel)], order="id")
        notifications = [json.loads(message.message) for message in messages]
        return [note["payload"] for note in notifications if note["type"] == BUS_TYPE]
