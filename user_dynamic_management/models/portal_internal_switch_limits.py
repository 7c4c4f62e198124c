# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Settings, quota (M switches per T minutes) and seats (K at once), and the
wording of waiting times."""

import logging
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.tools import SQL
from odoo.tools.misc import format_datetime

from .const import (
    PARAM_MAX,
    PARAM_MAX_SEATS,
    PARAM_PREFIX,
    PARAM_TIME_LIMIT,
    UdmLimitReached,
)

_logger = logging.getLogger(__name__)


class PortalInternalSwitch(models.Model):
    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    @api.model
    def _udm_get_param(self, key, default=False):
        """The addon's setting `key` (an ir.config_parameter), or `default`.

        Why not ICP.get_param: each key is cached on its own, and every group change
        (each switch and each revert) clears the caches of every worker, so /my, the
        switch and the revert would each pay one query per setting (six or seven)
        during a switch storm. Here all the addon's settings cost one query.
        """
        # like get_param: an empty value is the default
        return self._udm_params().get(key) or default

    @api.model
    @tools.ormcache()
    def _udm_params(self):
        """{key: value} of the addon's settings, in one query. Cached like
        ICP.get_param: any change of a parameter clears the 'default' caches of every
        worker (ir.config_parameter's create, write and unlink)."""
        self.env["ir.config_parameter"].flush_model(["key", "value"])
        self.env.cr.execute(
            SQL(
                "SELECT key, value FROM ir_config_parameter WHERE key LIKE %s",
                PARAM_PREFIX.replace("_", "\\_") + "%",
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Quota
    # ------------------------------------------------------------------

    @api.model
    def _udm_quota_settings(self):
        """(M, T): at most M switches may start within T minutes (M = 0: no limit)."""
        try:
            max_switches = int(self._udm_get_param(PARAM_MAX, 0) or 0)
            time_limit = int(self._udm_get_param(PARAM_TIME_LIMIT, 0) or 0)
        except ValueError:
            _logger.warning("Invalid portal switch quota parameters, no limit applied")
            return 0, 0
        return max(max_switches, 0), max(time_limit, 0)

    @api.model
    def _udm_quota_lock(self, user=None):
        """Serialise switches on the quota row.

        Under REPEATABLE READ an advisory or row lock alone does not protect the count:
        the second transaction would still count on its old snapshot. UPDATE-ing the row
        makes PostgreSQL raise 40001 in the second transaction once the first commits;
        Odoo's `retrying` then replays the request, which sees the first switch and
        refuses cleanly.
        """
        if self._udm_is_limited(user):
            self.env["portal.internal.switch.quota"].sudo()._udm_lock()

    @api.model
    def _udm_is_limited(self, user=None):
        """Whether a switch of `user` counts against a limit shared with other users
        (the quota, the seats), so that switches must be serialised. Extension
        point."""
        max_switches, time_limit = self._udm_quota_settings()
        return bool((max_switches and time_limit) or self._udm_max_seats())

    @api.model
    def _udm_max_seats(self):
        """K: at most K portal users internal at the same time (0: no limit)."""
        value = self._udm_get_param(PARAM_MAX_SEATS, 0)
        try:
            return max(int(value or 0), 0)
        except ValueError:
            _logger.warning("Invalid portal switch seats parameter, no limit applied")
            return 0

    @api.model
    def _udm_seats_in_use(self):
        """Number of portal users internal right now (one indexed count)."""
        self.flush_model(["state"])
        self.env.cr.execute(
            "SELECT COUNT(*) FROM portal_internal_switch WHERE state = 'active'"
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _udm_check_seats(self, now, user):
        """Raise UserError when K users are internal already; say when a seat is
        expected to free up (the earliest idle or absolute deadline). The error's
        `udm_free_at` is that moment (UTC, None when no deadline is set), for the card
        on /my.

        Serialised like the quota: the caller has updated the lock row first, so two
        workers can never both take the last seat (the second gets 40001, its replay
        counts again).
        """
        max_seats = self._udm_max_seats()
        if not max_seats:
            return
        in_use = self._udm_seats_in_use()
        if in_use < max_seats:
            return
        self.env.cr.execute(
            """
            SELECT MIN(LEAST(deadline, end_deadline)) FROM portal_internal_switch
             WHERE state = 'active'
            """
        )
        free_at = self.env.cr.fetchone()[0]
        error = UdmLimitReached(self._udm_seats_message(max_seats, free_at, now, user))
        error.udm_free_at = free_at
        raise error

    @api.model
    def _udm_seats_message(self, max_seats, free_at, now, user):
        """The refusal when the `max_seats` seats are taken: when a seat is expected
        to free up (`free_at`, the earliest deadline of the open switches, in `user`'s
        timezone), or, with no deadline set, that it frees up at a switch back."""
        if free_at:
            values = {
                "max": max_seats,
                "delay": self._udm_format_delay(max(free_at - now, timedelta())),
                "time": self._udm_format_clock(free_at, user),
            }
            if max_seats == 1:
                return _(
                    "The only seat for internal users is taken. It is expected to "
                    "free up in %(delay)s (at %(time)s).",
                    **values,
                )
            return _(
                "All %(max)s seats for internal users are taken. A seat is "
                "expected to free up in %(delay)s (at %(time)s).",
                **values,
            )
        if max_seats == 1:
            return _(
                "The only seat for internal users is taken. It frees up when its user "
                "switches back to portal."
            )
        return _(
            "All %(max)s seats for internal users are taken. A seat frees up when "
            "one of them switches back to portal.",
            max=max_seats,
        )

    @api.model
    def _udm_quota_next_at(self, now):
        """When the next switch may start if the quota is full at `now`, else False.

        The M latest starts in the sliding window of T minutes fill it; the oldest of
        them frees its slot T minutes after it started.
        """
        max_switches, time_limit = self._udm_quota_settings()
        if not max_switches or not time_limit:
            return False
        window_start = now - timedelta(minutes=time_limit)
        # strict ">": a switch at 10:40 frees its slot at 10:42:00
        self.flush_model(["start_date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT start_date FROM portal_internal_switch
                 WHERE start_date > %s
              ORDER BY start_date DESC
                 LIMIT %s
                """,
                window_start,
                max_switches,
            )
        )
        starts = [row[0] for row in self.env.cr.fetchall()]
        if len(starts) < max_switches:
            return False
        return starts[-1] + timedelta(minutes=time_limit)

    @api.model
    def _udm_check_quota(self, now, user):
        """Raise UserError if M switches started in the last T minutes (sliding)."""
        next_at = self._udm_quota_next_at(now)
        if not next_at:
            return
        max_switches, time_limit = self._udm_quota_settings()
        raise UdmLimitReached(
            _(
                "Too many users switched to internal recently (at most %(max)s "
                "every %(minutes)s minutes). You can switch in %(delay)s "
                "(at %(time)s).",
                max=max_switches,
                minutes=time_limit,
                delay=self._udm_format_delay(next_at - now),
                time=self._udm_format_clock(next_at, user),
            )
        )

    @api.model
    def _udm_format_delay(self, delta):
        """A short waiting time for a person: "1 min 52 s", "45 s" (rounded up)."""
        seconds = max(0, int(-(-delta.total_seconds() // 1)))
        minutes, seconds = divmod(seconds, 60)
        if not minutes:
            return _("%(seconds)s s", seconds=seconds)
        if not seconds:
            return _("%(minutes)s min", minutes=minutes)
        return _("%(minutes)s min %(seconds)s s", minutes=minutes, seconds=seconds)

    @api.model
    def _udm_format_clock(self, value, user):
        """A UTC datetime as the time of day in `user`'s timezone ("10:42"), with the
        date when it is not today there.
        """
        tz = user.tz or "UTC"
        today = format_datetime(
            self.env, fields.Datetime.now(), tz=tz, dt_format="yyyy-MM-dd"
        )
        if format_datetime(self.env, value, tz=tz, dt_format="yyyy-MM-dd") != today:
            return format_datetime(self.env, value, tz=tz, dt_format="short")
        return format_datetime(self.env, value, tz=tz, dt_format="HH:mm")
