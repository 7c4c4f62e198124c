# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    # Not in SELF_READABLE_FIELDS/SELF_WRITEABLE_FIELDS: a portal user must not
    # be able to put themselves into a group.
    portal_access_group_ids = fields.Many2many(
        comodel_name="portal.access.group",
        relation="portal_access_group_res_users_rel",
        column1="user_id",
        column2="group_id",
        string="Portal Access Groups",
        groups="base.group_erp_manager",
        help="Groups listing this portal user. Groups that apply to all portal "
        "users also give their rights without being listed here.",
    )

    def write(self, vals):
        res = super().write(vals)
        if "portal_access_group_ids" in vals:
            # rights are cached per user (portal.access.group)
            self.env.registry.clear_cache()
        return res

    def _portal_field_access(self):
        """Return ``{field_key: 'read' | 'write'}`` for this user on My Account."""
        self.ensure_one()
        return self.env["portal.access.group"]._get_field_access(self)
