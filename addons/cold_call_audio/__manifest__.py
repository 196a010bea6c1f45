{
    "name": "Cold Call Suite - Call Audio",
    "version": "17.0.1.0.0",
    "category": "Hidden/Tools",
    "summary": "Recordings and voice notes kept in Odoo, played in the browser, transcribed offline and tagged",
    "author": "Cold Call Suite",
    "license": "LGPL-3",
    "depends": ["crm", "queue_job"],
    "external_dependencies": {"python": ["pocketsphinx"]},
    "data": [
        "security/ir.model.access.csv",
        "security/cold_call_audio_security.xml",
        "data/queue_job_data.xml",
        "views/cold_call_keyword_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "cold_call_audio/static/src/**/*",
        ],
    },
    "installable": True,
}
