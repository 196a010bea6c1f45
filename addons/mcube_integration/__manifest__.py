{
    "name": "MCUBE Call Tracking",
    "version": "17.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Turn MCUBE call events into CRM leads and call records",
    "author": "Cold Call Suite",
    "license": "LGPL-3",
    "depends": ["crm", "phone_validation", "queue_job"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
}
