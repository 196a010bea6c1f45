"""Download a call recording from a link the telephony provider's event gave us.

The link comes from outside, so it may point anywhere: at the cloud metadata service, at the
database, at an intranet admin page (SSRF). Every address the host resolves to must be public (or
in a network the admin trusts), the connection goes to that very address (a second DNS lookup could
answer otherwise), redirects go through the same checks, and time and size are capped. Messages
name scheme://host/path only: presigned links carry their secret in the query string.
"""

import ipaddress
import socket
import threading
import time
from contextlib import suppress
from urllib.parse import urljoin, urlsplit, urlunsplit

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, Timeout
from urllib3.exceptions import HTTPError, NewConnectionError, SSLError
from urllib3.exceptions import TimeoutError as UrllibTimeoutError

try:
    import certifi
except ImportError:  # urllib3 then loads the system's bundle
    certifi = None

REDIRECTS = (301, 302, 303, 307, 308)
EXPIRED = (403, 404, 410)
CHUNK = 64 * 1024


class FetchError(Exception):
    """Why a download failed, as one sentence for the user. ``retry``: trying again later may help
    (timeouts, connection errors, HTTP 5xx/429); ``expired``: the link is gone for good (HTTP 403/404/410)."""

    def __init__(self, message, *, retry=False, expired=False):
        super().__init__(message)
        self.retry = retry
        self.expired = expired


def redact(url):
    """``scheme://host[:port]/path`` of ``url``, for messages and logs: the query string of a presigned
    link is its secret, and a link may hold credentials."""
    try:
        parts = urlsplit(url or "")
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "(an invalid link)"
    host = f"[{host}]" if ":" in host else host
    return urlunsplit((parts.scheme, f"{host}:{port}" if port else host, parts.path, "", ""))


def _public(ip):
    """Whether ``ip`` is on the public internet: ``is_global`` alone lets multicast through (Python 3.11)."""
    local = ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_reserved
    return ip.is_global and not (local or ip.is_multicast or getattr(ip, "is_site_local", False))


def _check(url, allow_http, trusted_networks):
    """``(scheme, host, port, netloc, ip, path)`` of ``url``, ``ip`` the checked address to connect to.
    The check is on the resolved addresses: that catches every spelling of an address (2130706433,
    0x7f.1, [::ffff:127.0.0.1]) and names that resolve to private ones."""
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError as error:
        raise FetchError("The recording link is not a valid web address.") from error
    if scheme not in ("https", "http") or (scheme == "http" and not allow_http):
        allowed = "https:// or http://" if allow_http else "https://"
        raise FetchError(f"The recording link must lead to an {allowed} address.")
    if not host or any(char.isspace() or ord(char) < 32 for char in url):
        raise FetchError("The recording link is not a valid web address.")
    if "@" in parts.netloc:
        raise FetchError("The recording link must not hold a user name or password.")
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchError(f"The recording server {host} could not be found.", retry=True) from error
    ips = [ipaddress.ip_address(info[4][0].partition("%")[0]) for info in infos]
    ips = [getattr(ip, "ipv4_mapped", None) or ip for ip in ips]
    refused = [ip for ip in ips if not _public(ip) and not any(ip in network for network in trusted_networks)]
    if refused:
        raise FetchError(
            f"The recording link points to a private or local address ({refused[0]}), which is not allowed."
        )
    path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    return scheme, host, port, parts.netloc, str(ips[0]), path


