from . import cold_call_export
