import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, tagged

from odoo.addons.bus.tests.common import WebsocketCase

from ..tools.payload import parse
from .common import TOKEN, McubeCase, sample


@tagged("post_install", "-at_install")
class TestUi(McubeCase, HttpCase):
    def test_salesperson_browses_calls_and_lead(self):
        self.ingest(
            sample("inbound_answered_hangup", agentname="<b>Priya</b>", filename="https://rec.example.com/MC-1.wav")
        )
        self.start_tour("/web", "mcube_integration_call_records", login="mcube_did")

    def test_administrator_finds_the_webhook_url_in_the_settings(self):
        self.start_tour("/web", "mcube_integration_settings", login="admin")

    def test_sales_manager_sets_virtual_numbers_in_the_list(self):
        self.start_tour("/web", "mcube_integration_numbers", login="mcube_manager")
        self.assertEqual(self.salesman_other.mcube_virtual_number, "+918044445555")


@tagged("post_install", "-at_install")
class TestIncomingCallUi(McubeCase, WebsocketCase):
    """Incoming-call pop-ups in the salesperson's browser, with MCUBE's events posted to the real
    webhook by the tour. (WebsocketCase lets the browser hold its websocket.)"""

    def authenticate(self, user, password, browser=None):
        """Logging in reads on the test cursor itself, outside the lock that serialises the test
        cursors of the requests and of the waker thread: hold that lock meanwhile."""
        with self.registry.test_lock:
            return super().authenticate(user, password, browser=browser)

    def run_jobs_and_wake_the_bus(self, stop, partner):
        """The job runner's part (merging the events the tour posts), and the bus's: tests never
        commit, so PostgreSQL never notifies it, and the salesperson's websocket is woken."""
        while not stop.is_set():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                for event in env["mcube.event"].search([("state", "=", "pending")], order="id"):
                    event._process()
            self.trigger_notification_dispatching([partner])
            time.sleep(0.3)

    def test_pop_ups_follow_their_call_and_name_the_person(self):
        company = self.env["res.partner"].create({"name": "Kaveri Mills", "is_company": True})
        self.env["res.partner"].create({"name": "Asha Caller", "mobile": "9876543210", "parent_id": company.id})
        # A call that rang before the salesperson logged in: the bus still holds it.
        self.store(sample("inbound_call_start", callid="TOUR-POP-0", callto="9811122222"))
        self.env["crm.lead"]._mcube_pop_up(
            parse(sample("inbound_call_start", callid="TOUR-POP-0", callto="9811122222")),
            self.env["res.company"]._mcube_account(TOKEN),
        )
        stop = threading.Event()
        # Read here: the test's cursor is the browser's meanwhile.
        partner = self.salesman_did.partner_id
        waker = threading.Thread(target=self.run_jobs_and_wake_the_bus, args=(stop, partner), daemon=True)
        waker.start()
        try:
            self.start_tour("/web", "mcube_integration_incoming_call", login="mcube_did")
        finally:
            stop.set()
            waker.join(5)
        posted = self.env["mcube.event"].search([("call_id", "in", ["TOUR-POP-1", "TOUR-POP-2"])])
        self.assertEqual(sorted(posted.mapped("phase")), ["hangup", "hangup", "start", "start"])
