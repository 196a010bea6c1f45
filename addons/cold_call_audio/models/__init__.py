from . import cold_call_keyword
from . import cold_call_audio_mixin
