"""A fake recording storage on localhost, as MCUBE's would serve call recordings: tests register
what each path answers and read how often it was asked. Standard library only (the end-to-end
tests import it without Odoo)."""

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RecordingServer:
    def __init__(self):
        self.routes = {}
        self.hits = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?")[0]
                server.hits[path] += 1
                status, headers, body = server.routes.get(path, (404, {"Content-Type": "text/plain"}, b"not found"))
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def add(self, path, body, content_type="audio/wav", status=200, headers=None):
        """Serve ``body`` at ``path``; returns its URL."""
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body)
        return self.url(path)

    def redirect(self, path, location, status=302):
        self.routes[path] = (status, {"Location": location}, b"")
        return self.url(path)

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"
