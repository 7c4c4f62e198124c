# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deciding on Full User Requests (approvers, from the backend) and withdrawing them
(the portal user on /my, or an approver): locked, decided once only, the user told
by e-mail."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .const import DEFAULT_APPROVAL_VALIDITY, PARAM_APPROVAL_VALIDITY


class PortalInternalSwitchRequest(models.Model):
    _inherit = "portal.internal.switch.request"  # pylint: disable=consider-merging-classes-inherited

    def _udm_check_can_decide(self):
        """Raise unless the current user may decide on these requests now: an
        approver (AccessError), not on their own request (UserError)."""
        self._udm_check_approver()
        user = self.env.user
        requesters = self.sudo().user_id
        if user in requesters or user.partner_id in requesters.partner_id:
            raise UserError(_("You cannot decide on your own request."))

    def _udm_decide(self, state, refusal_reason=False):
        """Approve or refuse these pending requests (locked: decided once only), and
        tell the users by e-mail."""
        self._udm_check_can_decide()
        pending = self._udm_lock(["pending"])
        if pending != self:
            raise UserError(_("This request was already decided, or has expired."))
        now = fields.Datetime.now()
        values = {
            "state": state,
            "approver_id": self.env.user.id,
            "decision_date": now,
        }
        if state == "approved":
            validity = self._udm_param(
                PARAM_APPROVAL_VALIDITY, DEFAULT_APPROVAL_VALIDITY
            )
            values["expiry_date"] = now + timedelta(hours=validity or 1)
        else:
            values["refusal_reason"] = refusal_reason or False
        requests = pending.sudo()
        requests.write(values)
        requests.activity_unlink(["mail.mail_activity_data_todo"])
        requests._udm_tell_requester(
            f"user_dynamic_management.mail_template_request_{state}"
        )
        return requests

    def _udm_tell_requester(self, template_xmlid):
        """E-mail each user who asked about their request (approved, refused, no
        longer needed), in their language. Extension point."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for request in self.filtered(lambda request: request._udm_told_by_mail()):
            template.sudo().send_mail(
                request.id, email_layout_xmlid="mail.mail_notification_light"
            )

    def _udm_told_by_mail(self):
        """Whether the user of this request is told of its decision by e-mail.
        Extension point."""
        self.ensure_one()
        return True

    def action_approve(self):
        """Button "Approve": the user may switch once, before the approval expires."""
        self._udm_decide("approved")
        return True

    def action_refuse(self, refusal_reason=None):
        """Refuse, saying why (shown to the user). The buttons open the dialog of
        action_open_refuse_wizard, where the reason is required."""
        self._udm_decide("refused", refusal_reason=(refusal_reason or "").strip())
        return True

    def action_open_refuse_wizard(self):
        """Button "Refuse": ask the approver why, in a dialog."""
        self.ensure_one()
        self._udm_check_can_decide()
        if self.state != "pending":
            raise UserError(_("This request was already decided, or has expired."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Refuse the Full User Request"),
            "res_model": "portal.internal.switch.request.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def action_withdraw(self):
        """Button "Withdraw": an approval not used yet (or a request still waiting) can
        no longer be used to switch."""
        self._udm_check_approver(admins_too=True)
        self._udm_withdraw()
        return True

    @api.model
    def _udm_withdraw_own(self, user):
        """Withdraw the request, waiting or approved and not used yet, of the
        logged-in portal user `user` (UserError when there is none)."""
        requests = self.sudo().search(
            [
                ("user_id", "=", user.id),
                ("kind", "=", "switch"),
                ("state", "in", ("pending", "approved")),
            ]
        )
        if not requests:
            raise UserError(_("You have no request waiting or approved."))
        return requests._udm_withdraw()

    def _udm_withdraw(self):
        """Withdraw these requests, waiting or approved and not used yet. Locked like
        a switch that uses the approval: of the two, the second sees the first."""
        withdrawable = self._udm_lock(["pending", "approved"])
        if withdrawable != self:
            raise UserError(
                _(
                    "This request can no longer be withdrawn: it was used, refused or "
                    "has expired."
                )
            )
        requests = withdrawable.sudo()
        requests.write({"state": "withdrawn"})
        requests.activity_unlink(["mail.mail_activity_data_todo"])
        return requests
