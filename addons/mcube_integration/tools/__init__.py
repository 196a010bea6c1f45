from . import body
from . import log_filter
from . import networks
from . import payload
