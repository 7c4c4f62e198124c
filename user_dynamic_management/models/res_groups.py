# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResGroups(models.Model):
    _inherit = "res.groups"

    udm_may_switch = fields.Boolean(
        string="Members May Switch to Internal",
        help="Portal users in this group may switch to an internal user, as if "
        "'Allow Portal Access Internal' were ticked on them.",
    )

    def write(self, vals):
        # who may switch, or what a template grants, may change: running switches
        # that lost their ground end at once (see res.users._udm_end_withdrawn_switches)
        if not {"udm_may_switch", "users", "implied_ids"} & vals.keys():
            return super().write(vals)
        Users = self.env["res.users"]
        before = Users._udm_withdrawal_snapshot()
        res = super().write(vals)
        if before:
            Users._udm_end_withdrawn_switches(before)
        return res
