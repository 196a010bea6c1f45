from . import cold_call_mcube_attempt
from . import cold_call_dashboard
from . import cold_call_dialer
from . import cold_call_log
from . import cold_call_outcome
from . import mcube_call_record
from . import res_company
from . import res_config_settings
