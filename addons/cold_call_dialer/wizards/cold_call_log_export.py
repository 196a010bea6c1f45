import csv
import io
import re
from datetime import datetime, time, timedelta

import pytz
import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

ALL_LISTS = "all"
FILTER_PREFIX = "filter:"
NAME_PREFIX = "name:"
MANAGER_GROUP = "cold_call_dialer.group_cold_call_manager"
CSV_DATETIME = "%Y-%m-%d %H:%M:%S"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What makes a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
E164 = re.compile(r"\+[0-9]{1,15}")


class ColdCallLogExport(models.TransientModel):
    """ "Export Calls": the calls of one call list over a date range, as a file managers can share
    or work on in a spreadsheet (the reports in Odoo stay the place to explore them).

    A list is a saved search (the calls keep its id, so a renamed search stays one list) or,
    for quick lists and deleted searches, the list name the calls were logged with. Dates are
    the manager's days, in their time zone, like the times in the file.
    """

    _name = "cold.call.log.export"
    _description = "Export Cold Calls"

    list_key = fields.Selection(selection="_selection_list_key", string="Call List", required=True, default=ALL_LISTS)
    date_from = fields.Date("From", required=True, default=lambda self: self._default_month()[0])
    date_to = fields.Date("To", required=True, default=lambda self: self._default_month()[1])
    partner_ids = fields.Many2many(
        "res.partner",
        string="Contacts",
        default=lambda self: self._default_partners(),
        help="Only the calls of these contacts (Export Calls on selected contacts); empty: every contact.",
    )
    file_format = fields.Selection(
        [("xlsx", "Excel (XLSX)"), ("csv", "CSV")], string="Format", required=True, default="xlsx"
    )

    @api.model
    def _default_month(self):
        first = fields.Date.context_today(self).replace(day=1)
        return first, first + relativedelta(months=1, days=-1)

    @api.model
    def _default_partners(self):
        if self.env.context.get("active_model") != "res.partner":
            return self.env["res.partner"]
        return self.env["res.partner"].browse(self.env.context.get("active_ids") or [])

    @api.model
    def _selection_list_key(self):
        """The lists calls were logged from: saved searches by id (private ones with their owner's
        name, as every rep has a "Dialer selection"), other lists by name."""
        groups = self.env["cold.call.log"]._read_group(
            [], ["filter_id", "list_name"], ["call_date:max"], order="call_date:max desc"
        )
        options = {}
        for ir_filter, list_name, _last_call in groups:
            if ir_filter:
                key = f"{FILTER_PREFIX}{ir_filter.id}"
                if key not in options:  # the most recent name of a renamed search
                    owner = ir_filter.sudo().user_id
                    options[key] = f"{list_name} ({owner.name})" if owner else list_name
            else:
                options.setdefault(f"{NAME_PREFIX}{list_name}", list_name)
        return [(ALL_LISTS, _("All lists")), *sorted(options.items(), key=lambda option: option[1].lower())]

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(_("The start date must be on or before the end date."))

    @api.model
    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only Dialer administrators can export the calls."))

    def action_export(self):
        """Download the file, through the route that builds it (``/cold_call_dialer/export_calls``)."""
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_url",
            "url": f"/cold_call_dialer/export_calls/{self.id}",
            "target": "download",
        }

    def _export_file(self):
        """(file name, content, mimetype) of the export, for its route. Only for the manager who
        filled the wizard in: its id in a link must not let anyone else download the file."""
        self.ensure_one()
        self._check_manager()
        if self.create_uid != self.env.user:
            raise AccessError(_("This export was prepared by someone else: open Export Calls yourself."))
        columns = self._columns()
        rows = self._rows(columns)
        name = f"cold_calls_{self.date_from}_{self.date_to}"
        if self.file_format == "csv":
            return f"{name}.csv", self._csv(columns, rows), "text/csv;charset=utf-8"
        return f"{name}.xlsx", self._xlsx(columns, rows), XLSX_MIMETYPE

    def _log_domain(self):
        """The calls of the chosen list made between the two days, in the user's time zone."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")

        def utc(day):
            return tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)

        domain = [("call_date", ">=", utc(self.date_from)), ("call_date", "<", utc(self.date_to + timedelta(days=1)))]
        key = self.list_key or ALL_LISTS
        if key.startswith(FILTER_PREFIX):
            domain.append(("filter_id", "=", int(key.removeprefix(FILTER_PREFIX))))
        elif key.startswith(NAME_PREFIX):
            domain += [("filter_id", "=", False), ("list_name", "=", key.removeprefix(NAME_PREFIX))]
        elif key != ALL_LISTS:
            raise UserError(_("This call list does not exist."))
        if self.partner_ids:
            domain.append(("partner_id", "in", self.partner_ids.ids))
        return domain

    def _columns(self):
        """(header, width, value of a call) of each column of the file, in order; a call is read as
        superuser (see ``_rows``). Extensions add theirs."""
        return [
            (_("Date/Time"), 17, lambda log: self._local(log.call_date)),
            (_("Sales Rep"), 18, lambda log: log.user_id.name),
            (_("Contact"), 24, lambda log: log.partner_id.name or log.partner_id.display_name),
            (_("Company"), 22, lambda log: log.partner_id.parent_id.name or log.partner_id.company_name or ""),
            (_("Number Dialed"), 18, self._number_dialed),
            (_("Call List"), 22, lambda log: log.list_name),
            (_("Outcome"), 26, lambda log: log.outcome_id.name or ""),
            (_("Duration (s)"), 12, lambda log: log.duration),
            (_("Connected"), 10, lambda log: log.connected),
            (_("Follow-up"), 10, lambda log: log.follow_up_scheduled),
            (_("Opportunity"), 26, lambda log: log.opportunity_id.name or ""),
            (_("Meeting"), 17, lambda log: self._local(log.calendar_event_id.start)),
        ]

    @api.model
    def _number_dialed(self, log):
        """The number the call was made to; for calls logged before it was kept, the number the
        Dialer dials for the contact."""
        return log.phone_number or next(iter(log.partner_id._cold_call_dial_numbers()), "")

    def _local(self, value):
        """A UTC datetime in the user's time zone, as the file shows times."""
        return fields.Datetime.context_timestamp(self, value).replace(tzinfo=None) if value else None

    def _rows(self, columns):
        """One row per call, oldest first.

        The calls are searched with the manager's rights (their companies); what a call names
        (contact, opportunity, meeting) is read as superuser, as the Dialer created the
        opportunity and the meeting so: a record the manager may not open must not break the
        export of a call they may see.
        """
        logs = self.env["cold.call.log"].search(self._log_domain(), order="call_date, id")
        return [[value(log) for _header, _width, value in columns] for log in logs.sudo()]

    def _text(self, value):
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime):
            return value.strftime(CSV_DATETIME)
        return "" if value is None else value

    def _csv(self, columns, rows):
        """UTF-8 with a byte-order mark, which tells Excel the encoding of non-ASCII names."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([header for header, _width, _value in columns])
        for row in rows:
            writer.writerow([self._csv_cell(self._text(value)) for value in row])
        return buffer.getvalue().encode("utf-8-sig")

    @api.model
    def _csv_cell(self, text):
        """A cell a spreadsheet opens as text, never as a formula: one that starts with a formula
        character is prefixed with a quote, as OWASP recommends (CSV injection). A number in
        E.164 (a plus and digits) calls nothing, and stays as dialed."""
        if isinstance(text, str) and text.startswith(FORMULA_STARTS) and not E164.fullmatch(text):
            return f"'{text}"
        return text

    def _xlsx(self, columns, rows):
        buffer = io.BytesIO()
        # Contact names and notes are data, never formulas.
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
        sheet = workbook.add_worksheet(_("Calls"))
        bold = workbook.add_format({"bold": True})
        when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        headers = [header for header, _width, _value in columns]
        sheet.write_row(0, 0, headers, bold)
        for row_index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(row_index, col, value, when)
                elif isinstance(value, int) and not isinstance(value, bool):
                    sheet.write_number(row_index, col, value)
                else:
                    sheet.write_string(row_index, col, self._text(value))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
        for col, (_header, width, _value) in enumerate(columns):
            sheet.set_column(col, col, width)
        workbook.close()
        return buffer.getvalue()
