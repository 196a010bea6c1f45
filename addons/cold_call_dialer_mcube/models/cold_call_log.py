from odoo import fields, models


class ColdCallLog(models.Model):
    """A call placed through MCUBE keeps what MCUBE measured: its call id, talk time and
    recording, copied from the MCUBE call record (stored, so that reports can use them and
    reps who may not read MCUBE records still see them)."""

    _inherit = "cold.call.log"

    mcube_call_record_id = fields.Many2one(
        "mcube.call.record", "MCUBE Call", readonly=True, index="btree_not_null", ondelete="set null"
    )
    mcube_call_id = fields.Char("MCUBE Call ID", related="mcube_call_record_id.call_id", store=True)
    mcube_duration = fields.Integer(
        "MCUBE Talk Time (s)",
        related="mcube_call_record_id.duration",
        store=True,
        group_operator="avg",
        help="Talk time measured by MCUBE, in seconds.",
    )
    recording_url = fields.Char("Recording", related="mcube_call_record_id.recording_url", store=True)

    def _audio_players(self):
        """The MCUBE recording of each call too, after the voice note."""
        players = super()._audio_players()
        for log in self:
            record = log.sudo().mcube_call_record_id
            audio = record and record._cold_call_audio()
            if audio:
                players[log.id].append(audio)
        return players
