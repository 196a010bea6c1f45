"""The events waiting and failed become counters (mcube_metric): count those already there."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    api.Environment(cr, SUPERUSER_ID, {})["mcube.event"]._reconcile_state_counts()
