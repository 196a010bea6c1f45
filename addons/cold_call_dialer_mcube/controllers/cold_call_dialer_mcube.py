from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.cold_call_audio.tools.audio import LABELS


class ColdCallDialerMcube(http.Controller):
    @http.route("/cold_call_dialer_mcube/recording/<int:record_id>", type="http", auth="user")
    def recording(self, record_id, download=False):
        """A stored MCUBE recording, for whoever may read its call: the call record itself, or the
        rep's click-to-call or call log that it belongs to (reps may not read MCUBE records)."""
        record = request.env["mcube.call.record"].browse(record_id)
        if not record._cold_call_may_hear():
            raise NotFound()
        record = record.sudo()
        stream = request.env["ir.binary"]._get_stream_from(record, "audio_file")
        extension = LABELS.get(stream.mimetype, ("", ""))[1]
        stream.download_name = f"{record.call_id}.{extension}" if extension else record.call_id
        return stream.get_response(as_attachment=bool(download))
