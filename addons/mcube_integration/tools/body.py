"""Reading a webhook body without trusting its size: a chunked body announces none, and
reading it whole before checking would let any client fill the server's memory."""

from typing import NamedTuple

from werkzeug.exceptions import HTTPException

from odoo import release

READ_BLOCK = 16 * 1024


class Body(NamedTuple):
    """What was read of a request body: its bytes, or why they cannot be used."""

    data: bytes
    too_large: bool = False
    unreadable: bool = False


def read_body(stream, content_length, limit):
    """At most ``limit`` + 1 bytes of ``stream``: one byte over the limit is enough to
    know the body is too large, and nothing more is read. A body announced larger than
    the limit is not read at all. Broken chunked framing or a dropped connection (OSError,
    werkzeug's ClientDisconnected) makes the body unreadable instead of an error."""
    if (content_length or 0) > limit:
        return Body(b"", too_large=True)
    chunks = []
    size = 0
    try:
        while size <= limit:
            chunk = stream.read(min(READ_BLOCK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except (OSError, HTTPException):
        return Body(b"", unreadable=True)
    return Body(b"".join(chunks), too_large=size > limit)


def werkzeug_request(httprequest):
    """The werkzeug request that Odoo's ``HTTPRequest`` wraps, whose stream and cached data Odoo
    does not expose (Odoo itself reaches it by this private attribute). Written for Odoo 17.0:
    another version, or one without that attribute, fails here at once rather than reading
    bodies wrong."""
    wrapped = getattr(httprequest, "_HTTPRequest__wrapped", None)
    if release.version_info[:2] != (17, 0) or wrapped is None:
        raise RuntimeError(f"The MCUBE webhook reads request bodies as Odoo 17.0 does, not as {release.version} does.")
    return wrapped
