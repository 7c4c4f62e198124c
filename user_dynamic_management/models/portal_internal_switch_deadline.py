# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Activity and deadlines: the idle deadline moved by real activity, what is due,
the status the countdown shows."""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from .const import ACTIVITY_WRITE_INTERVAL, REQUEST_CHECK_INTERVAL
from .switch_time import _due_reason, _epoch_ms

_logger = logging.getLogger(__name__)


class PortalInternalSwitch(models.Model):
    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Activity and idle deadline
    # ------------------------------------------------------------------

    @api.model
    def _udm_active_for_user(self, uid):
        """The open switch of this user (one indexed query), or an empty recordset."""
        return self.sudo().search(
            [("user_id", "=", uid), ("state", "=", "active")], limit=1
        )

    @api.model
    def _udm_register_activity(self, uid):
        """Record real backend activity of `uid`: last activity and deadline move on.

        Written at most once per `_udm_activity_interval` (a third of the idle time,
        at most ACTIVITY_WRITE_INTERVAL seconds) per user, in one UPDATE whose WHERE
        clause does the throttling, so concurrent tabs never write twice.
        """
        now = fields.Datetime.now()
        self.flush_model(["last_activity", "deadline", "state"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE portal_internal_switch
                   SET last_activity = %(now)s,
                       deadline = CASE WHEN idle_time > 0
                                  THEN %(now)s + idle_time * interval '1 minute' END
                 WHERE user_id = %(uid)s AND state = 'active'
                   AND (last_activity IS NULL
                        OR last_activity <= %(now)s
                           - (CASE WHEN idle_time > 0
                                   THEN LEAST(%(interval)s, idle_time * 60 / 3)
                                   ELSE %(interval)s END - 1) * interval '1 second')
                """,
                now=now,
                uid=uid,
                interval=ACTIVITY_WRITE_INTERVAL,
            ),
            log_exceptions=False,  # two tabs at once: 40001, retried by the request
        )
        if self.env.cr.rowcount:
            self.invalidate_model(["last_activity", "deadline"])
        return bool(self.env.cr.rowcount)

    @api.model
    def _udm_enforce_deadline(self, uid):
        """Revert `uid` if a deadline has passed. True when reverted."""
        return self._udm_check_deadline(uid)["reverted"]

    @api.model
    def _udm_is_due(self, uid):
        """Whether `uid` has an open switch past a deadline (read only)."""
        return bool(self._udm_due_info(uid)["due"])

    @api.model
    def _udm_due_info(self, uid):
        """Is this user due, and when to look again (one indexed SELECT, no write).

        Returns a dict: `switch_id` (the open switch or False), `due` (False, or the
        revert reason: `idle` or `expired`, whichever deadline came first) and
        `next_check` (until then no check is needed: a deadline only ever moves later,
        and a switch opened after this check ends a minute away at the earliest).
        """
        now = fields.Datetime.now()
        next_check = now + timedelta(seconds=REQUEST_CHECK_INTERVAL)
        self.flush_model(["state", "deadline", "end_deadline"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id, deadline, end_deadline FROM portal_internal_switch
                 WHERE user_id = %s AND state = 'active'
                """,
                uid,
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return {"switch_id": False, "due": False, "next_check": next_check}
        switch_id, deadline, end_deadline = row
        due = _due_reason(deadline, end_deadline, now)
        for moment in (deadline, end_deadline):
            if moment and moment > now:
                next_check = min(next_check, moment)
        return {"switch_id": switch_id, "due": due, "next_check": next_check}

    @api.model
    def _udm_check_deadline(self, uid):
        """Revert `uid` if due. Returns a dict: `reverted`, `next_check` (see
        _udm_due_info) and `switched` (still switched after this call)."""
        info = self._udm_due_info(uid)
        if not info["due"]:
            return {
                "reverted": False,
                "next_check": info["next_check"],
                "switched": bool(info["switch_id"]),
            }
        now = fields.Datetime.now()
        reverted = (
            self.sudo().browse(info["switch_id"])._udm_revert(info["due"], due_at=now)
        )
        return {
            "reverted": bool(reverted),
            "next_check": now + timedelta(seconds=REQUEST_CHECK_INTERVAL),
            "switched": not reverted,
        }

    def _udm_status_line(self):
        """ "Internal since 10:40, idle deadline 11:05, ends 11:40" (the reader's
        timezone)."""
        self.ensure_one()
        user = self.env.user
        parts = [_("Internal since %s", self._udm_format_clock(self.start_date, user))]
        if self.deadline:
            parts.append(
                _("idle deadline %s", self._udm_format_clock(self.deadline, user))
            )
        if self.end_deadline:
            parts.append(_("ends %s", self._udm_format_clock(self.end_deadline, user)))
        return ", ".join(parts)

    def _udm_status(self):
        """What the web client needs to show the countdown (times in epoch ms)."""
        now = fields.Datetime.now()
        if not self:
            return {"active": False, "server_time": _epoch_ms(now)}
        self.ensure_one()
        return {
            "active": self.state == "active",
            "idle_enabled": bool(self.idle_time),
            "idle_seconds": self.idle_time * 60,
            "deadline": _epoch_ms(self.deadline) if self.deadline else False,
            # the absolute end (maximum duration); activity never moves it
            "end_deadline": _epoch_ms(self.end_deadline)
            if self.end_deadline
            else False,
            "max_seconds": self.max_duration * 60,
            "server_time": _epoch_ms(now),
            "activity_interval": self._udm_activity_interval(),
            "switch_id": self.id,
            "template_name": self.template_id.sudo().name or "",
        }

    def _udm_activity_interval(self):
        """Seconds between two activity reports of the web client: a third of the idle
        time, at most ACTIVITY_WRITE_INTERVAL, so that input just after a report is
        reported well before the deadline. The server accepts a report one second
        earlier than this (clock and network jitter).
        """
        self.ensure_one()
        if not self.idle_time:
            return ACTIVITY_WRITE_INTERVAL
        return min(ACTIVITY_WRITE_INTERVAL, self.idle_time * 60 // 3)
