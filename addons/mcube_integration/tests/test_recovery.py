import ast
from unittest.mock import patch

import psycopg2
from psycopg2 import errorcodes

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

from ..const import AUTO_RETRY_DELAYS
from .common import McubeCase, sample

HANGUP = "inbound_answered_hangup"
EVENT_LOGGER = "odoo.addons.mcube_integration.models.mcube_event"


class SerializationFailure(psycopg2.OperationalError):
    """What PostgreSQL raises when two jobs touch the same rows (psycopg2 only sets
    pgcode for errors coming from the server)."""

    pgcode = errorcodes.SERIALIZATION_FAILURE


def serialization_failure():
    return SerializationFailure("could not serialize access due to concurrent update")


def run_all(trap):
    """Perform the trapped jobs, and the jobs they enqueue, until none is left."""
    while trap.enqueued_jobs:
        trap.perform_enqueued_jobs()


@tagged("post_install", "-at_install")
class TestRecovery(McubeCase, TransactionCase):
    def age(self, event, interval="2 hours"):
        self.env.cr.execute(
            "UPDATE mcube_event SET received_at = received_at - %s::interval WHERE id = %s", [interval, event.id]
        )
        event.invalidate_recordset()

    def trapped_store(self, payload):
        """Store a delivery, its batch job trapped and left unperformed, as if it were lost."""
        with trap_jobs():
            return self.store(payload)[0]

    def test_transient_error_retries(self):
        """A database conflict on one event of a batch hands it to its own job, which queue_job
        retries with backoff."""
        with trap_jobs() as trap:
            event, _outcome = self.store({"callid": "E-1", "endtime": "2025-11-13 10:00:00"})
            other, _outcome = self.store({"callid": "E-3", "endtime": "2025-11-13 10:00:00"})
            other.batch = event.batch
            real_upsert = type(self.CallRecord)._upsert_from_event

            def conflict_on_e1(records, stored, data):
                if stored == event:
                    raise serialization_failure()
                return real_upsert(records, stored, data)

            with patch.object(type(self.CallRecord), "_upsert_from_event", conflict_on_e1):
                trap.perform_enqueued_jobs()
                self.assertEqual((event.state, other.state), ("pending", "done"), "the rest of the batch is done")
                trap.assert_jobs_count(1, only=event._process)
                with self.assertRaises(RetryableJobError):
                    trap.perform_enqueued_jobs()
        self.assertEqual(event.state, "pending")

    def test_any_database_error_is_retried_not_failed(self):
        """A dropped connection, an administrator's shutdown, a cancelled query or a row another
        job inserted meanwhile is the database's problem, not the event's: queue_job retries the
        job with backoff."""
        errors = [
            psycopg2.errors.AdminShutdown("terminating connection due to administrator command"),
            psycopg2.errors.QueryCanceled("canceling statement due to statement timeout"),
            psycopg2.OperationalError("server closed the connection unexpectedly"),
            psycopg2.InterfaceError("connection already closed"),
            psycopg2.errors.UniqueViolation("duplicate key value violates unique constraint"),
        ]
        for index, error in enumerate(errors):
            with trap_jobs() as trap:
                event, _outcome = self.store({"callid": f"DB-{index}"})
                failing = patch.object(type(self.CallRecord), "_upsert_from_event", side_effect=error)
                with failing:
                    trap.perform_enqueued_jobs()  # the batch hands the event to its own job
                    with self.assertRaises(RetryableJobError, msg=repr(error)):
                        trap.perform_enqueued_jobs()
            self.assertEqual((event.state, event.attempts, event.last_error), ("pending", 0, False), repr(error))

    def test_a_broken_connection_retries_the_whole_batch(self):
        """Within seconds, as an event's own job: not after queue_job's default ten minutes."""
        with trap_jobs() as trap:
            event, _outcome = self.store({"callid": "DB-9"})
            [batch_job] = trap.enqueued_jobs
            failing = patch.object(type(self.Event), "_enqueue", side_effect=psycopg2.InterfaceError("closed"))
            conflict = patch.object(type(self.CallRecord), "_upsert_from_event", side_effect=serialization_failure())
            with failing, conflict, self.assertRaises(RetryableJobError):
                trap.perform_enqueued_jobs()
            event._enqueue()
            [event_job] = trap.enqueued_jobs
        self.assertEqual(event.state, "pending")
        for retry, seconds in [(1, 2), (4, 10), (8, 300)]:
            batch_job.retry = event_job.retry = retry
            self.assertEqual((batch_job._get_retry_seconds(), event_job._get_retry_seconds()), (seconds, seconds))

    def test_a_real_cancelled_query_is_retried(self):
        def slow_query(*_args):
            self.env.cr.execute("SET LOCAL statement_timeout = 50")
            self.env.cr.execute("SELECT pg_sleep(2)")

        with trap_jobs() as trap:
            event, _outcome = self.store(sample(HANGUP))
            slow = patch.object(type(self.CallRecord), "_upsert_from_event", side_effect=slow_query)
            with slow, mute_logger("odoo.sql_db"):
                trap.perform_enqueued_jobs()
                with self.assertRaisesRegex(RetryableJobError, "statement timeout"):
                    trap.perform_enqueued_jobs()
        self.assertEqual(event.state, "pending")
        self.env.cr.execute("SHOW statement_timeout")
        self.assertNotEqual(self.env.cr.fetchone()[0], "50ms", "the savepoint undid the setting")
        event._process()  # the same cursor still works
        self.assertEqual(event.state, "done")

    @mute_logger(EVENT_LOGGER)
    def test_transient_error_on_the_last_try_is_a_failed_run(self):
        last_try = patch.object(type(self.Event), "_is_last_attempt", return_value=True)
        failing = patch.object(type(self.CallRecord), "_upsert_from_event", side_effect=serialization_failure())
        with last_try, failing, trap_jobs() as trap:
            event, _outcome = self.store({"callid": "E-2", "endtime": "2025-11-13 10:00:00"})
            trap.perform_enqueued_jobs()  # the batch hands the event to its own job
            trap.perform_enqueued_jobs()  # which is on its last try
        event.invalidate_recordset()
        self.assertEqual((event.state, event.auto_retries, event.attempts), ("pending", 1, 1))
        self.assertIn("serialize", event.last_error)

    @mute_logger(EVENT_LOGGER)
    def test_failed_run_is_retried_automatically_then_failed(self):
        with trap_jobs() as trap, patch.object(type(self.CallRecord), "_assign", side_effect=ValueError("no lead")):
            event, _outcome = self.store(sample(HANGUP))
            trap.perform_enqueued_jobs()
            self.assertEqual((event.state, event.auto_retries), ("pending", 1), "not failed yet: retried later")
            self.assertEqual(event.last_error, "ValueError: no lead")
            run_all(trap)
        self.assertEqual([call.properties["eta"] for call in trap.calls], [None, *AUTO_RETRY_DELAYS])
        self.assertEqual((event.state, event.attempts, event.auto_retries), ("failed", 4, 3))
        self.assertFalse(self.record_of("MC-20251113-000123"), "a failed run leaves no half-made record")
        failed_events = self.env.ref("mcube_integration.mcube_event_action_failed")
        self.assertIn(event, self.Event.search(ast.literal_eval(failed_events.domain)))
        with trap_jobs() as trap:
            event.with_user(self.manager).action_retry()
            trap.assert_jobs_count(1, only=event._process)
            self.assertEqual(event.state, "pending")
            trap.perform_enqueued_jobs()
        self.assertEqual((event.state, event.attempts), ("done", 5))
        self.assertFalse(event.last_error)
        self.assertTrue(event.call_record_id.lead_id)

    @mute_logger(EVENT_LOGGER)
    def test_unreadable_payload_fails_at_once(self):
        """Reading the same payload again gives the same error: no automatic retry."""
        with trap_jobs() as trap:
            event, _outcome = self.store({"callid": "U-1"})
            self.env.cr.execute("UPDATE mcube_event SET payload = '{\"callto\": 1}' WHERE id = %s", [event.id])
            trap.perform_enqueued_jobs()
            trap.assert_jobs_count(0)
        event.invalidate_recordset()
        self.assertEqual((event.state, event.auto_retries), ("failed", 0))
        self.assertIn("call id is missing", event.last_error)

    @mute_logger(EVENT_LOGGER)
    def test_lost_job_is_enqueued_again_while_retries_remain(self):
        # one trap each: a trap stores for real the second job of an identity it already holds
        stale, fresh, spent = (self.trapped_store({"callid": f"L-{i}"}) for i in (1, 2, 3))
        for event in stale | spent:
            self.age(event)
        spent_retries = len(AUTO_RETRY_DELAYS)
        self.env.cr.execute("UPDATE mcube_event SET auto_retries = %s WHERE id = %s", [spent_retries, spent.id])
        spent.invalidate_recordset()
        with trap_jobs() as trap:
            self.Event._cron_fail_lost_events()
            trap.assert_jobs_count(1, only=stale._process)
            trap.assert_enqueued_job(stale._process, properties={"eta": AUTO_RETRY_DELAYS[0]})
        self.assertEqual((stale.state, stale.auto_retries), ("pending", 1))
        self.assertIn("job", stale.last_error)
        self.assertEqual((spent.state, spent.auto_retries), ("failed", len(AUTO_RETRY_DELAYS)))
        self.assertIn("job", spent.last_error)
        self.assertEqual(fresh.state, "pending")

    def test_pending_event_with_a_live_job_is_left_alone(self):
        stale, _outcome = self.store({"callid": "L-4"})
        self.age(stale)
        job = self.env["queue.job"].search([("identity_key", "=", self.batch_key(stale))])
        self.assertEqual(job.state, "pending")
        self.assertEqual(job.channel, "root.mcube")
        self.Event._cron_fail_lost_events()
        self.assertEqual((stale.state, stale.auto_retries), ("pending", 0))

    @mute_logger(EVENT_LOGGER)
    def test_automatic_retry_waits_in_queue_job(self):
        """Outside a trap: the next run is a pending job with an eta, which the lost-job
        cron counts as live."""
        event, _outcome = self.store(sample(HANGUP))
        first = self.env["queue.job"].search([("identity_key", "=", self.batch_key(event))])
        job = Job.load(self.env, first.uuid)
        job.set_started()  # as queue_job's runner does: a started job is not an identity match
        job.store()
        with patch.object(type(self.CallRecord), "_assign", side_effect=ValueError("no lead")):
            job.perform()
        job = self.env["queue.job"].search([("identity_key", "=", f"mcube.event:{event.id}")])
        self.assertEqual(job.state, "pending")
        self.assertTrue(job.eta)
        self.age(event)
        self.Event._cron_fail_lost_events()
        self.assertEqual((event.state, event.auto_retries), ("pending", 1))
