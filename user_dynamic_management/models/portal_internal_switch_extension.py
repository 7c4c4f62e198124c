# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# max_duration is a PostgreSQL integer
MAX_MINUTES = 2**31 - 1


class PortalInternalSwitch(models.Model):
    """A running switch with a maximum duration extended by its user ("Extend by 30
    minutes" in the backend), within the extension the policy allows in all
    (res.users udm_max_extension and udm_extension_step). The idle deadline, switch
    windows and planned access still apply: an extension never goes past the end of
    the window or planned access the switch runs in.
    """

    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    extended_minutes = fields.Integer(
        string="Extended By",
        readonly=True,
        help="Minutes the user added to the maximum duration by extending the switch "
        "(included in the maximum duration).",
    )

    def _udm_status(self):
        """Adds "extension_minutes" (what "Extend" adds now, 0: not offered),
        "extension_approval" (true: "Extend" asks the approvers for them) and
        "extension_note" (why a policy with extensions offers none now, else "")."""
        status = super()._udm_status()
        if self and self.state == "active":
            offer = self._udm_extension_offer(fields.Datetime.now())
            status["extension_minutes"] = offer["minutes"]
            status["extension_approval"] = offer["kind"] == "approval"
            status["extension_note"] = (
                offer["reason"] if offer["kind"] in ("used", "access_end") else ""
            )
        return status

    def _udm_extension_offer(self, now, approved=False):
        """What extending this open switch at `now` would do (`approved`: an approver
        grants it, the policy's approval is not asked again). Extension point.

        Returns a dict: `minutes` added, `kind` of refusal (False, `no_end`, `none`,
        `approval`, `used`, `access_end`) and `reason`, a sentence for the user (""
        when not refused). Refused, `minutes` is 0, except for `approval`: then it
        is what the approvers would be asked for.
        """
        self.ensure_one()
        user = self.user_id.sudo()
        if not self.end_deadline or not user:
            return self._udm_no_extension("no_end", now)
        policy = user._udm_policy(self.template_id)
        if not policy["max_extension"]:
            return self._udm_no_extension("none", now)
        needs_approval = (
            policy["approval"]
            and not approved
            and not user._udm_has_planned_access(now)
        )
        left = policy["max_extension"] - self.extended_minutes
        if left <= 0:
            return self._udm_no_extension("used", now)
        minutes, access_ends = self._udm_extension_room(
            now, min(policy["extension_step"], left)
        )
        if minutes <= 0:
            return self._udm_no_extension("access_end", now, access_ends)
        if needs_approval:
            # what an approver would be asked for
            return {
                "minutes": minutes,
                "kind": "approval",
                "reason": _("An approver must extend your access: ask them."),
            }
        return {"minutes": minutes, "kind": False, "reason": ""}

    def _udm_no_extension(self, kind, now, access_ends=None):
        """The extension offer of this switch refused at `now` (see
        _udm_extension_offer): nothing added, the `kind` of refusal and its reason, a
        sentence for the user (`access_ends`: the end an `access_end` refusal names,
        else `now`)."""
        if kind == "no_end":
            reason = _(
                "Your internal access has no end time: there is nothing to extend."
            )
        elif kind == "none":
            reason = _("Your internal access cannot be extended.")
        elif kind == "used":
            reason = _(
                "No extension left: your internal access was already extended by "
                "%(minutes)s min, the most allowed.",
                minutes=self.extended_minutes,
            )
        else:
            reason = _(
                "Your internal access cannot go past %(time)s, the end of its switch "
                "window or planned access.",
                time=self._udm_format_clock(access_ends or now, self.user_id.sudo()),
            )
        return {"minutes": 0, "kind": kind, "reason": reason}

    def _udm_extension_room(self, now, wanted):
        """(the minutes, at most `wanted`, an extension of this switch may add at
        `now`: within the PostgreSQL integer of max_duration and the end of its window
        or planned access; that end, or None; see _udm_extension_access_ends)."""
        minutes = min(wanted, MAX_MINUTES - self.max_duration)
        access_ends = self._udm_extension_access_ends(now)
        if access_ends:
            room = int((access_ends - self.end_deadline).total_seconds() // 60)
            minutes = min(minutes, room)
        return minutes, access_ends

    def _udm_extension_access_ends(self, now):
        """When this switch must end at the latest whatever its extensions: the end
        of the planned access covering `now`, else of the template's window open now
        (`now` when the template has windows and none is open), else None."""
        self.ensure_one()
        user = self.user_id.sudo()
        grant = self.env["portal.internal.switch.grant"]._udm_current(user, now)
        if grant:
            return grant.date_end
        windows = self.template_id.sudo().udm_window_ids
        if not windows:
            return None
        return windows._udm_current_end(now) or now

    @api.model
    def _udm_extend(self, uid):
        """Extend the open switch of `uid` (the logged-in user: callers never take it
        from the request) by the policy's step, within its maximum extension; return
        the minutes added.

        The switch is locked like every other write of it (a concurrent revert,
        heartbeat or extension makes PostgreSQL raise 40001, the request is replayed).
        Raises UserError, having changed nothing, when refused: the message says why
        and when the access ends.
        """
        now = fields.Datetime.now()
        switch = self._udm_active_for_user(uid)._udm_lock_open()
        if not switch._udm_running_at(now):
            raise UserError(_("You have no internal access to extend."))
        offer = switch._udm_extension_offer(now)
        if offer["kind"]:
            raise UserError(switch._udm_extension_refusal(offer["reason"], now))
        return switch._udm_apply_extension(offer["minutes"])

    def _udm_running_at(self, now):
        """Whether this (locked) switch is open and none of its deadlines has passed
        at `now`: past one, not reverted yet, the revert is due, not an extension."""
        deadlines = [d for d in (self.deadline, self.end_deadline) if d]
        return bool(self) and not (deadlines and min(deadlines) <= now)

    def _udm_apply_extension(self, minutes):
        """Extend this open, locked switch by `minutes` (checked by the caller): the
        new end, the revert job at the first deadline, the audit note; return
        `minutes`."""
        end = self.end_deadline + timedelta(minutes=minutes)
        self._udm_own().write(
            {
                "end_deadline": end,
                "max_duration": self.max_duration + minutes,
                "extended_minutes": self.extended_minutes + minutes,
            }
        )
        # the revert job was scheduled at the former end: now at the first deadline
        first_deadline = min(d for d in (self.deadline, end) if d)
        self._udm_trigger_revert_job(at=first_deadline)
        self._udm_notify_extended(minutes)
        return minutes

    def _udm_extension_refusal(self, reason, now):
        """The refusal of an extension: `reason`, then when the access ends."""
        self.ensure_one()
        if not self.end_deadline:
            return reason
        ends = _(
            "It ends at %(time)s (%(left)s left).",
            time=self._udm_format_clock(self.end_deadline, self.user_id),
            left=self._udm_format_delay(self.end_deadline - now),
        )
        return f"{reason} {ends}"

    def _udm_notify_extended(self, minutes):
        """Audit note on the user's partner and a log line. Extension point."""
        self.ensure_one()
        user = self.user_id.sudo()
        user.partner_id._message_log(
            body=Markup("<p>%s</p>")
            % _(
                "Internal access extended by %(minutes)s min (%(total)s min in all): "
                "it ends at %(time)s (%(tz)s).",
                minutes=minutes,
                total=self.extended_minutes,
                time=self._udm_format_clock(self.end_deadline, user),
                tz=user.tz or "UTC",
            )
        )
        _logger.info(
            "User %s (#%s) extended their switch by %s min (%s min in all)",
            self.user_login,
            user.id,
            minutes,
            self.extended_minutes,
        )
