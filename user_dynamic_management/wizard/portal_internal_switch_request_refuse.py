# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class PortalInternalSwitchRequestRefuse(models.TransientModel):
    """The dialog of the Refuse button: the approver says why (shown to the user)."""

    _name = "portal.internal.switch.request.refuse"
    _description = "Refuse a Full User Request"

    request_id = fields.Many2one(
        comodel_name="portal.internal.switch.request",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    refusal_reason = fields.Text(
        string="Reason",
        required=True,
        help="Shown to the user on their portal and in the e-mail telling them.",
    )

    def action_refuse(self):
        """Button "Refuse" of the dialog."""
        self.ensure_one()
        reason = (self.refusal_reason or "").strip()
        if not reason:
            raise UserError(_("Please say why the request is refused."))
        self.request_id.action_refuse(refusal_reason=reason)
        return {"type": "ir.actions.act_window_close"}
