"""Speed and accuracy of the shipped transcription engine, in this process: sales-call sentences spoken by
espeak-ng at a phone line's 8 kHz, transcribed one by one; prints one JSON line when run as a script.

The addon's files are loaded by path, as Odoo's addons path may not be importable here; they need no Odoo.
"""

import importlib.util
import json
import re
import sys
import time
import types
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent.parent / "addons" / "cold_call_audio"
PHONE_RATE = 8000
SENTENCES = (
    "please send me the price list by email",
    "can we book a demo on friday",
    "call me later this evening",
    "we are not interested right now",
    "hello this is john from the sales team",
    "is this a good time to talk",
    "i am calling about your recent inquiry",
    "what is the monthly cost of the basic plan",
    "we already have a supplier for that",
    "could you give me a discount if we sign today",
    "my manager makes the final decision",
    "please remove my number from your list",
    "i will think about it and get back to you",
    "how long does the installation take",
    "do you offer a free trial",
    "the meeting is scheduled for next tuesday at ten",
    "send the contract to my office address",
    "we need twenty licenses for our team",
    "the budget for this quarter is already spent",
    "can you call back after lunch",
    "i did not receive your last email",
    "what payment options do you accept",
    "we would like to see a product demonstration",
    "thank you for your time today",
    "our company has about fifty employees",
    "is there a setup fee",
    "we are comparing three different vendors",
    "the price is too high for us",
    "please speak to my assistant",
    "i am driving right now",
    "let us talk again next month",
    "how soon can you deliver the order",
    "we had problems with the previous software",
    "does the package include customer support",
    "i want to cancel my subscription",
    "can you explain the difference between the plans",
    "my phone number has changed",
    "we are interested in the annual contract",
    "who gave you my number",
    "i will forward this to our finance department",
    "the product looks very good",
    "please send a written quotation",
    "we can sign the agreement this week",
    "our office is closed on saturday",
    "what is the warranty period",
    "i need to check with my partner first",
    "can you lower the price a little",
    "we will place the order tomorrow morning",
    "the delivery was late last time",
    "good morning how are you today",
    "i am not the right person for this",
    "do you have any customers in our city",
    "we are moving to a new building next year",
    "please confirm the appointment by message",
    "the software must work on our old computers",
    "how many users can share one account",
    "i have a few questions about the invoice",
    "we need an answer before the end of the month",
    "sorry i cannot hear you very well",
    "call me on my mobile number instead",
)


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _addon_modules():
    """speech, and tools.transcribe with tools.audio: tools as a bare package, since transcribe imports audio
    relatively and the package's __init__ is the addon's to change."""
    tools = types.ModuleType("cold_call_audio_tools")
    tools.__path__ = [str(ADDON / "tools")]
    sys.modules[tools.__name__] = tools
    _load(f"{tools.__name__}.audio", ADDON / "tools" / "audio.py")
    transcribe = _load(f"{tools.__name__}.transcribe", ADDON / "tools" / "transcribe.py")
    return _load("cold_call_audio_speech", ADDON / "tests" / "speech.py"), transcribe


def _words(text):
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def _distance(reference, hypothesis):
    """Word-level Levenshtein distance: substitutions, insertions and deletions."""
    row = list(range(len(hypothesis) + 1))
    for i, word in enumerate(reference, 1):
        diagonal, row[0] = row[0], i
        for j, guess in enumerate(hypothesis, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (word != guess))
    return row[-1]


def bench_transcription(sentences=None):
    """Transcribe each sentence (default: SENTENCES) as its own recording; the speed is audio seconds per CPU
    second, and the word error rate is over the whole corpus."""
    speech, transcribe = _addon_modules()
    engine = transcribe.PocketsphinxEngine()
    recordings = [(sentence, speech.speak(sentence, rate=PHONE_RATE)) for sentence in sentences or SENTENCES]
    audio_s = errors = words = 0
    cpu_s = 0.0
    for sentence, recording in recordings:
        started = time.process_time()
        segments = transcribe.transcribe(recording, engine)
        cpu_s += time.process_time() - started
        audio_s += transcribe.audio.duration(recording)
        reference = _words(sentence)
        errors += _distance(reference, _words(" ".join(segment["text"] for segment in segments)))
        words += len(reference)
    return {
        "sentences": len(recordings),
        "audio_s": round(audio_s, 1),
        "cpu_s": round(cpu_s, 1),
        "speed": round(audio_s / cpu_s, 2),
        "wer": round(errors / words, 3),
        "engine": engine.name,
    }


if __name__ == "__main__":
    print(json.dumps(bench_transcription()))
