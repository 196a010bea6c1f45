from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request


class ColdCallExportController(http.Controller):
    """Serves the file of an "Export Calls" wizard: a download needs a plain HTTP response, which
    the RPC that confirms the wizard cannot give."""

    @http.route("/cold_call_dialer/export_calls/<int:wizard_id>", type="http", auth="user", methods=["GET"])
    def export_calls(self, wizard_id):
        # A wizard is only readable by the user who filled it in; the manager group is checked
        # again when the file is built.
        wizard = request.env["cold.call.log.export"].browse(wizard_id).exists()
        if not wizard:
            raise UserError(_("This export is no longer available: open Export Calls again."))
        filename, content, mimetype = wizard._export_file()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
