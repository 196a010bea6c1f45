"""MCUBE settings move from system parameters to the companies, batch jobs become per company,
a salesperson's calls are their own only (the rule's domain, kept by noupdate, is rewritten),
and the click-to-call bridge, which a new install gets with the Dialer, is installed.

The old settings served every company: each company gets them, but the webhook token, which
says whose account an event is, goes to one company only: the default salesperson's, else the
main company. A database with more companies gives the others tokens of their own (Settings)."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

PREFIX = "mcube_integration."


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    params = env["ir.config_parameter"].sudo()
    old = {param.key.removeprefix(PREFIX): param.value for param in params.search([("key", "=like", f"{PREFIX}%")])}
    companies = env["res.company"].with_context(active_test=False).search([])
    user = env["res.users"].browse(int(old["default_user_id"])).exists() if old.get("default_user_id") else None
    team = env["crm.team"].browse(int(old["default_team_id"])).exists() if old.get("default_team_id") else None
    for company in companies:
        values = {
            "mcube_allowed_ips": old.get("allowed_ips") or False,
            "mcube_country_id": int(old["country_id"]) if old.get("country_id") else False,
            "mcube_timezone": old.get("timezone") or "Asia/Kolkata",
            "mcube_batch_jobs": int(old["batch_jobs"]) if (old.get("batch_jobs") or "").isdigit() else 2,
        }
        if user and not user.share and company in user.company_ids:
            values["mcube_default_user_id"] = user.id
        if team and team.company_id in (company, env["res.company"]):
            values["mcube_default_team_id"] = team.id
        company.write(values)
    if old.get("webhook_token"):
        owner = user.company_id if user else env.ref("base.main_company")
        owner.mcube_webhook_token = old["webhook_token"]
        if len(companies) > 1:
            _logger.warning(
                "MCUBE: the webhook token now belongs to %s; give the other companies tokens of their own.", owner.name
            )
    params.search([("key", "=like", f"{PREFIX}%")]).unlink()

    # Waiting batch jobs of the old kind (one set for the database) give way to the companies' own.
    cr.execute(
        """UPDATE queue_job SET state = 'cancelled'
            WHERE identity_key ~ '^mcube\\.event\\.batch:[0-9]+$'
              AND state IN ('wait_dependencies', 'pending', 'enqueued')"""
    )
    cr.execute("UPDATE mcube_event SET batch = 0 WHERE batch IS NULL")
    cr.execute(
        """SELECT DISTINCT company_id, batch FROM mcube_event
            WHERE state = 'pending' AND attempts = 0 AND auto_retries = 0"""
    )
    Event = env["mcube.event"]
    for company_id, batch in cr.fetchall():
        Event._ensure_batch_job(company_id, batch)

    # A salesperson reads their own calls (and recordings) only, no longer every call of their leads.
    rule = env.ref("mcube_integration.mcube_call_record_rule_salesman", raise_if_not_found=False)
    if rule:
        rule.write({"name": "MCUBE calls: own calls", "domain_force": "[('user_id', '=', user.id)]"})

    Module = env["ir.module.module"]
    if Module.search_count([("name", "=", "cold_call_dialer"), ("state", "in", ["installed", "to upgrade"])]):
        Module.search([("name", "=", "cold_call_dialer_mcube"), ("state", "=", "uninstalled")]).button_install()
