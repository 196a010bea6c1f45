import re

from odoo import api, fields, models

# Words are what lies between spaces and punctuation, in any script: Devanagari vowel signs are not
# "word" characters to a regular expression's \b, so phrases are matched on these tokens instead.
TOKEN = re.compile(r"[^\s.,;:!?¿¡\"“”'‘’()\[\]{}<>/\\|।॥-]+")


def tokens(text):
    return TOKEN.findall((text or "").casefold())


class ColdCallKeyword(models.Model):
    """A keyword managers want to know was said on a call ("price", "demo", "call me later"): a
    finished transcript tags its call with every keyword one of whose phrases it contains."""

    _name = "cold.call.keyword"
    _description = "Call Keyword"
    _order = "sequence, name, id"

    name = fields.Char("Tag", required=True, translate=True)
    phrases = fields.Text(
        required=True,
        help="One phrase per line, in the language the transcription engine writes (e.g. 'price', 'how much'). "
        "Case and punctuation do not matter; a phrase matches whole words only.",
    )
    sequence = fields.Integer(default=10, help="The first matching keyword leads when several are said.")
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: used in every company.")

    @api.model
    def _found_in(self, text, company):
        """The active keywords of ``company`` (and of every company) said in ``text``."""
        said = tokens(text)
        if not said:
            return self.browse()
        keywords = self.search([("company_id", "in", [company.id, False])])
        return keywords.filtered(lambda keyword: keyword._said_in(said))

    def _said_in(self, said):
        self.ensure_one()
        for line in (self.phrases or "").splitlines():
            phrase = tokens(line)
            width = len(phrase)
            if phrase and any(said[i : i + width] == phrase for i in range(len(said) - width + 1)):
                return True
        return False
