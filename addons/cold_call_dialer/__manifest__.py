{
    "name": "Cold Call Dialer",
    "version": "17.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Work saved contact searches call by call and log every outcome",
    "author": "Cold Call Suite",
    "license": "LGPL-3",
    "depends": ["base_setup", "mail"],
    "data": [
        "security/cold_call_dialer_security.xml",
        "security/ir.model.access.csv",
        "views/cold_call_dialer_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "cold_call_dialer/static/src/**/*",
        ],
        "web.assets_tests": [
            "cold_call_dialer/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": True,
}
