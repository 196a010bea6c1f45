from . import test_click_to_call_tools
from . import test_dashboard
from . import test_end_to_end
from . import test_join
from . import test_log_call
from . import test_outcomes
from . import test_place_call
from . import test_ui
