import logging
import re

from ..const import WEBHOOK_PATH

TOKEN_IN_URL = re.compile(r"([?&]token=)[^&\s\"]*")


class RedactWebhookToken(logging.Filter):
    """The access log line of a request holds its query string: hide the token there."""

    def filter(self, record):
        if isinstance(record.args, tuple) and any(WEBHOOK_PATH in str(arg) for arg in record.args):
            record.args = tuple(TOKEN_IN_URL.sub(r"\1***", arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def install_token_redaction():
    """Add the filter to werkzeug's access log once per process."""
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(existing, RedactWebhookToken) for existing in werkzeug.filters):
        werkzeug.addFilter(RedactWebhookToken())
