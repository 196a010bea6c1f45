{
    "name": "MCUBE Call Tracking",
    "version": "17.0.2.5.0",
    "category": "Sales/CRM",
    "summary": "Turn MCUBE call events into CRM leads and call records",
    "author": "Cold Call Suite",
    "license": "LGPL-3",
    "depends": ["crm", "resource", "cold_call_phone", "cold_call_audio", "queue_job"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/mcube_integration_security.xml",
        "security/ir.model.access.csv",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/mcube_call_record_views.xml",
        "views/mcube_event_views.xml",
        "views/crm_lead_views.xml",
        "views/res_users_views.xml",
        "views/crm_team_views.xml",
        "views/mcube_route_views.xml",
        "views/res_config_settings_views.xml",
        "views/mcube_integration_menus.xml",
    ],
    "demo": [
        "demo/mcube_integration_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "mcube_integration/static/src/**/*",
        ],
        "web.assets_tests": [
            "mcube_integration/static/tests/tours/*.js",
        ],
    },
    "post_load": "post_load",
    "installable": True,
}
