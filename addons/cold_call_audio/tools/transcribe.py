"""Speech to text for call recordings, behind one small engine interface.

Two engines:

- ``pocketsphinx``, the default: CPU, offline, English only; its pip wheel ships the en-us model it uses.
- ``faster_whisper``, optional: much more accurate, and it knows Hindi, Hinglish and Indian English. To plug
  it in, ``pip install faster-whisper`` on the server, copy a CTranslate2 model directory there (for example
  whisper "small" converted with ``ct2-transformers-converter --model openai/whisper-small --quantization
  int8``, or such a directory from another machine), and set in odoo.conf::

      cold_call_transcription_engine = faster_whisper
      cold_call_whisper_model_dir = /opt/whisper-small-ct2
      cold_call_whisper_language = hi

  An empty language lets Whisper detect the language of each recording. The model is only ever read from that
  directory: nothing is downloaded at run time.

Odoo is imported lazily, for its configuration only: the benchmark loads this file where Odoo is not importable.
"""

import importlib.util
import io
import os
import threading
import unicodedata
import wave

from . import audio

# A pause at least this long between two stretches of speech ends a segment: people and espeak-ng pause about
# 0.5 s between sentences, less within one; the voice activity detector ends a stretch after 0.27 s.
SENTENCE_PAUSE = 0.4
# Pocketsphinx's frames are 10 ms.
FRAME_RATE = 100
DITHER_SEED = 1

_lock = threading.Lock()
_decoder = None
_whisper_models = {}


class TranscriptionError(Exception):
    """Why speech cannot be transcribed, in one sentence for the user."""


def _words(text):
    """Lower case words separated by single spaces: punctuation, bar the apostrophes within words, goes."""
    text = "".join(" " if unicodedata.category(char)[0] == "P" and char != "'" else char for char in text.lower())
    return " ".join(word.strip("'") for word in text.split() if word.strip("'"))


class Engine:
    """A speech recogniser: 16-bit mono PCM at `rate` Hz in, sentences with time stamps out."""

    name = None
    rate = 16000

    def transcribe(self, pcm):
        """[{"start": seconds, "end": seconds, "text": "lower case words"}], one a sentence, in time order."""
        raise NotImplementedError


class PocketsphinxEngine(Engine):
    """CMU PocketSphinx with the en-us model of its wheel.

    Its model is wideband: 8 kHz phone audio resampled to 16 kHz is decoded far better than at 8 kHz with the
    filter bank cut to 3.8 kHz (word error rate on the benchmark's sentences: 0.86 against 0.96 spoken by
    espeak-ng, 0.23 against 0.99 spoken by flite's awb voice).
    """

    name = "pocketsphinx"
    rate = 16000

    def __init__(self):
        if importlib.util.find_spec("pocketsphinx") is None:
            raise TranscriptionError(
                "Speech recognition needs the pocketsphinx Python package on the server (pip install pocketsphinx)."
            )

    @staticmethod
    def _decoder():
        """The decoder of this process, made once (the model takes 0.25 s to load). Call with _lock held."""
        global _decoder
        if _decoder is None:
            import pocketsphinx

            # Dither keeps the log energy of digital silence finite. Its seed, with the front end reset before each
            # utterance, makes a transcript the same whatever was decoded before: 60 recordings gave the same words
            # in either order as with a new decoder each.
            _decoder = pocketsphinx.Decoder(loglevel="FATAL", dither=True, seed=DITHER_SEED)
        return _decoder

    def _speech(self, pcm):
        """(start, end, PCM) of each stretch of speech that pocketsphinx's voice activity detector finds.

        The detector marks the pauses: the decoder takes much mumbled speech for silence, and would split a sentence
        there.
        """
        import pocketsphinx

        endpointer = pocketsphinx.Endpointer(sample_rate=self.rate)
        size = endpointer.frame_bytes
        pcm += bytes(-len(pcm) % size)
        stretches, speech = [], []
        for offset in range(0, len(pcm), size):
            data = endpointer.process(pcm[offset : offset + size])
            if data is not None:
                speech.append(data)
                if not endpointer.in_speech:
                    stretches.append((endpointer.speech_start, endpointer.speech_end, b"".join(speech)))
                    speech = []
        if endpointer.in_speech:
            # Speech to the very end: what the detector's window still holds (it takes no empty frame).
            speech.append(endpointer.end_stream(bytes(2)) or b"")
            stretches.append((endpointer.speech_start, endpointer.speech_end, b"".join(speech)))
        return stretches

    @staticmethod
    def _words(decoder, speech, offset):
        """(start, end, word) of the words in `speech`, which starts `offset` seconds into the recording."""
        decoder.reinit_feat()
        decoder.start_utt()
        decoder.process_raw(speech, full_utt=True)
        decoder.end_utt()
        words = []
        for segment in decoder.seg():
            word = segment.word.split("(", 1)[0]  # "word(2)": the second pronunciation of "word"
            if not word.startswith(("<", "[")):  # <s>, </s>, <sil>, [NOISE], [SPEECH]: no words
                words.append(
                    (offset + segment.start_frame / FRAME_RATE, offset + (segment.end_frame + 1) / FRAME_RATE, word)
                )
        return words

    def transcribe(self, pcm):
        segments, previous_end = [], None
        with _lock:
            decoder = self._decoder()
            for start, end, speech in self._speech(pcm):
                words = self._words(decoder, speech, start)
                if words:
                    text = " ".join(word for _start, _end, word in words)
                    if segments and start - previous_end < SENTENCE_PAUSE:
                        segments[-1]["text"] += " " + text
                    else:
                        segments.append({"start": round(words[0][0], 2), "text": text})
                    segments[-1]["end"] = round(words[-1][1], 2)
                previous_end = end
        return segments


