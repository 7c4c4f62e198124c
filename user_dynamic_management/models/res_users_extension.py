# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .const import MANAGER_GROUP, UDM_POLICY_FIELDS

# minutes an "Extend" adds when neither the user nor the template sets a step
EXTENSION_STEP_DEFAULT = 30
# the extension settings, read with the rest of the policy (see _udm_fetch_policy)
EXTENSION_POLICY_FIELDS = ["udm_extension_step", "udm_max_extension"]


class ResUsers(models.Model):
    """The extension part of the switch policy: how many minutes a running switch
    with a maximum duration may be extended by, in all, and by how many at a time."""

    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    udm_extension_step = fields.Integer(
        string="Extend By",
        copy=False,
        groups=MANAGER_GROUP,
        help="Minutes each 'Extend' adds to a running switch (0: 30 minutes). On a "
        "template: its policy; on a user: overrides the template's when set.",
    )
    udm_max_extension = fields.Integer(
        string="Maximum Extension",
        copy=False,
        groups=MANAGER_GROUP,
        help="Minutes a switch with a maximum duration may be extended by, in all "
        "(0: no extension). On a template: its policy; on a user: overrides the "
        "template's when set.",
    )

    @api.constrains("udm_extension_step", "udm_max_extension")
    def _check_udm_extension(self):
        for user in self.sudo():
            if min(user.udm_extension_step, user.udm_max_extension) < 0:
                raise ValidationError(
                    _(
                        "The extension settings of %s cannot be negative.",
                        user.name,
                    )
                )

    def _udm_fetch_policy(self):
        # the extension settings in the same query as the rest of the policy (the
        # fetch of super() then finds everything cached)
        self.sudo().fetch(UDM_POLICY_FIELDS + EXTENSION_POLICY_FIELDS)
        return super()._udm_fetch_policy()

    def _udm_policy(self, template):
        """Adds "extension_step" (minutes each extension adds) and "max_extension"
        (minutes of extension in all per switch, 0: none): the user's values where
        set, else the template's."""
        policy = super()._udm_policy(template)
        user, template = self.sudo(), template.sudo()
        policy["extension_step"] = (
            user.udm_extension_step
            or template.udm_extension_step
            or EXTENSION_STEP_DEFAULT
        )
        policy["max_extension"] = user.udm_max_extension or template.udm_max_extension
        return policy