class _Deadline:
    """The end of the whole download. Socket timeouts bound each read only, so a server sending a
    byte now and then would hold the job for ever: a timer cuts each connection when time is up."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.timers = []

    def left(self):
        return max(self.end - time.monotonic(), 0.001)

    def passed(self):
        return time.monotonic() >= self.end

    def error(self, url):
        return FetchError(
            f"The recording server did not send the file within the {self.seconds:g}-second limit: {redact(url)}.",
            retry=True,
        )

    def watching(self, connection_class):
        """``connection_class`` with its sockets under this deadline."""
        deadline = self

        class Watched(connection_class):
            def connect(self):
                super().connect()
                timer = threading.Timer(deadline.left(), _cut, (self.sock,))
                timer.daemon = True
                timer.start()
                deadline.timers.append(timer)

        return Watched

    def cancel(self):
        for timer in self.timers:
            timer.cancel()


def _cut(sock):
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _open(scheme, host, port, netloc, ip, path, deadline):
    """The response to GET ``path`` from ``ip`` (pinned: no second lookup), ``host`` naming it for TLS."""
    options = {"timeout": Timeout(connect=deadline.left(), read=deadline.left()), "retries": False, "maxsize": 1}
    if scheme == "https":
        ca_certs = certifi.where() if certifi else None
        tls = {"server_hostname": host, "assert_hostname": host, "cert_reqs": "CERT_REQUIRED", "ca_certs": ca_certs}
        pool = HTTPSConnectionPool(ip, port, **tls, **options)
    else:
        pool = HTTPConnectionPool(ip, port, **options)
    pool.ConnectionCls = deadline.watching(pool.ConnectionCls)
    headers = {"Host": netloc, "Accept-Encoding": "identity"}
    return pool.urlopen(
        "GET", path, headers=headers, redirect=False, preload_content=False, enforce_content_length=True
    )


def _check_status(status, url):
    if status == 200:
        return
    if status in EXPIRED:
        raise FetchError(f"The recording link no longer works (HTTP {status}): {redact(url)}.", expired=True)
    if status == 429 or status >= 500:
        raise FetchError(f"The recording server is unavailable for now (HTTP {status}): {redact(url)}.", retry=True)
    raise FetchError(f"The recording server did not send the recording (HTTP {status}): {redact(url)}.")


def _read(response, url, max_bytes, accept, deadline):
    """The body, streamed so the size cap and ``accept`` stop a wrong download early."""
    too_big = f"The recording is larger than the {max_bytes / 2**20:g} MB limit."
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(too_big)
    content_type = response.headers.get("Content-Type", "").partition(";")[0].strip().lower()
    chunks, size = [], 0
    for chunk in response.stream(CHUNK, decode_content=False):
        if not chunks and accept and not accept(content_type, chunk):
            raise FetchError(f"The file at {redact(url)} is not an audio file ({content_type or 'no type given'}).")
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(too_big)
        chunks.append(chunk)
    if deadline.passed():  # cut short by the deadline: what came is not the whole file
        raise deadline.error(url)
    if not chunks:
        raise FetchError("The recording is empty.")
    return b"".join(chunks), content_type


def _network_error(error, url, deadline):
    if deadline.passed() or (isinstance(error, UrllibTimeoutError) and not isinstance(error, NewConnectionError)):
        return deadline.error(url)
    if isinstance(error, SSLError):
        return FetchError(f"The recording server's certificate could not be verified: {redact(url)}.")
    return FetchError(f"The recording server could not be reached: {redact(url)}.", retry=True)


def fetch(
    url, *, allow_http=False, trusted_networks=(), max_bytes=50 * 1024 * 1024, timeout=20, max_redirects=3, accept=None
):
    """``(content, content type without parameters)`` of the file at ``url``, an outside party's link.

    ``trusted_networks``: ipaddress networks allowed although private (on-premise storage).
    ``timeout``: seconds for the whole download, redirects included. ``accept(content_type,
    first_bytes)``: False refuses the file as soon as its first bytes are in. Raises FetchError."""
    deadline = _Deadline(timeout)
    try:
        for _hop in range(max_redirects + 1):
            target = _check(url, allow_http, trusted_networks)
            if deadline.passed():
                raise deadline.error(url)
            response = None
            try:
                response = _open(*target, deadline)
                location = response.headers.get("Location")
                if response.status in REDIRECTS and location:
                    url = urljoin(url, location)
                    continue
                _check_status(response.status, url)
                return _read(response, url, max_bytes, accept, deadline)
            except (HTTPError, OSError) as error:
                raise _network_error(error, url, deadline) from error
            finally:
                if response is not None:
                    response.close()
        raise FetchError(f"The recording link redirects more than {max_redirects} times: {redact(url)}.")
    finally:
        deadline.cancel()
