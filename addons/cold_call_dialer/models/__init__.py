from . import cold_call_log
from . import cold_call_hold
from . import cold_call_dialer
from . import ir_filters
from . import ir_model_fields_selection
from . import res_config_settings
from . import res_partner
