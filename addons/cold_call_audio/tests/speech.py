"""Synthetic phone recordings for tests: espeak-ng speaks, sox makes it 8 kHz mono 16-bit like a phone line.

Standard library only: the benchmark loads this file by path, where Odoo may not be importable.
"""

import io
import os
import shutil
import subprocess
import tempfile
import wave

TIMEOUT = 60


def speak_available():
    """Whether speak() can run here: it needs both espeak-ng and sox."""
    return bool(shutil.which("espeak-ng") and shutil.which("sox"))


def speak(text, rate=8000, voice="en-us", speed=None):
    """WAV bytes of `text` spoken by espeak-ng at `speed` words a minute, as `rate` Hz mono 16-bit."""
    with tempfile.TemporaryDirectory() as folder:
        spoken, converted = os.path.join(folder, "spoken.wav"), os.path.join(folder, "converted.wav")
        command = ["espeak-ng", "-v", voice, "-w", spoken, "--stdin"]
        if speed:
            command[1:1] = ["-s", str(speed)]
        # The text goes in on stdin, so that one starting with "-" is not taken for an option.
        subprocess.run(command, input=text.encode(), check=True, capture_output=True, timeout=TIMEOUT)
        # -R: sox's dither, whose faint noise any real line has, repeatable: the same text gives the same bytes.
        subprocess.run(
            ["sox", "-R", spoken, "-r", str(rate), "-c", "1", "-b", "16", "-e", "signed-integer", converted],
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
        )
        with open(converted, "rb") as file:
            return file.read()


def _wav(frames, rate):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def silence(seconds, rate=8000):
    """WAV bytes of `seconds` of digital silence, as `rate` Hz mono 16-bit."""
    return _wav(bytes(2 * round(seconds * rate)), rate)


def join(*wavs, gap=0.8):
    """One WAV of the mono 16-bit `wavs` (all at one rate) in turn, `gap` seconds of silence between them.

    A piece then starts at the sum of the durations of those before it plus a gap each, which tests compare
    with the time stamps of a transcript.
    """
    rates, pieces = set(), []
    for data in wavs:
        with wave.open(io.BytesIO(data)) as piece:
            if piece.getnchannels() != 1 or piece.getsampwidth() != 2:
                raise ValueError("join() takes mono 16-bit WAV only")
            rates.add(piece.getframerate())
            pieces.append(piece.readframes(piece.getnframes()))
    if len(rates) != 1:
        raise ValueError("join() takes WAVs of one sample rate")
    (rate,) = rates
    return _wav(bytes(2 * round(gap * rate)).join(pieces), rate)
