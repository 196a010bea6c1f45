"""docs/SECURITY.md's access matrix is the code's: each table is built here from the registry
(ACLs, record rules, field groups) and by calling each method the suite adds as each role,
then compared with the document's."""

import base64
import re
from pathlib import Path

from odoo import Command, models
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import BridgeFixturesMixin

DOC = Path(__file__).resolve().parents[3] / "docs" / "SECURITY.md"
SUITE = ("cold_call_phone", "cold_call_audio", "cold_call_dialer", "mcube_integration", "cold_call_dialer_mcube")
ROLES = ("public", "portal", "employee", "rep", "Dialer manager", "sales manager", "other company's manager")
OPERATIONS = (("read", "r"), ("write", "w"), ("create", "c"), ("unlink", "u"))
# A sample call of each method the suite adds, run as each role: (model, method) -> f(env, fixtures).
CALLS = {
    ("cold.call.dashboard", "get_data"): lambda env, f: env["cold.call.dashboard"].get_data(),
    ("cold.call.dashboard", "get_lists_left"): lambda env, f: env["cold.call.dashboard"].get_lists_left(),
    ("cold.call.dialer", "get_filters"): lambda env, f: env["cold.call.dialer"].get_filters(),
    ("cold.call.dialer", "get_counts"): lambda env, f: env["cold.call.dialer"].get_counts(),
    ("cold.call.dialer", "get_preview"): lambda env, f: env["cold.call.dialer"].get_preview("never_called"),
    ("cold.call.dialer", "get_page"): lambda env, f: env["cold.call.dialer"].get_page("never_called"),
    ("cold.call.dialer", "open_contact"): lambda env, f: env["cold.call.dialer"].open_contact([f["partner"].id]),
    ("cold.call.dialer", "release_contact"): lambda env, f: env["cold.call.dialer"].release_contact(f["partner"].id),
    ("cold.call.dialer", "refresh_contacts"): lambda env, f: env["cold.call.dialer"].refresh_contacts(
        [f["partner"].id]
    ),
    ("cold.call.dialer", "log_call"): lambda env, f: env["cold.call.dialer"].log_call(
        f["partner"].id, status="voicemail", list_key="never_called"
    ),
    ("cold.call.dialer", "preview_mail"): lambda env, f: env["cold.call.dialer"].preview_mail(
        f["partner"].id, f["template"].id
    ),
    ("cold.call.dialer", "place_call"): lambda env, f: env["cold.call.dialer"].place_call(f["partner"].id),
    ("cold.call.dialer", "check_call"): lambda env, f: env["cold.call.dialer"].check_call(f["partner"].id),
    ("cold.call.dialer", "resolve_status"): lambda env, f: env["cold.call.dialer"].resolve_status(0),
    ("cold.call.consent", "action_revoke"): lambda env, f: f["consent"].with_env(env).action_revoke(),
    ("cold.call.register.import", "action_import"): lambda env, f: (
        env["cold.call.register.import"].create({"file": base64.b64encode(b"number\n9845000001\n")}).action_import()
    ),
    ("cold.call.dialer", "hang_up"): lambda env, f: env["cold.call.dialer"].hang_up(f["call_of"](env.user).id),
    ("cold.call.selection", "action_call_these"): lambda env, f: (
        env["cold.call.selection"]
        .with_context(active_model="res.partner", active_ids=f["partner"].ids)
        .action_call_these()
    ),
    ("cold.call.bulk.outcome", "action_confirm"): lambda env, f: (
        env["cold.call.bulk.outcome"]
        .with_context(active_model="res.partner", active_ids=f["partner"].ids)
        .create({"status": "voicemail"})
        .action_confirm()
    ),
    ("cold.call.bulk.tag", "action_confirm"): lambda env, f: (
        env["cold.call.bulk.tag"]
        .with_context(active_model="res.partner", active_ids=f["partner"].ids)
        .create({"category_ids": [Command.set(f["tag"].ids)]})
        .action_confirm()
    ),
    ("cold.call.bulk.activity", "action_confirm"): lambda env, f: (
        env["cold.call.bulk.activity"]
        .with_context(active_model="res.partner", active_ids=f["partner"].ids)
        .create({"summary": "Matrix"})
        .action_confirm()
    ),
    ("cold.call.log.export", "action_export"): lambda env, f: env["cold.call.log.export"].create({}).action_export(),
    ("res.partner", "action_view_cold_calls"): lambda env, f: f["partner"].with_env(env).action_view_cold_calls(),
    ("res.config.settings", "action_create_cold_call_status_field"): lambda env, f: (
        env["res.config.settings"].create({}).action_create_cold_call_status_field()
    ),
    ("res.config.settings", "action_open_cold_call_outcomes"): lambda env, f: (
        env["res.config.settings"].create({}).action_open_cold_call_outcomes()
    ),
    ("res.config.settings", "action_mcube_generate_token"): lambda env, f: (
        env["res.config.settings"].create({}).action_mcube_generate_token()
    ),
    ("res.config.settings", "action_mcube_generate_metrics_token"): lambda env, f: (
        env["res.config.settings"].create({}).action_mcube_generate_metrics_token()
    ),
    ("crm.lead", "action_view_mcube_calls"): lambda env, f: f["lead"].with_env(env).action_view_mcube_calls(),
    ("crm.lead", "mcube_open_caller"): lambda env, f: env["crm.lead"].mcube_open_caller("+919845099999"),
    ("mcube.event", "action_retry"): lambda env, f: f["event"].with_env(env).action_retry(),
    ("cold.call.audio.mixin", "action_audio_retry"): lambda env, f: env["cold.call.audio.mixin"].action_audio_retry(),
    ("mcube.call.record", "action_audio_retry"): lambda env, f: f["call_record"].with_env(env).action_audio_retry(),
    ("cold.call.log", "action_audio_retry"): lambda env, f: f["log"].with_env(env).action_audio_retry(),
}


