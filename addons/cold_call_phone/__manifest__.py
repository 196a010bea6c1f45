{
    "name": "Cold Call Suite - Phone Numbers",
    "version": "17.0.1.0.0",
    "category": "Hidden/Tools",
    "summary": "One way to read phone numbers for the Dialer and MCUBE: E.164 through phone_validation",
    "author": "Cold Call Suite",
    "license": "LGPL-3",
    "depends": ["phone_validation"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "installable": True,
}
