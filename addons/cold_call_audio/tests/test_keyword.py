from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestKeyword(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Keyword = cls.env["cold.call.keyword"]
        Keyword.search([]).active = False
        cls.other_company = cls.env["res.company"].create({"name": "Keyword Other Co"})
        cls.price = Keyword.create({"name": "Price", "phrases": "price\nHow much?"})
        cls.later = Keyword.create({"name": "Later", "phrases": "call me later"})
        cls.hindi = Keyword.create({"name": "Kitna", "phrases": "कितना है"})
        cls.theirs = Keyword.create({"name": "Theirs", "phrases": "warranty", "company_id": cls.other_company.id})

    def found(self, text, company=None):
        return self.env["cold.call.keyword"]._found_in(text, company or self.env.company)

    def test_phrases_match_whole_words_whatever_the_case_and_punctuation(self):
        self.assertEqual(self.found("OK... how MUCH, for the PRICE list?"), self.price)
        self.assertEqual(self.found("please call me later."), self.later)
        self.assertEqual(self.found("the prices went up"), self.env["cold.call.keyword"])
        self.assertEqual(self.found("call me\nlater"), self.later)
        self.assertFalse(self.found("call later me"))
        self.assertFalse(self.found(""))

    def test_phrases_in_other_scripts(self):
        self.assertEqual(self.found("यह कितना है भाई?"), self.hindi)
        self.assertFalse(self.found("कितनाहै"))

    def test_keywords_of_another_company_are_not_used(self):
        self.assertFalse(self.found("what about the warranty"))
        self.assertEqual(self.found("what about the warranty", self.other_company), self.theirs)

    def test_archived_keywords_are_not_used(self):
        self.price.active = False
        self.assertFalse(self.found("the price"))