class WhisperEngine(Engine):
    """faster-whisper (Whisper on CTranslate2) on the CPU, with a model directory of the server's."""

    name = "faster_whisper"
    rate = 16000

    def __init__(self, model_dir, language=None):
        if importlib.util.find_spec("faster_whisper") is None:
            raise TranscriptionError("The faster_whisper engine needs pip install faster-whisper on the server.")
        if not model_dir or not os.path.isdir(model_dir):
            raise TranscriptionError(
                "The faster_whisper engine needs cold_call_whisper_model_dir in odoo.conf to name a model directory."
            )
        self.model_dir, self.language = model_dir, language or None

    def _model(self):
        """The model of this process for the directory, loaded once. Call with _lock held."""
        if self.model_dir not in _whisper_models:
            from faster_whisper import WhisperModel

            _whisper_models[self.model_dir] = WhisperModel(
                self.model_dir, device="cpu", compute_type="int8", local_files_only=True
            )
        return _whisper_models[self.model_dir]

    def transcribe(self, pcm):
        # A WAV in memory, which faster-whisper decodes itself: no numpy here.
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.rate)
            out.writeframes(pcm)
        buffer.seek(0)
        with _lock:
            segments, _info = self._model().transcribe(buffer, language=self.language, vad_filter=True)
            segments = [
                {"start": round(segment.start, 2), "end": round(segment.end, 2), "text": _words(segment.text)}
                for segment in segments
            ]
        return [segment for segment in segments if segment["text"]]


def _settings():
    """odoo.conf's options; none (so the defaults) where Odoo is not importable, as in the benchmark."""
    try:
        from odoo.tools import config
    except ImportError:
        return {}
    return config


def get_engine(name=None):
    """The engine `name`, by default the one odoo.conf's cold_call_transcription_engine names, or pocketsphinx."""
    settings = _settings()
    name = name or settings.get("cold_call_transcription_engine") or PocketsphinxEngine.name
    if name == PocketsphinxEngine.name:
        return PocketsphinxEngine()
    if name == WhisperEngine.name:
        return WhisperEngine(settings.get("cold_call_whisper_model_dir"), settings.get("cold_call_whisper_language"))
    raise TranscriptionError(
        f'There is no transcription engine "{name}": set cold_call_transcription_engine in odoo.conf to '
        f'"{PocketsphinxEngine.name}" or "{WhisperEngine.name}".'
    )


def transcribe(data, engine=None):
    """The segments of speech in the audio file `data` (bytes), by `engine` (default: get_engine())."""
    engine = engine or get_engine()
    pcm = audio.to_pcm(data, engine.rate)
    if audio.is_silent(pcm):
        raise audio.AudioError("The recording is silent.")
    return engine.transcribe(pcm)
