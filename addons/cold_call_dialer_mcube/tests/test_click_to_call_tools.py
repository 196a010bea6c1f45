from odoo.tests import BaseCase, tagged

from ..tools.click_to_call import ClickToCallError, find_call_id, read_answer, redact


@tagged("post_install", "-at_install")
class TestClickToCallTools(BaseCase):
    """MCUBE's answer format is not published: the readings the integrations report."""

    def test_call_id_from_json_keys_without_case(self):
        self.assertEqual(read_answer('{"status": "success", "callid": "C-1"}', 200), "C-1")
        self.assertEqual(read_answer('{"data": {"monitorUcid": 98765}}', 200), "98765")
        self.assertEqual(read_answer('[{"CallId": "C-2"}]', 200), "C-2")
        self.assertFalse(read_answer('{"status": "queued"}', 200))
        self.assertFalse(read_answer("", 200))
        self.assertEqual(find_call_id({"callid": "", "detail": {"ucid": "U-1"}}), "U-1")

    def test_call_id_from_text(self):
        self.assertEqual(read_answer("Call placed, callid: AB-12", 200), "AB-12")
        self.assertFalse(read_answer("OK", 200))

    def test_answers_that_hold_an_error(self):
        for text in (
            '{"status": "error", "message": "Invalid token"}',
            '{"success": false}',
            '{"error": "Executive not found"}',
            '{"result": {"message": "Request failed"}}',
            "<html><body>Internal error</body></html>",
            "Invalid Request",
        ):
            with self.subTest(text=text), self.assertRaises(ClickToCallError) as caught:
                read_answer(text, 200)
            self.assertEqual(caught.exception.reason, "error")

    def test_redact(self):
        self.assertEqual(redact('{"HTTP_AUTHORIZATION": "tok-1"}', ("tok-1", "")), '{"HTTP_AUTHORIZATION": "***"}')
