# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _udm_identity_fields(self):
        """Fields of a contact that identify its user: whoever sets the e-mail of a
        user's contact receives that user's password reset. Extension point."""
        return {"name", "email", "firstname", "lastname"}

    def signup_get_auth_param(self):
        # a signup token handed to a switched user, even one prepared before the
        # switch, is voided at the revert: it would create an account bound to the
        # contact (see models/base.py for the tokens written while switched)
        params = super().signup_get_auth_param()
        handed = [
            pid for pid, values in params.items() if values.get("auth_signup_token")
        ]
        if handed:
            self.browse(handed)._udm_log_tokens(["signup_token"])
        return params

    def write(self, vals):
        if self._udm_identity_fields() & vals.keys():
            self._udm_check_identity_write()
        return super().write(vals)

    def _udm_check_identity_write(self):
        """Refuse a switched user's change of the identity of another user's contact.

        Why: Odoo protects internal users' contacts, not portal users'. A template as
        ordinary as Internal User + Contact Creation would let one customer, switched,
        set another customer's e-mail to their own and reset that account's password.
        Checked as sudo too: stock wizards (Grant portal access) write as sudo.
        """
        uid = self.env.uid
        if uid == SUPERUSER_ID or not self.ids:
            return
        Switch = self.env["portal.internal.switch"].sudo()
        if not Switch._udm_active_for_user(uid):
            return
        others = (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("partner_id", "in", self.ids), ("id", "!=", uid)], limit=1)
        )
        if others:
            raise AccessError(
                _(
                    "While switched to an internal user, you cannot change the name or "
                    "e-mail of another user's contact."
                )
            )
