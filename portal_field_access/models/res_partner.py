# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Same name, label and size as l10n_fr's field, so that both addons can be
    # installed together without depending on the accounting stack.
    siret = fields.Char(string="SIRET", size=14)
