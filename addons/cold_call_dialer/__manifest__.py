{
    "name": "Cold Call Dialer",
    "version": "17.0.2.0.0",
    "category": "Sales/CRM",
    "summary": "Work saved contact searches call by call and log every outcome",
    "author": "Cold Call Suite",
    "license": "LGPL-3",
    "depends": ["base_setup", "mail", "cold_call_phone", "crm", "calendar", "queue_job"],
    "data": [
        "security/cold_call_dialer_security.xml",
        "security/ir.model.access.csv",
        "data/cold_call_outcome_data.xml",
        "data/mail_template_data.xml",
        "data/queue_job_data.xml",
        "views/cold_call_log_views.xml",
        "views/cold_call_hold_views.xml",
        "views/cold_call_outcome_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_dialer_actions.xml",
        "wizards/cold_call_bulk_outcome_views.xml",
        "wizards/cold_call_log_export_views.xml",
        "views/cold_call_dialer_menus.xml",
    ],
    "demo": [
        "demo/cold_call_dialer_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "cold_call_dialer/static/src/**/*",
        ],
        "web.assets_tests": [
            "cold_call_dialer/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": True,
}
