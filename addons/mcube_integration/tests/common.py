import http.client
import json
from pathlib import Path

from odoo.tests import new_test_user
from odoo.tests.common import HOST
from odoo.tools import config

from odoo.addons.queue_job.tests.common import trap_jobs

from ..tools.payload import parse

SAMPLES = Path(__file__).parent / "samples"
TOKEN = "test-token-5f1c2a"
DID = "+918045678901"
AGENT_PHONE = "+919123456780"


def send_chunked(chunks, token=TOKEN):
    """POST the head of a chunked request, then the given raw chunk bytes, each in one write,
    without ending the body unless they do; return (status, content type, JSON answer) of the
    webhook on the test server."""
    connection = http.client.HTTPConnection(HOST, config["http_port"], timeout=20)
    connection.putrequest("POST", "/mcube/webhook")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.putheader("X-MCUBE-Token", token)
    connection.endheaders()
    for chunk in chunks:
        connection.send(chunk)
    response = connection.getresponse()
    return response.status, response.getheader("Content-Type"), json.loads(response.read())


def sample(name, **overrides):
    """One of MCUBE's documented payloads (tests/samples), with fields overridden."""
    payload = json.loads((SAMPLES / f"{name}.json").read_text())
    payload.update(overrides)
    return payload


class McubeCase:
    """Settings and users shared by the MCUBE tests: India numbers, Kolkata time, a token,
    one salesperson owning the sample DID and one whose executive number is the sample agent's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {
                "mcube_webhook_token": TOKEN,
                "mcube_country_id": cls.env.ref("base.in").id,
                "mcube_timezone": "Asia/Kolkata",
                "mcube_allowed_ips": False,
                "mcube_default_user_id": False,
                "mcube_default_team_id": False,
                "mcube_batch_jobs": 2,
            }
        )
        # Start from no MCUBE data (samples may have been posted to this database) and no
        # lead to match; demo data gives the sample DID to the demo user: the tests own it.
        cls.env["mcube.event"].search([]).unlink()
        cls.env["mcube.call.record"].search([]).unlink()
        cls.env["mcube.route"].search([]).unlink()
        cls.env["crm.lead"].with_context(active_test=False).search([]).unlink()
        cls.env["res.users"].search([("mcube_virtual_number", "!=", False)]).mcube_virtual_number = False
        cls.salesman_did = new_test_user(
            cls.env, login="mcube_did", name="Dee Did", groups="sales_team.group_sale_salesman"
        )
        cls.salesman_did.mcube_virtual_number = "8045678901"
        cls.salesman_agent = new_test_user(
            cls.env, login="mcube_agent", name="Priya Agent", groups="sales_team.group_sale_salesman"
        )
        cls.salesman_agent.mcube_executive_number = "+91 91234 56780"
        cls.salesman_other = new_test_user(
            cls.env, login="mcube_other", name="Otto Other", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(cls.env, login="mcube_manager", groups="sales_team.group_sale_manager")
        cls.Event = cls.env["mcube.event"]
        cls.CallRecord = cls.env["mcube.call.record"]

    def store(self, payload, content_type="application/json", token=TOKEN):
        """Store a delivery as the webhook does (JSON body, the company of ``token``); return
        (event, outcome)."""
        account = self.env["res.company"]._mcube_account(token)
        return self.Event._ingest(parse(payload), json.dumps(payload), content_type, {}, "127.0.0.1", account)

    def ingest(self, payload, content_type="application/json", token=TOKEN):
        """Store a delivery as the webhook does and run its job; return the event."""
        with trap_jobs() as trap:
            event, _outcome = self.store(payload, content_type, token)
            trap.perform_enqueued_jobs()
        event.invalidate_recordset()
        return event

    def batch_key(self, event):
        """The identity key of the batch job of ``event``."""
        return self.Event._batch_identity_key(event.company_id.id, event.batch)

    def record_of(self, call_id):
        return self.CallRecord.search([("call_id", "=", call_id)])
