from .const import STATUS_FIELD


def post_init_hook(env):
    """An outcome field that exists before the Dialer (an administrator's own) keeps its options:
    each gets its outcome, the default one of the same value or a new one without meaning."""
    field = env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
    env["cold.call.outcome"]._sync_options(field.selection_ids)
