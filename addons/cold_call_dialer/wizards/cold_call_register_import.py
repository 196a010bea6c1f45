import base64
import csv
import io
import re
from datetime import datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import compliance

MAX_BYTES = 50 * 1024 * 1024
MAX_BAD_LINES = 500
HEADERS = {
    "number": ("number", "phone", "mobile", "msisdn", "phone number", "mobile number"),
    "codes": ("preference", "preferences", "pref", "categories", "category", "dnd", "ncpr", "status"),
    "time_bands": ("time_bands", "time bands", "time band", "time_band", "bands"),
    "days": ("days", "day", "day type"),
    "checked_on": ("checked_on", "checked on", "date", "scrub date", "checked"),
    "source": ("source",),
    "reference": ("reference", "ref"),
    "given_at": ("given_at", "given at", "consent date", "given on"),
    "revoked_at": ("revoked_at", "revoked at", "revoked on"),
}
NOT_REGISTERED = {"", "na", "n/a", "none", "-", "not registered", "nr"}
CODES = re.compile(r"[#|;,\s]+")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M")


class ColdCallRegisterImport(models.TransientModel):
    """Import the register preferences of a scrub file, or consents, from a CSV file. Every row is
    read first: the good ones are imported together, each bad one is listed with its line and
    reason, and none is imported by half. docs/COMPLIANCE.md gives the columns."""

    _name = "cold.call.register.import"
    _description = "Import Register Preferences or Consents"

    kind = fields.Selection(
        [("register", "Register preferences (scrub file)"), ("consent", "Consents")],
        required=True,
        default="register",
    )
    file = fields.Binary("CSV File", attachment=False)
    filename = fields.Char()
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    imported_count = fields.Integer("Rows Imported", readonly=True)
    bad_count = fields.Integer("Rows Not Imported", readonly=True)
    bad_lines = fields.Text("Rows Not Imported, and Why", readonly=True)

    def action_import(self):
        self.ensure_one()
        if not self.env.user.has_group("cold_call_dialer.group_cold_call_manager"):
            raise AccessError(_("Only Dialer administrators import register preferences and consents."))
        rows = self._rows()
        good, bad = [], []
        parse = self._register_values if self.kind == "register" else self._consent_values
        for line, row in rows:
            try:
                good.append(parse(row))
            except (ValueError, ValidationError, UserError) as error:
                message = error.args[0] if error.args else str(error)
                bad.append(_("Line %(line)s: %(reason)s", line=line, reason=message))
        if self.kind == "register":
            self._import_register(good)
        else:
            self.env["cold.call.consent"].create(good)
        shown = bad[:MAX_BAD_LINES]
        if len(bad) > len(shown):
            shown.append(_("… and %s more.", len(bad) - len(shown)))
        self.write({"state": "done", "imported_count": len(good), "bad_count": len(bad), "bad_lines": "\n".join(shown)})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Import Done"),
        }

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------

    def _rows(self):
        """[(line number, {column: text})] of the file, its header read without case."""
        if not self.file:
            raise UserError(_("Choose the CSV file to import."))
        content = base64.b64decode(self.file)
        if len(content) > MAX_BYTES:
            raise UserError(_("The file is larger than %s MB: split it.", MAX_BYTES // (1024 * 1024)))
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UserError(_("The file is not UTF-8 text: save it as CSV UTF-8.")) from error
        sample = text[:4096]
        delimiter = max(",;\t", key=sample.count)
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        header = next(reader, None)
        aliases = {alias: key for key, names in HEADERS.items() for alias in names}
        columns = [aliases.get((name or "").strip().lower()) for name in header or []]
        if "number" not in columns:
            raise UserError(_("The file has no number column: its first line must name the columns."))
        rows = []
        for index, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((index, {key: cell.strip() for key, cell in zip(columns, cells, strict=False) if key}))
        return rows

    @api.model
    def _categories(self, text, allow_full=False):
        """(fully blocked, category ids) of the register codes of ``text`` (``1#2#5``, ``0``)."""
        codes = [code for code in CODES.split(text or "") if code]
        if not all(code.isdigit() and 0 <= int(code) <= 8 for code in codes):
            raise ValueError(_("“%s” is not a list of register codes from 0 to 8.", text))
        full = 0 in {int(code) for code in codes}
        if full and not allow_full:
            raise ValueError(_("Code 0 (fully blocked) is not a consent scope: list the categories."))
        by_code = {category.code: category.id for category in self.env["cold.call.register.category"].search([])}
        return full, sorted({by_code[int(code)] for code in codes if int(code)})

    @api.model
    def _date(self, text, formats, default):
        if not text:
            return default
        for pattern in formats:
            try:
                return datetime.strptime(text, pattern)
            except ValueError:
                continue
        raise ValueError(_("“%s” is not a date such as 2026-05-03.", text))

    # ------------------------------------------------------------------
    # Register preferences
    # ------------------------------------------------------------------

    def _register_values(self, row):
        Entries = self.env["cold.call.register.entry"]
        codes = row.get("codes", "")
        full, categories = (False, []) if codes.lower() in NOT_REGISTERED else self._categories(codes, True)
        today = fields.Date.context_today(self)
        checked = self._date(row.get("checked_on"), DATE_FORMATS, None)
        checked_on = checked.date() if checked else today
        if checked_on > today:
            raise ValueError(_("The check date %s is in the future.", checked_on))
        return {
            "number": Entries._e164(row.get("number")),
            "full_block": full,
            "category_ids": [(6, 0, categories)],
            "time_bands": compliance.format_bands(compliance.parse_bands(row.get("time_bands"))),
            "days": compliance.format_days(compliance.parse_days(row.get("days"))),
            "checked_on": checked_on,
            "source": row.get("source") or self.filename or _("Register file"),
        }

    def _import_register(self, values):
        """Write each number's preference, replacing the company's earlier record of it."""
        Entries = self.env["cold.call.register.entry"].with_context(tracking_disable=True)
        by_number = {vals["number"]: vals for vals in values}
        company = self.env.company
        existing = Entries.search([("company_id", "=", company.id), ("number", "in", list(by_number))])
        for entry in existing:
            entry.write(by_number.pop(entry.number))
        Entries.create(list(by_number.values()))
        if values and not company.cold_call_register_imported_on:
            company.sudo().cold_call_register_imported_on = fields.Datetime.now()

    # ------------------------------------------------------------------
    # Consents
    # ------------------------------------------------------------------

    def _consent_values(self, row):
        _full, categories = self._categories(row.get("codes", ""))
        if not categories:
            raise ValueError(_("A consent needs the categories it covers (codes 1 to 8)."))
        now = fields.Datetime.now()
        given_at = self._date(row.get("given_at"), DATETIME_FORMATS + DATE_FORMATS, now)
        revoked_at = self._date(row.get("revoked_at"), DATETIME_FORMATS + DATE_FORMATS, False)
        if given_at > now or (revoked_at and revoked_at < given_at):
            raise ValueError(_("The consent dates are not in order: given, then revoked, not in the future."))
        return {
            "number": self.env["cold.call.consent"]._e164(row.get("number")),
            "category_ids": [(6, 0, categories)],
            "source": row.get("source") or self.filename or _("Consent file"),
            "reference": row.get("reference") or False,
            "given_at": given_at,
            "revoked_at": revoked_at,
        }
