from . import cold_call_bulk_outcome
from . import cold_call_log_export
