# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class PortalWizardUser(models.TransientModel):
    """Grant portal access: a portal user switched to internal for a while is still a
    portal user, whose access can be revoked (which ends the switch first)."""

    _inherit = "portal.wizard.user"

    udm_switched = fields.Boolean(
        string="Switched to Internal",
        compute="_compute_group_details",
        help="A portal user working as an internal user for a while: revoking their "
        "portal access ends the switch first.",
    )

    @api.depends("user_id", "user_id.groups_id")
    def _compute_group_details(self):
        res = super()._compute_group_details()
        switched = self.user_id.sudo()._udm_switched()
        for wizard_user in self:
            wizard_user.udm_switched = wizard_user.user_id in switched
            if wizard_user.udm_switched:
                wizard_user.is_internal = False
                wizard_user.is_portal = True
        return res

    def action_revoke_access(self):
        # the switch ends first (reason "admin"): Odoo then sees a portal user
        if self.udm_switched:
            self.user_id.sudo()._udm_revert("admin")
            self.env.invalidate_all()
        return super().action_revoke_access()
