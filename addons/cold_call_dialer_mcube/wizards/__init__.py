from . import cold_call_log_export
