from . import cold_call_dialer_mcube
