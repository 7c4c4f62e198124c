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