def doc_table(heading):
    """The rows of the first table under the ``## heading`` of docs/SECURITY.md, header left out."""
    section = DOC.read_text().split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    cells = [re.split(r"(?<!\\)\|", row.strip()[1:-1]) for row in rows[2:]]
    return [[cell.strip().strip("`").replace("\\|", "|") for cell in row] for row in cells]


@tagged("post_install", "-at_install")
class TestSecurityMatrix(BridgeFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()
        env = cls.env
        other = env["res.company"].create({"name": "Security matrix B"})
        partner_manager = "base.group_partner_manager"
        cls.roles = {
            "public": env.ref("base.public_user"),
            "portal": new_test_user(env, login="matrix_portal", groups="base.group_portal"),
            "employee": new_test_user(env, login="matrix_employee", groups="base.group_user"),
            "rep": new_test_user(
                env,
                login="matrix_rep",
                groups=f"base.group_user,{partner_manager},sales_team.group_sale_salesman,"
                "cold_call_dialer.group_cold_call_user",
            ),
            "Dialer manager": new_test_user(
                env,
                login="matrix_dialer_manager",
                groups=f"base.group_user,{partner_manager},cold_call_dialer.group_cold_call_manager",
            ),
            "sales manager": new_test_user(
                env,
                login="matrix_sales_manager",
                groups=f"base.group_user,{partner_manager},sales_team.group_sale_manager",
            ),
            "other company's manager": new_test_user(
                env,
                login="matrix_other_manager",
                groups=f"base.group_user,{partner_manager},sales_team.group_sale_manager,"
                "cold_call_dialer.group_cold_call_manager",
                company_id=other.id,
                company_ids=[Command.set(other.ids)],
            ),
        }
        cls.template = env.ref("cold_call_dialer.mail_template_thanks")
        cls.categories = env["cold.call.register.category"].search([], limit=1)
        cls.alpha.email = "alpha@example.com"

    def fixtures(self):
        lead = self.env["crm.lead"].create({"name": "Matrix lead", "phone": "+919845088888"})
        event = self.env["mcube.event"].search([], limit=1) or self.ingest({"callid": "MATRIX-1"}).event_ids[:1]
        event.write({"state": "failed"})
        failed = {"audio_state": "failed", "audio_error": "Matrix"}
        log = self.env["cold.call.log"].search([], limit=1) or self.env["cold.call.log"].create(
            {"partner_id": self.alpha.id, "user_id": self.roles["rep"].id, "list_name": "Matrix"}
        )
        log.write({"audio_state": "stored", "transcript_state": "failed"})
        return {
            "partner": self.alpha,
            "template": self.template,
            "lead": lead,
            "event": event,
            "call_record": event.call_record_id.sudo().write({**failed, "recording_url": "https://x.example.com/r.wav"})
            and event.call_record_id,
            "log": log,
            "call_of": self.live_call_of,
            "tag": self.env["res.partner.category"].create({"name": "Matrix tag"}),
            "consent": self.env["cold.call.consent"].create(
                {"number": "+919845000001", "category_ids": [Command.set(self.categories.ids)], "source": "Matrix"}
            ),
        }

    def live_call_of(self, user):
        """A call in progress of ``user``'s own, as the Dialer placed it."""
        Attempt = self.env["cold.call.mcube.attempt"].sudo()
        return Attempt.create(
            {
                "partner_id": self.alpha.id,
                "user_id": user.id,
                "company_id": user.company_id.id,
                "refid": Attempt._new_refid(),
                "state": "connected",
                "mcube_call_id": "MATRIX-CALL",
            }
        )

    # ------------------------------------------------------------------
    # The tables, from the registry
    # ------------------------------------------------------------------

    def suite_models(self):
        return sorted(
            name for name, model in self.registry.items() if model._original_module in SUITE and not model._abstract
        )

    def models_table(self):
        table = []
        for name in self.suite_models():
            row = [name]
            for role in ROLES:
                model = self.env[name].with_user(self.roles[role])
                row.append(
                    "".join(letter for op, letter in OPERATIONS if model.check_access_rights(op, raise_exception=False))
                    or "-"
                )
            table.append(row)
        return table

    def rules_table(self):
        rules = (
            self.env["ir.rule"].search([]).filtered(lambda rule: rule.get_external_id()[rule.id].split(".")[0] in SUITE)
        )
        return sorted(
            [
                rule.model_id.model,
                rule.name,
                ", ".join(sorted(group.get_external_id()[group.id] for group in rule.groups)) or "all users",
                re.sub(r"\s+", " ", rule.domain_force),
            ]
            for rule in rules
        )

    def fields_table(self):
        table = []
        for name, model in self.registry.items():
            for fname, field in model._fields.items():
                if field._module in SUITE and field.groups and not model._transient:
                    table.append([f"{name}.{fname}", field.groups])
        return sorted(table)

    def suite_methods(self):
        """(model, method) of the public methods the suite adds: defined in its modules, not an
        ORM method."""
        prefixes = tuple(f"odoo.addons.{module}." for module in SUITE)
        found = set()
        for name, model in self.registry.items():
            ours, theirs = set(), set()
            for cls in model.__mro__:
                names = {attr for attr, value in vars(cls).items() if callable(value) and not attr.startswith("_")}
                (ours if cls.__module__.startswith(prefixes) else theirs).update(names)
            found.update((name, attr) for attr in ours - theirs if not hasattr(models.BaseModel, attr))
        return sorted(found)

    def methods_table(self):
        table = []
        fixtures = self.fixtures()
        for model, method in self.suite_methods():
            self.assertIn((model, method), CALLS, f"{model}.{method}: add a sample call to CALLS and a row to the doc")
            row = [f"{model}.{method}"]
            for role in ROLES:
                env = self.env(user=self.roles[role], context={"allowed_company_ids": self.roles[role].company_ids.ids})
                try:
                    with self.env.cr.savepoint():
                        CALLS[model, method](env, fixtures)
                        allowed = "yes"
                except AccessError:
                    allowed = "-"
                except Exception:  # noqa: BLE001 -- refused for another reason (bad input): not an access matter
                    allowed = "yes"
                row.append(allowed)
            table.append(row)
        return table

    # ------------------------------------------------------------------
    # The document says the same
    # ------------------------------------------------------------------

    def assertTable(self, generated, heading, ordered=True):
        """The table under ``heading`` is the generated one; when not, the message holds the rows
        to paste into docs/SECURITY.md."""
        documented = doc_table(heading)
        rows = "\n".join("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in generated)
        self.assertEqual(
            generated if ordered else sorted(generated),
            documented if ordered else sorted(documented),
            f"docs/SECURITY.md, {heading}, should read:\n{rows}",
        )

    def test_models(self):
        self.assertTable(self.models_table(), "Models")

    def test_record_rules(self):
        self.assertTable(self.rules_table(), "Record rules", ordered=False)

    def test_field_groups(self):
        self.assertTable(self.fields_table(), "Fields", ordered=False)

    def test_methods(self):
        self.assertTable(self.methods_table(), "Methods")
