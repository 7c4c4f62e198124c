# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The end of requests nobody used: unanswered requests and unused approvals expire
(a scheduled job); pending requests no longer needed are closed ("Require approval"
unticked, or the user's template or account says so)."""

from odoo import api, fields, models


class PortalInternalSwitchRequest(models.Model):
    _inherit = "portal.internal.switch.request"  # pylint: disable=consider-merging-classes-inherited

    def _udm_needs_approval(self):
        """Whether the user of this request still needs an approval to switch
        (their policy; True when no template applies: the request then waits)."""
        self.ensure_one()
        user = self.sudo().user_id
        template = user._access_right_template_effective()
        return not template or user._udm_policy(template)["approval"]

    @api.model
    def _udm_cancel_not_needed(self):
        """Close the pending requests of the users who no longer need an approval
        ("Require approval" unticked, or their template or account says so): they
        can switch straight away, and an e-mail tells them."""
        pending = self.sudo().search([("state", "=", "pending")])
        needless = pending.filtered(lambda request: not request._udm_needs_approval())
        if not needless:
            return needless
        requests = needless._udm_lock(["pending"]).sudo()
        requests.write({"state": "cancelled"})
        requests.activity_unlink(["mail.mail_activity_data_todo"])
        requests._udm_tell_requester(
            "user_dynamic_management.mail_template_request_cancelled"
        )
        return requests

    @api.model
    def _cron_expire_requests(self):
        """Unanswered requests and unused approvals expire; pending requests no
        longer needed are closed (see _udm_cancel_not_needed)."""
        self._udm_cancel_not_needed()
        expired = self.sudo().search(
            [
                ("state", "in", ("pending", "approved")),
                ("expiry_date", "<=", fields.Datetime.now()),
            ]
        )
        if expired:
            expired.write({"state": "expired"})
            expired.activity_unlink(["mail.mail_activity_data_todo"])
