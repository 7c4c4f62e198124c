# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Administrators' changes end a running switch: what a write of res_users.py checks
before and after (eligibility withdrawn, another template, a template that lost a
group, a password set or reset by someone else, Internal User given explicitly), and
the groups a switched user changed themselves."""

from odoo import api, models
from odoo.fields import Command

from odoo.addons.base.models.res_users import is_reified_group


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _udm_write_may_end(self, vals):
        """Whether a write with these values may end a running switch (cheap test on
        the keys, so that ordinary writes cost no query)."""
        watched = {
            "allow_portal_access_internal",
            "active",
            "switch_template_id",
            "password",
            "groups_id",
            "udm_allowed_until",
        }
        return bool(watched & vals.keys()) or any(is_reified_group(key) for key in vals)

    @api.model
    def _udm_withdrawal_snapshot(self):
        """{open switch: groups of its template} before a change that may withdraw what
        allowed the switch (see _udm_end_withdrawn_switches); empty when nobody is
        switched (one indexed query)."""
        switches = (
            self.env["portal.internal.switch"].sudo().search([("state", "=", "active")])
        )
        return {
            switch: switch.template_id._access_right_template_groups()
            if switch.template_id
            else self.env["res.groups"]
            for switch in switches
        }

    @api.model
    def _udm_end_withdrawn_switches(self, before):
        """End (reason `admin`) the open switches of `before` whose user is no longer
        allowed to switch (not eligible any more, "Allowed until" past) or whose
        template lost a group: a withdrawal takes effect at once, like unticking
        "Allow Portal Access Internal". A template that gains groups leaves running
        switches as they are (the next switch gets them)."""
        Switch = self.env["portal.internal.switch"].sudo()
        withdrawn = Switch.browse()
        for switch, template_groups in before.items():
            if switch.state != "active":
                continue
            user = switch.user_id.sudo()
            lost = switch.template_id and (
                template_groups - switch.template_id._access_right_template_groups()
            )
            if lost or not user._udm_is_eligible() or user._udm_allowed_until_passed():
                withdrawn |= switch
        if withdrawn:
            withdrawn._udm_revert("admin")
        return withdrawn

    def _udm_after_admin_write(self, vals, templates_before):
        """End the switch of these switched users when an administrator's write calls
        for it (reason `admin`). Extension point.

        - "Allow Portal Access Internal" unticked, user archived, another template, or a
          password set by someone else than the user: the user is switched back now;
        - the administrator gave the user Internal User explicitly (or a group implying
          it): the switch closes and the user stays internal;
        - the administrator made the user a portal user: the switch closes (the revert
          removes what the switch added and keeps the rest).
        """
        to_revert = self.browse()
        kept = self.browse()
        explicit_internal = self._udm_vals_link_internal(vals)
        for user in self:
            sudo_user = user.sudo()
            if (
                (
                    "allow_portal_access_internal" in vals
                    and not vals["allow_portal_access_internal"]
                )
                or ("active" in vals and not vals["active"])
                or (
                    "switch_template_id" in vals
                    and sudo_user.switch_template_id != templates_before.get(user.id)
                )
                or (vals.get("password") and self.env.uid != user.id)
            ):
                to_revert |= user
            elif explicit_internal and self.env.uid != user.id:
                kept |= user
            elif sudo_user.share and (
                "groups_id" in vals or any(is_reified_group(k) for k in vals)
            ):
                # the administrator made the user a portal user
                to_revert |= user
        Switch = self.env["portal.internal.switch"].sudo()
        if kept:
            Switch.search(
                [("user_id", "in", kept.ids), ("state", "=", "active")]
            )._udm_close_kept_internal()
        if to_revert:
            to_revert._udm_revert("admin")

    def _udm_vals_link_internal(self, vals):
        """Whether these values add Internal User explicitly (user type set to Internal
        User, or Command.link/set with it)."""
        group_user_id = self.env.ref("base.group_user").id
        commands = self._remove_reified_groups(dict(vals)).get("groups_id") or []
        for command in commands:
            if command[0] == Command.LINK and command[1] == group_user_id:
                return True
            if command[0] == Command.SET and group_user_id in command[2]:
                return True
        return False

    def _udm_track_own_group_changes(self, groups_before):
        """Groups a switched user changed themselves (e.g. the notification preference,
        whose inverse edits groups) belong to the switch: the revert undoes them too,
        unlike an administrator's changes."""
        Switch = self.env["portal.internal.switch"].sudo()
        for user in self:
            before = groups_before[user.id]
            after = user.sudo().groups_id
            if before == after:
                continue
            switch = Switch._udm_active_for_user(user.id)
            gained, lost = after - before, before - after
            commands = {
                "added_group_ids": [Command.link(g.id) for g in gained]
                + [Command.unlink(g.id) for g in lost & switch.added_group_ids],
                "removed_group_ids": [
                    Command.link(g.id) for g in lost - switch.added_group_ids
                ]
                + [Command.unlink(g.id) for g in gained & switch.removed_group_ids],
            }
            switch._udm_own().write(commands)

    def action_reset_password(self):
        # a password reset sent by someone else ends the user's switch: whoever gets
        # the new password must not inherit internal rights
        others = self.filtered(lambda user: user.id != self.env.uid)
        # sent by an internal user (an administrator), not requested anonymously from
        # the login page, which must not let anyone revert a switched user
        if others and self.env.user._is_internal():
            switched = others._udm_switched()
            if switched:
                switched._udm_revert("admin")
        return super().action_reset_password()
