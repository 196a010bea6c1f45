import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network
from unittest.mock import patch

from odoo.tests import BaseCase, tagged

from ..tools import fetch as fetch_module
from ..tools.fetch import FetchError, fetch, redact

WAV = b"RIFF" + (136).to_bytes(4, "little") + b"WAVEfmt " + bytes(128)
HTML = b"<html><body>" + b"<p>Sign in to listen</p>" * 5000 + b"</body></html>"
LOCAL = [ip_network("127.0.0.1/32")]
MB = 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    """The recording servers the tests need, one a path."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", content_type="audio/wav; codecs=1", **headers):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.partition("?")[0]
        if path.startswith("/loop/"):
            self.answer(302, Location=f"/loop/{int(path.rsplit('/', 1)[1]) + 1}")
        elif path in ROUTES:
            ROUTES[path](self)
        else:
            self.answer(404, b"Not found", "text/plain")

    def trickle(self):
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Length", str(len(WAV)))
        self.end_headers()
        for byte in WAV:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.1)

    def huge_chunked(self):
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = WAV + bytes(64 * 1024 - len(WAV))
        for _ in range(40):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def huge_length(self):
        """Announces 2 MB and sends nothing: a client that reads instead of refusing waits for ever."""
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Length", str(2 * MB))
        self.end_headers()
        self.wfile.flush()
        time.sleep(3)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Quiet: clients here often hang up on purpose (size cap, deadline, refused type)."""


ROUTES = {
    "/wav": lambda handler: handler.answer(200, WAV),
    "/page": lambda handler: handler.answer(200, HTML, "text/html; charset=utf-8"),
    "/empty": lambda handler: handler.answer(200, b""),
    "/host": lambda handler: handler.answer(200, WAV + handler.headers["Host"].encode()),
    "/to-wav": lambda handler: handler.answer(302, Location="/wav"),
    "/to-private": lambda handler: handler.answer(302, Location="http://10.0.0.1/x"),
    "/busy": lambda handler: handler.answer(503, b"Try later", "text/plain"),
    "/trickle": Handler.trickle,
    "/huge-chunked": Handler.huge_chunked,
    "/huge-length": Handler.huge_length,
}


def audio(content_type, first_bytes):
    return content_type.startswith("audio/") or first_bytes.startswith(b"RIFF")


