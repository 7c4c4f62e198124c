# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields
from odoo.exceptions import UserError
from odoo.http import request

from ..models.portal_internal_switch import UdmLimitReached, _epoch_ms

# the durations offered on the card (minutes), up to the policy's maximum
DURATION_STEPS = (15, 30, 60, 120, 240, 480)


class UdmSwitchCard:
    """The "Switch to Internal User" card on /my: what it tells the user before a
    switch (template, apps, policy, quota, seats, switch windows, durations) and
    while switched (time left, the way back). Whole sentences, so that every language
    can order its words. Mixed into the portal controller (controllers/portal.py).
    """

    def _udm_card_values(self, user):
        """What the card on /my tells `user` (sudo): before a switch the idle time, the
        template and the quota; while switched the way back to the backend and the time
        left. Whole sentences, so that every language can order its words. False when
        there is no card to show.
        """
        Switch = request.env["portal.internal.switch"].sudo()
        now = fields.Datetime.now()
        switch = Switch._udm_active_for_user(user.id)
        if switch and not user.share:
            return self._udm_card_switched(switch, user, now)
        if not user.share or not user._udm_can_switch():
            return False
        template = user._access_right_template_effective()
        policy = user._udm_policy(template) if template else {}
        max_duration = policy.get("max_duration", 0)
        quota, next_at = self._udm_card_quota(Switch, user, now)
        window = template and self._udm_card_window(user, now)
        opens_at = window and window["opens_at"]
        # the card's script enables the button at wait_until, on the server's clock
        wait_until = max(filter(None, (next_at, opens_at)), default=None)
        return {
            "state": "portal",
            **self._udm_card_policy_texts(template, policy),
            "durations": self._udm_card_durations(max_duration),
            "apps": self._udm_card_apps(template),
            "quota": quota,
            "quota_full": bool(next_at),
            "quota_next_at": _epoch_ms(next_at),
            "window": window,
            "wait_until": _epoch_ms(wait_until),
            "server_now": _epoch_ms(now),
            "quota_free": _("You can switch now."),
            "seats": self._udm_card_seats(Switch, user, now),
        }

    @staticmethod
    def _udm_card_policy_texts(template, policy):
        """The card's sentences on the template and the policy: "intro", "revert"
        (when the switch ends) and "max_duration" (False without a maximum)."""
        idle = policy.get("idle", 0)
        max_duration = policy.get("max_duration", 0)
        return {
            "intro": _(
                "Work in the backend with internal user rights "
                "(template %(template)s).",
                template=template.name,
            )
            if template
            else _("Work in the backend with internal user rights."),
            "revert": _(
                "You are switched back to a portal user when you log out or after "
                "%(minutes)s min without activity.",
                minutes=idle,
            )
            if idle
            else _("You are switched back to a portal user when you log out."),
            "max_duration": max_duration
            and _(
                "Internal access lasts %(minutes)s min at most.",
                minutes=max_duration,
            ),
        }

    @staticmethod
    def _udm_card_quota(Switch, user, now):
        """The card's quota line and when a full quota frees (None: not full)."""
        max_switches, time_limit = Switch._udm_quota_settings()
        next_at = Switch._udm_quota_next_at(now)
        if next_at:
            quota = _(
                "Too many users switched recently: next switch possible at %(time)s.",
                time=Switch._udm_format_clock(next_at, user),
            )
        elif max_switches and time_limit:
            quota = _(
                "At most %(max)s users may switch every %(minutes)s minutes.",
                max=max_switches,
                minutes=time_limit,
            )
        else:
            quota = False
        return quota, next_at

    @staticmethod
    def _udm_card_window(user, now):
        """The card's word on the switch windows of the user's template, as
        {"text", "closed", "opens_at"}: outside them, "Internal access with X is open
        at set times only. The next window opens at Mon 08:00." (closed, and when the
        next one opens); inside one, "You can switch until 18:00, the end of this
        switch window."; False without windows or with a planned access now."""
        template = user._access_right_template_effective().sudo()
        windows = template.udm_window_ids
        Grant = request.env["portal.internal.switch.grant"].sudo()
        if not windows or Grant._udm_current(user, now):
            return False
        try:
            user._udm_check_window(now)
        except UserError as closed:
            opens_at = windows._udm_next_start(now)
            return {"text": closed.args[0], "closed": True, "opens_at": opens_at}
        Switch = request.env["portal.internal.switch"]
        text = _(
            "You can switch until %(time)s, the end of this switch window.",
            time=Switch._udm_format_clock(windows._udm_current_end(now), user),
        )
        return {"text": text, "closed": False, "opens_at": None}

    def _udm_card_durations(self, max_duration):
        """The durations the card offers (minutes, "0": no limit), as [{"value",
        "label", "selected"}]: the steps up to the policy's maximum `max_duration`,
        which is the default; with no maximum, every step and "No limit" (the
        default)."""
        if max_duration:
            choices = [step for step in DURATION_STEPS if step < max_duration]
            choices.append(max_duration)
        else:
            choices = [*DURATION_STEPS, 0]
        return [
            {
                # a string: QWeb leaves out an attribute whose value is 0
                "value": str(minutes),
                "label": self._udm_duration_label(minutes),
                "selected": minutes == choices[-1],
            }
            for minutes in choices
        ]

    @staticmethod
    def _udm_duration_label(minutes):
        """ "15 min", "1 h", "1 h 30 min"; "No limit" for 0."""
        if not minutes:
            return _("No limit")
        hours, minutes = divmod(minutes, 60)
        if not hours:
            return _("%(minutes)s min", minutes=minutes)
        if not minutes:
            return _("%(hours)s h", hours=hours)
        return _("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)

    def _udm_card_apps(self, template):
        """The card's preview of the apps `template` opens ("With template X you
        will use: Discuss, Contacts."), or False."""
        names = self._udm_template_apps(template) if template else []
        return bool(names) and _(
            "With template %(template)s you will use: %(apps)s.",
            template=template.name,
            apps=", ".join(names),
        )

    def _udm_template_apps(self, template):
        """Names of the apps (root menus with an icon) that the groups of `template`
        open, in the reader's language. Computed in sudo once per request and
        template."""
        cache = getattr(request, "udm_template_apps", None)
        if cache is None:
            cache = request.udm_template_apps = {}
        if template.id not in cache:
            cache[template.id] = self._udm_compute_template_apps(template.sudo())
        return cache[template.id]

    @staticmethod
    def _udm_compute_template_apps(template):
        """See _udm_template_apps: the apps of the home menu of a user with exactly
        the template's groups, outside debug mode, as Odoo decides it (a menu's
        groups, and read access to the model of its action: an app is listed when
        one of its menus opens something, never for its folders alone)."""
        Menu = template.env["ir.ui.menu"].with_user(template)
        visible = Menu._visible_menu_ids(debug=False)
        return (
            Menu.sudo()
            .with_context(**{"ir.ui.menu.full_list": True})
            .search(
                [
                    ("id", "in", list(visible)),
                    ("parent_id", "=", False),
                    ("web_icon", "!=", False),
                ]
            )
            .mapped("name")
        )

    @staticmethod
    def _udm_card_seats(Switch, user, now):
        """The card's warning when every seat is taken (a switch now would be
        refused), with when one should free up; False otherwise."""
        try:
            Switch._udm_check_seats(now, user)
        except UdmLimitReached as full:
            free_at = getattr(full, "udm_free_at", None)
            time = free_at and Switch._udm_format_clock(free_at, user)
            if Switch._udm_max_seats() == 1:
                if time:
                    return _(
                        "The only seat is taken; it should free up at about %(time)s.",
                        time=time,
                    )
                return _(
                    "The only seat is taken; it frees up when its user switches back "
                    "to portal."
                )
            if time:
                return _(
                    "All seats are taken; one should free up at about %(time)s.",
                    time=time,
                )
            return _(
                "All seats are taken; one frees up when a user switches back to portal."
            )
        return False

    def _udm_card_switched(self, switch, user, now):
        """The card of a user switched to internal: the time left, the way back."""
        Switch = switch.browse()
        end = switch.end_deadline
        return {
            "state": "switched",
            "intro": _(
                "You are working as an internal user (template %(template)s).",
                template=switch.template_id.name,
            )
            if switch.template_id
            else _("You are working as an internal user."),
            "time_left": _(
                "Idle time left: %(left)s (until %(time)s, longer as long as you work "
                "in the backend).",
                left=Switch._udm_format_delay(switch.deadline - now),
                time=Switch._udm_format_clock(switch.deadline, user),
            )
            if switch.deadline
            else _("You are not switched back when idle: log out to switch back."),
            "end": end
            and _(
                "Internal access ends at %(time)s at the latest.",
                time=Switch._udm_format_clock(end, user),
            ),
        }
