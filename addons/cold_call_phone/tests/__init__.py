from . import test_phone
