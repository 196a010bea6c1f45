"""Call recordings as 16-bit mono PCM, the input of speech recognition.

WAV, the usual container of telephony recordings, is read in pure Python (audioop is deprecated and gone in
Python 3.13): PCM of 8 to 32 bits, G.711 A-law and mu-law, any rate, any number of channels. Other formats
(MP3, Ogg, FLAC, WebM, unusual WAV codecs) go through the `sox` command when the server has it.

Standard library only, and no Odoo: the benchmark loads this file by path. The `array` module works in the
machine's byte order, little-endian on every platform Odoo runs on, as WAV and the recognisers are.
"""

import contextlib
import math
import operator
import shutil
import struct
import subprocess
import tempfile
from array import array
from collections import namedtuple
from itertools import repeat

SOX_TIMEOUT = 300
# RMS below this (about -56 dBFS) is digital silence or the faint hiss of an idle line, never speech.
SILENCE_RMS = 50
# is_silent() estimates the power from at most this many evenly spaced samples, fast on an hour-long call.
SILENCE_SAMPLES = 1_000_000

WAVE_PCM, WAVE_FLOAT, WAVE_ALAW, WAVE_MULAW, WAVE_EXTENSIBLE = 0x0001, 0x0003, 0x0006, 0x0007, 0xFFFE
# Encodings of one sample per channel in a block, whose duration the header gives (not so ADPCM, GSM...).
WAVE_SAMPLE_TAGS = (WAVE_PCM, WAVE_FLOAT, WAVE_ALAW, WAVE_MULAW)
LABELS = {
    "audio/wav": ("WAV", "wav"),
    "audio/mpeg": ("MP3", "mp3"),
    "audio/ogg": ("Ogg", "ogg"),
    "audio/webm": ("WebM", "webm"),
    "audio/flac": ("FLAC", "flac"),
}
DAMAGED = "The audio could not be read: the WAV header is damaged."
NO_FRAMES = "The recording contains no audio."

Wav = namedtuple("Wav", "tag channels rate width frames")


class AudioError(Exception):
    """Why a file cannot be used as a recording, in one sentence for the user."""


def _alaw(code):
    code ^= 0x55
    exponent, mantissa = (code >> 4) & 7, code & 15
    magnitude = (mantissa << 4) + 8 if exponent == 0 else ((mantissa << 4) + 0x108) << (exponent - 1)
    return magnitude if code & 0x80 else -magnitude


def _mulaw(code):
    code = ~code & 0xFF
    magnitude = ((((code & 15) << 3) + 0x84) << ((code >> 4) & 7)) - 0x84
    return -magnitude if code & 0x80 else magnitude


def _byte_tables(decode):
    """The G.711 lookup table as two bytes.translate() tables, low and high byte of each 16-bit sample.

    Translating the codes twice and interleaving the results decodes at the speed of C, where a Python
    loop over the samples of an hour-long call would take seconds.
    """
    values = [decode(code) & 0xFFFF for code in range(256)]
    return bytes(value & 0xFF for value in values), bytes(value >> 8 for value in values)


G711 = {WAVE_ALAW: _byte_tables(_alaw), WAVE_MULAW: _byte_tables(_mulaw)}
UNSIGNED_TO_HIGH_BYTE = bytes(code ^ 0x80 for code in range(256))


