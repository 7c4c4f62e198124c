# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Same name, label and size as l10n_fr's field, so that both addons can be
    # installed together without depending on the accounting stack.
    siret = fields.Char(string="SIRET", size=14)

    def write(self, vals):
        # a portal user writing their own contact (if some addon lets them)
        # obeys the same rights as on their user (res.users._pfa_guard_own_write)
        Users = self.env["res.users"]
        vals, changes = Users._pfa_guard_own_write(self, vals)
        res = super().write(vals)
        self.env.user._pfa_log_changes(changes)
        return res
