# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


class PortalInternalSwitchRevert(models.TransientModel):
    """The confirmation of "Revert now" and "Revert and log out": it names the user
    about to be switched back, and what they lose."""

    _name = "portal.internal.switch.revert"
    _description = "Confirm switching a user back to portal"

    switch_id = fields.Many2one(
        comodel_name="portal.internal.switch",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    log_out = fields.Boolean(
        readonly=True, help="Also end every session of the user, on every device."
    )
    message = fields.Text(compute="_compute_message")

    @api.depends("switch_id", "log_out")
    def _compute_message(self):
        for wizard in self:
            name = wizard.switch_id.user_name
            if wizard.log_out:
                wizard.message = _(
                    "Switch %s back to a portal user and end all their sessions, on "
                    "every device? Their unsaved work in the backend is lost.",
                    name,
                )
            else:
                wizard.message = _(
                    "Switch %s back to a portal user now? Their unsaved work in the "
                    "backend is lost.",
                    name,
                )

    @api.model
    def _udm_open(self, switch, log_out=False):
        """The dialog, for this switch (the caller checked who may revert)."""
        wizard = self.create({"switch_id": switch.id, "log_out": log_out})
        return {
            "type": "ir.actions.act_window",
            "name": _("Revert and log out") if log_out else _("Revert now"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_confirm(self):
        """Button of the dialog: the revert itself, with its notification."""
        self.ensure_one()
        if self.log_out:
            return self.switch_id.user_id.action_udm_revert_logout()
        return self.switch_id.action_revert_now()
