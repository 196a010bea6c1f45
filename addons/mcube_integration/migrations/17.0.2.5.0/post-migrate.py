"""The event's state is indexed only where pending or failed (mcube.event.init): drop the index
of every row that earlier releases made, which Odoo keeps when a field loses ``index=True``."""

from odoo.tools.sql import drop_index


def migrate(cr, version):
    drop_index(cr, "mcube_event__state_index", "mcube_event")
