from . import cold_call_bulk_action
from . import cold_call_bulk_outcome
from . import cold_call_bulk_tag
from . import cold_call_bulk_activity
from . import cold_call_log_export
from . import cold_call_register_import
