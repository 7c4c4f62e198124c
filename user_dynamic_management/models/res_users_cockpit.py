# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The buttons of the user form about switches: the switches of the user, "Revert
now", "Revert and log out" (which bumps the session epoch, res_users_session.py)."""

from odoo import _, models
from odoo.exceptions import AccessError, UserError

from .const import MANAGER_GROUP, OWN_WRITE_CONTEXT


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    def action_udm_view_switches(self):
        """Smart button: this user's switches."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "user_dynamic_management.action_portal_internal_switch"
        )
        action["domain"] = [("user_id", "=", self.id)]
        action["context"] = {"search_default_group_state": 1}
        return action

    def _udm_admin_active_switch(self):
        """The open switch of this user, for an Access Rights administrator's button."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only Access Rights administrators can revert a switch.")
            )
        return self.env["portal.internal.switch"].sudo()._udm_active_for_user(self.id)

    def action_udm_confirm_revert(self, log_out=False):
        """Button "Revert now" of the user form: a dialog names the user first."""
        switch = self._udm_admin_active_switch()
        if not switch:
            raise UserError(_("%s is no longer switched to internal.", self.name))
        return switch.with_env(self.env).action_confirm_revert(log_out=log_out)

    def action_udm_confirm_revert_logout(self):
        """Button "Revert and log out" of the user form: a dialog names the user and
        says that every session ends."""
        return self.action_udm_confirm_revert(log_out=True)

    def action_udm_revert_now(self):
        """Button "Revert now" of the user form."""
        switch = self._udm_admin_active_switch()
        return switch.with_env(self.env).action_revert_now()

    def action_udm_revert_logout(self):
        """Button "Revert and log out": revert, and end every session of the user in
        every worker (the session token changes with udm_session_epoch)."""
        switch = self._udm_admin_active_switch()
        reverted = switch._udm_revert("admin")
        user = self.sudo()
        user.with_context(**OWN_WRITE_CONTEXT).write(
            {"udm_session_epoch": user.udm_session_epoch + 1}
        )
        # the token is computed in SQL
        user.flush_recordset(["udm_session_epoch"])
        # the token is cached per session id: every worker must recompute it
        self.env.registry.clear_cache()
        return self.env["portal.internal.switch"]._udm_notification(
            _(
                "%s switched back to a portal user and logged out of every session.",
                user.name,
            )
            if reverted
            else _("%s logged out of every session.", user.name),
        )
