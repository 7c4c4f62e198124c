# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fairness: limits per user and per template, on top of the global quota and seats.

One portal user must not fill the quota for everyone by switching back and forth,
nor hold the seats of a template. All limits are optional (0: none), set on the
template (its policy) or on the user (overriding the template's), and checked at the
switch under the same lock as the quota and the seats, so two workers cannot both
let a user past a limit.
"""

from datetime import timedelta

from odoo import _, api, models

from .portal_internal_switch import UdmLimitReached


class PortalInternalSwitch(models.Model):
    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _udm_check_seats(self, now, user):
        res = super()._udm_check_seats(now, user)
        template = user._access_right_template_effective()
        policy = user._udm_fairness_policy(template)
        self._udm_check_daily_limit(now, user, policy["daily_limit"])
        self._udm_check_cooldown(now, user, policy["cooldown"])
        self._udm_check_template_seats(now, user, template)
        return res

    @api.model
    def _udm_is_limited(self, user=None):
        """The seats of the user's template are shared with its other users too."""
        if super()._udm_is_limited(user):
            return True
        template = user and user._access_right_template_effective()
        return bool(template and template.sudo().udm_template_seats)

    @api.model
    def _udm_check_daily_limit(self, now, user, daily_limit):
        """At most `daily_limit` switches per user per day (0: no limit)."""
        if not daily_limit:
            return
        day_start = self._udm_day_start(now)
        count = self.sudo().search_count(
            [("user_id", "=", user.id), ("start_date", ">=", day_start)]
        )
        if count < daily_limit:
            return
        tomorrow = day_start + timedelta(days=1)
        error = UdmLimitReached(
            _(
                "You have switched %(count)s times today, the most allowed per day. "
                "You can switch again from %(time)s.",
                count=count,
                time=self._udm_format_clock(tomorrow, user),
            )
        )
        error.udm_free_at = tomorrow
        raise error

    @api.model
    def _udm_check_cooldown(self, now, user, cooldown):
        """At least `cooldown` minutes between the end of a switch and the next one
        (0: none)."""
        if not cooldown:
            return
        last = self.sudo().search(
            [("user_id", "=", user.id), ("state", "=", "reverted")],
            order="end_date desc",
            limit=1,
        )
        if not last.end_date:
            return
        free_at = last.end_date + timedelta(minutes=cooldown)
        if free_at <= now:
            return
        error = UdmLimitReached(
            _(
                "Your last switch ended less than %(cooldown)s min ago. You can "
                "switch again in %(delay)s (at %(time)s).",
                cooldown=cooldown,
                delay=self._udm_format_delay(free_at - now),
                time=self._udm_format_clock(free_at, user),
            )
        )
        error.udm_free_at = free_at
        raise error

    @api.model
    def _udm_check_template_seats(self, now, user, template):
        """At most the template's seats of users internal at once with it (0: no
        limit); says when one is expected to free up."""
        seats = template.sudo().udm_template_seats
        if not seats:
            return
        domain = [("state", "=", "active"), ("template_id", "=", template.id)]
        in_use = self.sudo().search(domain)
        if len(in_use) < seats:
            return
        deadlines = [
            moment
            for switch in in_use
            for moment in (switch.deadline, switch.end_deadline)
            if moment
        ]
        free_at = min(deadlines, default=None)
        error = UdmLimitReached(
            self._udm_template_seats_message(template, seats, free_at, now, user)
        )
        error.udm_free_at = free_at
        raise error

    @api.model
    def _udm_template_seats_message(self, template, seats, free_at, now, user):
        """The refusal when the `seats` of `template` are taken: when one is expected
        to free up (`free_at`, the earliest deadline of its open switches, in
        `user`'s timezone), or, with no deadline set, that one frees up at a switch
        back."""
        values = {"template": template.sudo().name, "seats": seats}
        if free_at:
            values.update(
                delay=self._udm_format_delay(max(free_at - now, timedelta())),
                time=self._udm_format_clock(free_at, user),
            )
            if seats == 1:
                return _(
                    "The only seat of %(template)s is taken. It is expected to free "
                    "up in %(delay)s (at %(time)s).",
                    **values,
                )
            return _(
                "All %(seats)s seats of %(template)s are taken. One is expected "
                "to free up in %(delay)s (at %(time)s).",
                **values,
            )
        if seats == 1:
            return _(
                "The only seat of %(template)s is taken. It frees up when its user "
                "switches back to portal.",
                **values,
            )
        return _(
            "All %(seats)s seats of %(template)s are taken. One frees up when one "
            "of its users switches back to portal.",
            **values,
        )
