from odoo.tests import BaseCase, tagged

from ..tools import audio, transcribe
from .speech import join, silence, speak


@tagged("post_install", "-at_install")
class TestTranscribe(BaseCase):
    """The shipped engine on speech espeak-ng makes, at a phone line's 8 kHz."""

    def test_a_phone_call_is_transcribed_with_time_stamps(self):
        first, second = speak("the price is too high"), speak("we already have a supplier")
        segments = transcribe.transcribe(join(first, second, gap=1.2))
        text = " ".join(segment["text"] for segment in segments)
        for word in ("high", "already"):
            self.assertIn(word, text)
        self.assertGreaterEqual(len(segments), 2)
        first_seconds = audio.duration(first)
        self.assertLess(segments[0]["start"], first_seconds)
        self.assertGreater(segments[-1]["start"], first_seconds)
        self.assertEqual(segments, sorted(segments, key=lambda segment: segment["start"]))

    def test_audio_the_engine_cannot_use_says_why(self):
        cases = {
            "silent": (silence(2), "silent"),
            "empty": (b"", "empty"),
            "html": (b"<!doctype html><title>x</title>", "audio"),
            "random": (bytes(range(256)) * 8, "audio"),
        }
        for name, (data, said) in cases.items():
            with self.subTest(name), self.assertRaises(audio.AudioError) as caught:
                transcribe.transcribe(data)
            self.assertIn(said, str(caught.exception).lower())

    def test_an_unknown_engine_is_a_clear_error(self):
        with self.assertRaises(transcribe.TranscriptionError) as caught:
            transcribe.get_engine("no-such-engine")
        self.assertIn("no-such-engine", str(caught.exception))