def sniff(data):
    """The MIME type of audio `data` from its magic bytes, or None: the content type of a download can lie."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if data[:4] == b"OggS":
        return "audio/ogg"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "audio/webm"
    if data[:4] == b"fLaC":
        return "audio/flac"
    return None


def _looks_like(data):
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<head" in head or b"<body" in head:
        return "HTML"
    if head.startswith(b"<?xml"):
        return "XML"
    if head.startswith((b"{", b"[")):
        return "JSON"
    if head.startswith(b"%pdf"):
        return "a PDF document"
    try:
        text = data[:1024].decode()
    except UnicodeDecodeError:
        return None
    return "text" if text.isprintable() or not text.strip("\r\n\t") else None


def _audio_kind(data):
    if not data:
        raise AudioError("The file is empty.")
    kind = sniff(data)
    if kind is None:
        looks_like = _looks_like(data)
        raise AudioError(
            f"The file is not audio (it looks like {looks_like})." if looks_like else "The file is not audio."
        )
    return kind


def _wav(data):
    """The format and the sample bytes of a WAV, these cut to the whole frames present in a truncated file."""
    position, format_ = 12, None
    while position + 8 <= len(data):
        chunk, size = struct.unpack_from("<4sI", data, position)
        body = position + 8
        if chunk == b"fmt ":
            if size < 16 or body + 16 > len(data):
                raise AudioError(DAMAGED)
            tag, channels, rate, _byte_rate, block_align, _bits = struct.unpack_from("<HHIIHH", data, body)
            if tag == WAVE_EXTENSIBLE and size >= 40 and body + 26 <= len(data):
                tag = struct.unpack_from("<H", data, body + 24)[0]
            if not channels or not rate or not block_align or block_align % channels:
                raise AudioError(DAMAGED)
            format_ = (tag, channels, rate, block_align // channels)
        elif chunk == b"data":
            if format_ is None:
                raise AudioError(DAMAGED)
            # Streaming writers leave the size 0 or 0xFFFFFFFF: the samples then run to the end of the file.
            frames = data[body:] if size in (0, 0xFFFFFFFF) else data[body : body + size]
            block_align = format_[1] * format_[3]
            return Wav(*format_, frames[: len(frames) - len(frames) % block_align])
        position = body + size + (size & 1)
    raise AudioError(NO_FRAMES if format_ else DAMAGED)


def _samples(wav):
    """The 16-bit samples of a WAV that this module decodes itself, or None for sox to do it."""
    if wav.tag in G711 and wav.width == 1:
        low, high = G711[wav.tag]
        pcm = bytearray(2 * len(wav.frames))
        pcm[0::2], pcm[1::2] = wav.frames.translate(low), wav.frames.translate(high)
    elif wav.tag == WAVE_PCM and wav.width == 1:
        pcm = bytearray(2 * len(wav.frames))
        pcm[1::2] = wav.frames.translate(UNSIGNED_TO_HIGH_BYTE)
    elif wav.tag == WAVE_PCM and wav.width in (2, 3, 4):
        # The two most significant bytes of each little-endian sample, by slicing.
        pcm = bytearray(len(wav.frames) // wav.width * 2)
        pcm[0::2], pcm[1::2] = wav.frames[wav.width - 2 :: wav.width], wav.frames[wav.width - 1 :: wav.width]
    else:
        return None
    return array("h", pcm)


def _mono(samples, channels):
    if channels == 1:
        return samples
    sums = samples[0::channels]
    for channel in range(1, channels):
        sums = map(operator.add, sums, samples[channel::channels])
    return array("h", map(operator.floordiv, sums, repeat(channels)))


def _resample(samples, source, target):
    """The 16-bit `samples` at `source` Hz linearly interpolated to `target` Hz.

    Each phase of the rate ratio is a strided slice weighted by constants through map(): at the speed of C, not of
    a Python loop. Downsampling first averages `source // target` neighbours, a cheap guard against the worst
    aliasing. Recognition gains nothing from better: sox's band-limited resampling of 8 kHz speech to 16 kHz gave
    pocketsphinx the same word error rate, on average over four voices.
    """
    if source == target:
        return samples
    factor = source // target
    if factor > 1 and len(samples) >= factor:
        count = len(samples) - factor + 1
        sums = samples[0:count]
        for shift in range(1, factor):
            sums = map(operator.add, sums, samples[shift : shift + count])
        samples = array("h", map(operator.floordiv, sums, repeat(factor)))
    common = math.gcd(source, target)
    up, down = target // common, source // common
    count = (len(samples) - 1) * up // down + 1
    samples.append(samples[-1])  # the interpolation of the last output sample reads one past it
    resampled = array("h", bytes(2 * count))
    for phase in range(min(up, count)):
        start, rest = divmod(phase * down, up)
        length = len(range(phase, count, up))
        before = samples[start : start + length * down : down]
        after = samples[start + 1 : start + 1 + length * down : down]
        weight = round(256 * rest / up)
        if weight == 128:  # halfway, as every other sample from 8 to 16 kHz: half the work
            before = array("h", map(operator.rshift, map(operator.add, before, after), repeat(1)))
        elif weight:
            mixed = map(operator.add, map((256 - weight).__mul__, before), map(weight.__mul__, after))
            before = array("h", map(operator.rshift, mixed, repeat(8)))
        resampled[phase::up] = before
    return resampled


@contextlib.contextmanager
def _sox_input(data, kind):
    """`data` in a temporary file for sox, which cannot read every format from a pipe: its path."""
    if not shutil.which("sox"):
        raise AudioError(
            f"{LABELS[kind][0]} audio needs the sox command on the server, which reads WAV only without it."
        )
    with tempfile.NamedTemporaryFile(suffix="." + LABELS[kind][1]) as file:
        file.write(data)
        file.flush()
        yield file.name


def _sox(kind, arguments):
    """The standard output of sox run with `arguments`; AudioError, with the reason sox gives, if it fails."""
    try:
        result = subprocess.run(["sox", *arguments], capture_output=True, timeout=SOX_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise AudioError(f"The {LABELS[kind][0]} audio took too long to convert.") from None
    if result.returncode:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        detail = lines[-1].split(": ", 1)[-1] if lines else f"exit status {result.returncode}"
        raise AudioError(f"The {LABELS[kind][0]} audio could not be read by sox ({detail}).")
    return result.stdout


def to_pcm(data, rate=16000):
    """16-bit signed little-endian mono PCM at `rate` Hz from the bytes of an audio file; AudioError if none."""
    kind = _audio_kind(data)
    if kind == "audio/wav":
        wav = _wav(data)
        samples = _samples(wav)
        if samples is not None:
            if not samples:
                raise AudioError(NO_FRAMES)
            return _resample(_mono(samples, wav.channels), wav.rate, rate).tobytes()
    with _sox_input(data, kind) as path:
        raw = ["-t", "raw", "-e", "signed-integer", "-b", "16", "-L", "-c", "1", "-r", str(rate), "-"]
        pcm = _sox(kind, ["-V1", path, *raw])
    if len(pcm) < 2:
        raise AudioError(NO_FRAMES)
    return pcm


def duration(data):
    """Seconds of audio in the bytes of an audio file: from the header of a WAV, else as sox reads it."""
    kind = _audio_kind(data)
    if kind == "audio/wav":
        wav = _wav(data)
        if wav.tag in WAVE_SAMPLE_TAGS:
            return len(wav.frames) / (wav.channels * wav.width) / wav.rate
    with _sox_input(data, kind) as path:
        output = _sox(kind, ["--info", "-D", path])
    try:
        return float(output)
    except ValueError:
        raise AudioError(f"The length of the {LABELS[kind][0]} audio could not be read.") from None


def is_silent(pcm):
    """Whether 16-bit PCM holds no sound: its RMS, around its mean to ignore a DC offset, is below SILENCE_RMS."""
    samples = array("h", pcm[: len(pcm) & ~1])
    samples = samples[:: max(1, len(samples) // SILENCE_SAMPLES)]
    if not samples:
        return True
    mean = sum(samples) / len(samples)
    power = sum(map(operator.mul, samples, samples)) / len(samples) - mean * mean
    return power < SILENCE_RMS**2
