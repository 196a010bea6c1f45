from . import test_fetch
from . import test_keyword
from . import test_transcribe
