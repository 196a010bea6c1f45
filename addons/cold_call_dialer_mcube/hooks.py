def post_init_hook(env):
    """Give the default outcomes their MCUBE statuses when the outcome field exists already
    (the Dialer was in use before the bridge came): a missed call then suggests No Answer."""
    env["ir.model.fields.selection"]._cold_call_mcube_fill_default_statuses()
