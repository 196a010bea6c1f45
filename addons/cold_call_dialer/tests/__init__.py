from . import test_access
from . import test_filters
from . import test_holds
from . import test_install
from . import test_log_call
from . import test_page
from . import test_status_field
from . import test_ui