@tagged("post_install", "-at_install")
class TestFetch(BaseCase):
    """Downloads from links an outside party gave: only public addresses, capped in time and size."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"

    def get(self, path, **options):
        options = {"allow_http": True, "trusted_networks": LOCAL, "timeout": 5, "accept": audio, **options}
        return fetch(self.base + path, **options)

    def refused(self, url, reason, **options):
        """The FetchError for ``url``, checked to name ``reason`` and to have tried no connection."""
        with (
            patch.object(fetch_module, "HTTPConnectionPool", side_effect=AssertionError("connected")),
            patch.object(fetch_module, "HTTPSConnectionPool", side_effect=AssertionError("connected")),
            self.assertRaises(FetchError) as caught,
        ):
            fetch(url, **options)
        self.assertIn(reason, str(caught.exception))
        self.assertFalse(caught.exception.retry)
        self.assertFalse(caught.exception.expired)
        return caught.exception

    def test_downloads_from_trusted_network(self):
        self.assertEqual(self.get("/wav"), (WAV, "audio/wav"))

    def test_loopback_refused_without_trusted_network(self):
        for url in (self.base + "/wav", self.base.replace("127.0.0.1", "localhost") + "/wav"):
            with self.subTest(url=url):
                self.refused(url, "private or local address (127.0.0.1)", allow_http=True)
        self.refused(self.base + "/wav", "private", allow_http=True, trusted_networks=[ip_network("10.0.0.0/8")])

    def test_http_refused_unless_allowed(self):
        self.refused(self.base + "/wav", "must lead to an https://", trusted_networks=LOCAL)

    def test_other_schemes_refused(self):
        for url in (
            "file:///etc/passwd",
            "ftp://example.com/call.wav",
            "javascript:alert(1)",
            "data:audio/wav;base64,UklGRg==",
            "example.com/call.wav",
            "//example.com/call.wav",
        ):
            with self.subTest(url=url):
                self.refused(url, "must lead to an https:// or http://", allow_http=True)

    def test_credentials_refused(self):
        self.refused("https://user:secret@example.com/call.wav", "user name or password")

    def test_other_spellings_of_local_addresses_refused(self):
        for host in (
            "2130706433",
            "0x7f.1",
            "017700000001",
            "0.0.0.0",
            "[::1]",
            "[::ffff:127.0.0.1]",
            "[::]",
            "10.1.2.3",
            "100.64.0.1",
            "224.0.0.1",
        ):
            with self.subTest(host=host):
                self.refused(f"http://{host}/call.wav", "private or local address", allow_http=True)

    def test_cloud_metadata_refused_without_connecting(self):
        for url in ("http://169.254.169.254/latest/meta-data/", "https://169.254.169.254/latest/meta-data/"):
            with self.subTest(url=url):
                self.refused(url, "private or local address (169.254.169.254)", allow_http=True)

    def test_address_checked_is_the_one_connected_to(self):
        """One lookup only, so a name cannot resolve to a public address for the check and to a
        private one for the connection (DNS rebinding); the server still sees its own name."""
        real = socket.getaddrinfo
        lookups = []

        def getaddrinfo(host, *args, **kwargs):
            lookups.append(host)
            return real("127.0.0.1" if host == "recordings.test" else host, *args, **kwargs)

        port = self.server.server_address[1]
        with patch("socket.getaddrinfo", side_effect=getaddrinfo):
            content, _type = fetch(f"http://recordings.test:{port}/host", allow_http=True, trusted_networks=LOCAL)
        self.assertEqual(content, WAV + f"recordings.test:{port}".encode())
        self.assertEqual(lookups.count("recordings.test"), 1)

    def test_redirect_followed(self):
        self.assertEqual(self.get("/to-wav"), (WAV, "audio/wav"))

    def test_redirect_to_private_refused_from_trusted_host(self):
        with self.assertRaises(FetchError) as caught:
            self.get("/to-private")
        self.assertIn("private or local address (10.0.0.1)", str(caught.exception))
        self.assertFalse(caught.exception.retry)

    def test_too_many_redirects(self):
        with self.assertRaises(FetchError) as caught:
            self.get("/loop/0", max_redirects=3)
        self.assertIn("redirects more than 3 times", str(caught.exception))
        self.assertFalse(caught.exception.retry)

    def test_slow_server_stopped_at_deadline(self):
        start = time.monotonic()
        with self.assertRaises(FetchError) as caught:
            self.get("/trickle", timeout=1)
        self.assertLess(time.monotonic() - start, 2.5)
        self.assertIn("within the 1-second limit", str(caught.exception))
        self.assertTrue(caught.exception.retry)

    def test_gone_link_expired(self):
        with self.assertRaises(FetchError) as caught:
            self.get("/missing")
        self.assertIn("no longer works (HTTP 404)", str(caught.exception))
        self.assertTrue(caught.exception.expired)
        self.assertFalse(caught.exception.retry)

    def test_unavailable_server_retried(self):
        with self.assertRaises(FetchError) as caught:
            self.get("/busy")
        self.assertIn("HTTP 503", str(caught.exception))
        self.assertTrue(caught.exception.retry)
        self.assertFalse(caught.exception.expired)

    def test_size_cap(self):
        for path in ("/huge-length", "/huge-chunked"):
            with self.subTest(path=path), self.assertRaises(FetchError) as caught:
                self.get(path, max_bytes=MB)
            self.assertEqual(str(caught.exception), "The recording is larger than the 1 MB limit.")
            self.assertFalse(caught.exception.retry)

    def test_not_audio_refused_at_first_bytes(self):
        seen = []

        def accept(content_type, first_bytes):
            seen.append((content_type, first_bytes[:6]))
            return audio(content_type, first_bytes)

        with self.assertRaises(FetchError) as caught:
            self.get("/page", accept=accept)
        self.assertIn("is not an audio file (text/html)", str(caught.exception))
        self.assertEqual(seen, [("text/html", b"<html>")])

    def test_empty_recording(self):
        with self.assertRaisesRegex(FetchError, "^The recording is empty.$"):
            self.get("/empty")

    def test_messages_keep_query_string_out(self):
        with self.assertRaises(FetchError) as caught:
            self.get("/missing?X-Amz-Signature=secret&X-Amz-Credential=key")
        self.assertEqual(str(caught.exception), f"The recording link no longer works (HTTP 404): {self.base}/missing.")
        self.assertEqual(
            redact("https://user:pw@Recordings.example:8443/a/call.wav?X-Amz-Signature=secret#t=1"),
            "https://recordings.example:8443/a/call.wav",
        )
