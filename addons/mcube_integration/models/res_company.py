from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def write(self, vals):
        """The company's country may be the default country of MCUBE numbers, which is cached
        (mcube.phone.mixin._mcube_default_dialing)."""
        if "country_id" in vals:
            self.env.registry.clear_cache()
        return super().write(vals)
