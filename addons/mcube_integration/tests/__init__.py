from . import test_install
from . import test_payload
from . import test_phone
from . import test_processing
from . import test_security
from . import test_settings
from . import test_ui
from . import test_webhook
