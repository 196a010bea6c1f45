from datetime import timedelta

from psycopg2.errors import UniqueViolation

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.cold_call_mcube_attempt import LIVE_CALL_INDEX
from .common import API_TOKEN, BridgeFixturesMixin

HANG_UP_ON_PHONE = "MCUBE cannot end calls from Odoo here: hang up on your phone."


@tagged("post_install", "-at_install")
class TestHangUp(BridgeFixturesMixin, TransactionCase):
    """Hang up during an MCUBE call ends that call through MCUBE, or says the rep must hang up
    on their phone; a rep has one live call at a time, whatever the browser does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()

    def live_call(self):
        attempt = self.attempt(self.place_call())
        self.ingest(self.event_payload(attempt, answeredtime=5))
        self.assertEqual(attempt.state, "connected")
        return attempt

    def test_hang_up_releases_the_call_through_mcube(self):
        attempt = self.live_call()
        self.assertEqual(self.dialer().hang_up(attempt.id), {"ok": True, "error": False})
        self.assertEqual(self.fake.releases, [{"token": API_TOKEN, "callid": attempt.mcube_call_id}])
        self.assertEqual(attempt.state, "ended")
        self.assertEqual(self.bus_payloads(self.rep)[-1]["state"], "ended")
        # MCUBE's hangup event still brings the talk time, and a second press does nothing.
        self.ingest(self.event_payload(attempt, "hangup", status="ANSWER", duration=17))
        self.assertEqual((attempt.state, attempt.duration), ("ended", 17))
        self.assertEqual(self.dialer().hang_up(attempt.id), {"ok": True})
        self.assertEqual(len(self.fake.releases), 1)

    def test_without_release_the_rep_is_told_to_hang_up_on_the_phone(self):
        attempt = self.live_call()
        self.env.company.mcube_release_url = False
        self.assertEqual(self.dialer().hang_up(attempt.id), {"ok": False, "error": HANG_UP_ON_PHONE})
        self.assertEqual(attempt.state, "connected")
        self.assertFalse(self.fake.releases)

    def test_before_mcube_gives_a_call_id_the_rep_hangs_up_on_the_phone(self):
        attempt = self.attempt(self.place_call())
        attempt.sudo().mcube_call_id = False
        result = self.dialer().hang_up(attempt.id)
        self.assertEqual(result["error"], "MCUBE has not given this call's id yet: hang up on your phone.")
        self.assertEqual(attempt.state, "requested")

    def test_mcube_refusing_the_release_is_said_and_changes_nothing(self):
        attempt = self.live_call()
        self.fake.mode = "server_error"
        with mute_logger("odoo.addons.cold_call_dialer_mcube.models.cold_call_mcube_attempt"):
            result = self.dialer().hang_up(attempt.id)
        self.assertFalse(result["ok"])
        self.assertEqual(
            result["error"],
            "MCUBE did not end the call (MCUBE had an error (HTTP 503): try again in a moment.): "
            "hang up on your phone.",
        )
        self.assertEqual(attempt.state, "connected")

    def test_only_the_reps_own_call(self):
        attempt = self.live_call()
        with self.assertRaises(AccessError):
            self.dialer(self.rep_two).hang_up(attempt.id)
        for bad in (False, "1", -3, [attempt.id]):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                self.dialer().hang_up(bad)
        self.assertEqual(attempt.state, "connected")
        self.assertFalse(self.fake.releases)

    def test_one_live_call_per_rep(self):
        attempt = self.live_call()
        self.fake.requests.clear()
        with self.assertRaisesRegex(UserError, "You are on a call with “Kaveri Mills, DT Alpha”"):
            self.dialer().place_call(self.charlie.id)
        self.assertFalse(self.fake.requests)
        # Another rep calls meanwhile; the rep calls again once the call is over.
        self.assertTrue(self.dialer(self.rep_two).place_call(self.delta.id)["ok"])
        self.dialer().hang_up(attempt.id)
        self.assertTrue(self.dialer().place_call(self.charlie.id)["ok"])

    def test_a_logged_or_failed_call_is_over(self):
        attempt = self.live_call()
        self.dialer().log_call(self.alpha.id, status="voicemail", mcube_attempt_id=attempt.id)
        self.assertEqual(attempt.state, "connected")
        self.use_mode("refusal")
        self.assertFalse(self.dialer().place_call(self.charlie.id)["ok"])
        self.use_mode("ok_json")
        self.assertTrue(self.dialer().place_call(self.charlie.id)["ok"])

    def test_a_call_mcube_never_ended_stops_counting(self):
        attempt = self.live_call()
        self.env.cr.execute(
            "UPDATE cold_call_mcube_attempt SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(hours=3), attempt.id),
        )
        attempt.invalidate_recordset()
        self.assertTrue(self.dialer().place_call(self.charlie.id)["ok"])
        self.assertEqual(attempt.state, "ended")

    def test_two_requests_at_once_make_one_live_call(self):
        """The database refuses a second live call of the rep, for requests that raced past the check."""
        self.live_call()
        Attempt = self.env["cold.call.mcube.attempt"].sudo()
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation), self.env.cr.savepoint():
            Attempt.create({"partner_id": self.charlie.id, "user_id": self.rep.id, "refid": Attempt._new_refid()})

    def test_install_over_several_live_calls_keeps_each_reps_newest(self):
        Attempt = self.env["cold.call.mcube.attempt"].sudo()
        self.env.cr.execute(f"DROP INDEX {LIVE_CALL_INDEX}")
        older, newer = (
            Attempt.create({"partner_id": partner.id, "user_id": self.rep.id, "refid": Attempt._new_refid()})
            for partner in (self.alpha, self.charlie)
        )
        other = Attempt.create({"partner_id": self.alpha.id, "user_id": self.rep_two.id, "refid": Attempt._new_refid()})
        Attempt.flush_model()
        Attempt.init()
        Attempt.invalidate_model()
        self.assertEqual((older.state, newer.state, other.state), ("ended", "requested", "requested"))
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation), self.env.cr.savepoint():
            Attempt.create({"partner_id": self.alpha.id, "user_id": self.rep.id, "refid": Attempt._new_refid()})
