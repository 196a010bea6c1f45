{
    "name": "Cold Call Dialer - MCUBE Click-to-Call",
    "version": "17.0.2.2.0",
    "category": "Sales/CRM",
    "summary": "Place Dialer calls through MCUBE and join its call events to them",
    "author": "Cold Call Suite",
    "license": "LGPL-3",
    "depends": ["cold_call_dialer", "mcube_integration"],
    "data": [
        "security/cold_call_dialer_mcube_security.xml",
        "security/ir.model.access.csv",
        "data/cold_call_outcome_data.xml",
        "views/cold_call_caller_id_views.xml",
        "views/cold_call_mcube_attempt_views.xml",
        "views/cold_call_log_views.xml",
        "views/cold_call_outcome_views.xml",
        "views/cold_call_keyword_views.xml",
        "views/res_config_settings_views.xml",
        "views/cold_call_dialer_mcube_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "cold_call_dialer_mcube/static/src/**/*",
        ],
        "web.assets_tests": [
            "cold_call_dialer_mcube/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "auto_install": True,
}
