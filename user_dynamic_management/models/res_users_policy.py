# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The switch policy of a user (their template's, with the user's own values where
set) and what a switch of theirs gets: the groups, the deadlines, the end of its
window or planned access."""

from datetime import timedelta

from odoo import models
from odoo.fields import Command

from .const import UDM_POLICY_FIELDS


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    def _udm_fetch_policy(self):
        """Read the switch settings of these users in one query (none if cached).

        Why: they are admin-only fields (groups=), which Odoo does not prefetch
        together, so each would cost a query of its own; and the caches are cold after
        every switch or revert of anyone (group changes clear them in every worker).
        """
        self.sudo().fetch(UDM_POLICY_FIELDS)

    def _udm_policy(self, template):
        """The switch policy of this user: the template's, with the user's own values
        where set. Returns {"idle": minutes or 0, "max_duration": minutes or 0}.
        Extension point."""
        self.ensure_one()
        user, template = self.sudo(), template.sudo()
        (user | template)._udm_fetch_policy()
        if user.enable_idle_time:
            idle = user.idle_time
        elif template.enable_idle_time:
            idle = template.idle_time
        else:
            idle = 0
        approval = user.udm_approval
        if approval == "default":
            approval = template.udm_approval
        if approval == "default":
            Request = self.env["portal.internal.switch.request"]
            approval = "required" if Request._udm_approval_required() else "no"
        return {
            "idle": idle,
            "max_duration": user.udm_max_duration or template.udm_max_duration,
            "approval": approval == "required",
        }

    def _udm_fairness_policy(self, template):
        """This user's fairness limits: the template's, with the user's own where set.
        Returns {"daily_limit": switches or 0, "cooldown": minutes or 0}."""
        self.ensure_one()
        user, template = self.sudo(), template.sudo()
        return {
            "daily_limit": user.udm_daily_limit or template.udm_daily_limit,
            "cooldown": user.udm_cooldown or template.udm_cooldown,
        }

    def _udm_access_ends(self, template, now):
        """When a switch opened at `now` must end at the latest because of its window
        or planned access (a UTC datetime), or None."""
        self.ensure_one()
        grant = self.env["portal.internal.switch.grant"]._udm_current(self, now)
        if grant:
            return grant.date_end
        return template.sudo().udm_window_ids._udm_current_end(now)

    def _udm_internal_groups(self, template):
        """Groups the user gets while switched: their own groups minus the portal/public
        user types, plus the template's groups (implied included) and Internal User.
        """
        self.ensure_one()
        current = self.sudo().groups_id
        user_types = self.env.ref("base.group_portal") | self.env.ref(
            "base.group_public"
        )
        return (
            (current - user_types)
            | template._access_right_template_groups()
            | self.env.ref("base.group_user")
        )

    def _udm_switch_values(self, template, snapshot, now, ip_address, user_agent):
        """Values of the switch record opened by a switch. Extension point."""
        self.ensure_one()
        policy = self._udm_policy(template)
        idle, max_duration = policy["idle"], policy["max_duration"]
        # a window or a planned access ends the switch at its own end at the latest
        access_ends = self._udm_access_ends(template, now)
        if access_ends:
            minutes_left = max(1, int((access_ends - now).total_seconds() // 60))
            if not max_duration or minutes_left < max_duration:
                max_duration = minutes_left
        return {
            "user_id": self.id,
            "user_name": self.name,
            "user_login": self.login,
            "credential_marks": self.env["portal.internal.switch"]._udm_marks(),
            "template_id": template.id,
            "start_date": now,
            "last_activity": now,
            "idle_time": idle,
            "deadline": now + timedelta(minutes=idle) if idle else False,
            "max_duration": max_duration,
            "end_deadline": (
                now + timedelta(minutes=max_duration) if max_duration else False
            ),
            "group_ids": [Command.set(snapshot.ids)],
            "ip_address": (ip_address or "")[:64] or False,
            "user_agent": (user_agent or "")[:512] or False,
        }
