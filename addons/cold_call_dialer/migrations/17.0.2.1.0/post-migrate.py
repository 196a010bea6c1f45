"""Outcomes can wait for the next step of their call (``wait_for_next_step``): the shipped ones
that lead somewhere (Interested, Callback Requested, Meeting Booked) do, as on a new install.
Nothing else changes: the other meanings belong to the administrators."""

from odoo import SUPERUSER_ID, api

WAITING = ("cold_call_outcome_interested", "cold_call_outcome_callback", "cold_call_outcome_meeting")


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in WAITING:
        outcome = env.ref(f"cold_call_dialer.{xmlid}", raise_if_not_found=False)
        if outcome:
            outcome.wait_for_next_step = True
