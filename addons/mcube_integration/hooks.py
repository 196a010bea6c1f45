from .tools.log_filter import install_token_redaction


def post_load():
    """Process-wide setup, run once when Odoo imports the module: at startup when it is
    in server_wide_modules (odoo.conf), else when a database first loads it."""
    install_token_redaction()
