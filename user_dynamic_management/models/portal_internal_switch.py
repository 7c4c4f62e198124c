# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict
from datetime import timedelta, timezone

from markupsafe import Markup
from psycopg2 import OperationalError

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.misc import format_datetime

_logger = logging.getLogger(__name__)

PARAM_MAX = "user_dynamic_management.max_portal_user"
PARAM_TIME_LIMIT = "user_dynamic_management.time_limit"
PARAM_CONFIRM_PASSWORD = "user_dynamic_management.confirm_password"
# the last activity is written at most once per this many seconds per user (no write per
# request), and at most once per third of the idle time, so that the client, which
# reports input at that pace, always lands a report before the deadline
ACTIVITY_WRITE_INTERVAL = 60
# a session re-reads its user's idle deadline at most this often (and at the deadline);
# must not exceed the shortest idle time (1 minute)
REQUEST_CHECK_INTERVAL = 60
BUS_REVERTED = "user_dynamic_management/reverted"
# context key of the addon's own writes: on switch records (otherwise an immutable
# log) and on users (whose writes by others may end a switch)
CTX_OWN_WRITE = "udm_own_write"

REASONS = [
    ("idle", "Idle"),
    ("logout", "Logout"),
    ("admin", "Reverted by an administrator"),
    ("user", "Back to portal now"),
    ("uninstall", "Uninstall"),
    ("expired", "Maximum duration reached"),
]


class PortalInternalSwitch(models.Model):
    """One period during which a portal user was switched to an internal user.

    Holds the groups the switch added and removed, so the revert undoes exactly that
    and keeps whatever an administrator changed meanwhile. An audit log: written only
    by the addon's private methods (sudo), never changed nor deleted from the UI or
    RPC, and kept (with the user's name and login) when the user is deleted. Access
    Rights administrators may read them.
    """

    _name = "portal.internal.switch"
    _description = "Portal Switch to Internal"
    _order = "start_date desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        comodel_name="res.users",
        string="User",
        index=True,
        # the history outlives the user: name and login are kept below
        ondelete="set null",
        readonly=True,
    )
    user_name = fields.Char(string="User Name", readonly=True)
    user_login = fields.Char(string="Login", readonly=True)
    template_id = fields.Many2one(
        comodel_name="res.users",
        string="Template",
        ondelete="set null",
        context={"active_test": False},
        readonly=True,
    )
    state = fields.Selection(
        selection=[("active", "Active"), ("reverted", "Reverted")],
        required=True,
        default="active",
        readonly=True,
    )
    start_date = fields.Datetime(
        string="Start", required=True, index=True, readonly=True
    )
    end_date = fields.Datetime(string="End", readonly=True)
    reason = fields.Selection(selection=REASONS, readonly=True)
    last_activity = fields.Datetime(
        readonly=True,
        help="Last activity in the backend, written at most once a minute.",
    )
    idle_time = fields.Integer(
        string="Idle Time",
        readonly=True,
        help="Minutes of inactivity before the revert, copied from the user at the "
        "switch (0: no idle revert).",
    )
    deadline = fields.Datetime(
        string="Idle Deadline",
        readonly=True,
        help="The user is switched back to portal at this time unless active before.",
    )
    group_ids = fields.Many2many(
        comodel_name="res.groups",
        relation="portal_internal_switch_group_rel",
        column1="switch_id",
        column2="group_id",
        string="Groups Before Switch",
        readonly=True,
        help="The user's groups when the switch started (for the audit).",
    )
    added_group_ids = fields.Many2many(
        comodel_name="res.groups",
        relation="portal_internal_switch_added_group_rel",
        column1="switch_id",
        column2="group_id",
        string="Groups Added by the Switch",
        readonly=True,
        help="Internal User and the template's groups (implied ones included) that the "
        "user did not have: the revert removes exactly these.",
    )
    removed_group_ids = fields.Many2many(
        comodel_name="res.groups",
        relation="portal_internal_switch_removed_group_rel",
        column1="switch_id",
        column2="group_id",
        string="Groups Removed by the Switch",
        readonly=True,
        help="The user type groups (Portal) the switch took away: the revert gives "
        "them back.",
    )
    credential_marks = fields.Json(
        readonly=True,
        help="Per credential model, the highest id existing when the switch started: "
        "the user's credentials above it were minted during the switch.",
    )
    removed_credentials = fields.Text(
        string="Credentials Removed",
        readonly=True,
        help="API keys and other credentials created during the switch, removed at the "
        "revert.",
    )
    ip_address = fields.Char(string="IP Address", readonly=True)
    user_agent = fields.Char(readonly=True)
    notice_shown = fields.Boolean(
        readonly=True,
        help="The user has seen on the portal why they were switched back.",
    )

    def init(self):
        res = super().init()
        # at most one open switch per user, also under concurrent requests
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS portal_internal_switch_one_active
                ON portal_internal_switch (user_id) WHERE state = 'active'
            """
        )
        # the every-minute job looks up due switches only
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS portal_internal_switch_active_deadline
                ON portal_internal_switch (deadline) WHERE state = 'active'
            """
        )
        return res

    @api.depends("user_id", "user_name", "start_date")
    def _compute_display_name(self):
        for switch in self:
            switch.display_name = _(
                "%(user)s since %(start)s",
                user=switch.user_id.name or switch.user_name,
                start=format_datetime(self.env, switch.start_date),
            )

    # ------------------------------------------------------------------
    # An audit log: only the addon's own code writes it
    # ------------------------------------------------------------------

    def _udm_check_own_write(self):
        """Refuse any change that does not come from the addon's private methods.

        ACLs already refuse writes over RPC; this also holds if someone grants them, or
        calls write() as a superuser by mistake. The context key alone is not enough
        (RPC callers choose their context): the caller must also be sudo.
        """
        if not (self.env.su and self.env.context.get(CTX_OWN_WRITE)):
            raise AccessError(
                _(
                    "Portal switches are an audit log: they cannot be changed or "
                    "deleted."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._udm_check_own_write()
        return super().create(vals_list)

    def write(self, vals):
        self._udm_check_own_write()
        return super().write(vals)

    def unlink(self):
        self._udm_check_own_write()
        return super().unlink()

    def _udm_own(self):
        """These switches as the addon's own code handles them (sudo, may write)."""
        return self.sudo().with_context(**{CTX_OWN_WRITE: True})

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_revert_now(self):
        """Button "Revert now": an Access Rights administrator switches the user back to
        portal.
        """
        if not self.env.user.has_group("base.group_erp_manager"):
            raise AccessError(
                _("Only Access Rights administrators can revert a switch.")
            )
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.sudo()._udm_revert("admin")
        return True

    def action_keep_internal(self):
        """Button "Keep as internal user": an Access Rights administrator makes the
        switched user an internal user of their own. The switch closes (reason `admin`)
        and the groups stay as they are.
        """
        if not self.env.user.has_group("base.group_erp_manager"):
            raise AccessError(
                _("Only Access Rights administrators can keep a user internal.")
            )
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.sudo()._udm_close_kept_internal()
        return True

    # ------------------------------------------------------------------
    # Quota
    # ------------------------------------------------------------------

    @api.model
    def _udm_quota_settings(self):
        """(M, T): at most M switches may start within T minutes (M = 0: no limit)."""
        ICP = self.env["ir.config_parameter"].sudo()
        try:
            max_switches = int(ICP.get_param(PARAM_MAX, 0) or 0)
            time_limit = int(ICP.get_param(PARAM_TIME_LIMIT, 0) or 0)
        except ValueError:
            _logger.warning("Invalid portal switch quota parameters, no limit applied")
            return 0, 0
        return max(max_switches, 0), max(time_limit, 0)

    @api.model
    def _udm_quota_lock(self):
        """Serialise switches on the quota row.

        Under REPEATABLE READ an advisory or row lock alone does not protect the count:
        the second transaction would still count on its old snapshot. UPDATE-ing the row
        makes PostgreSQL raise 40001 in the second transaction once the first commits;
        Odoo's `retrying` then replays the request, which sees the first switch and
        refuses cleanly.
        """
        max_switches, time_limit = self._udm_quota_settings()
        if not max_switches or not time_limit:
            return
        self.env["portal.internal.switch.quota"].sudo()._udm_lock()

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
        raise UserError(
            _(
                "Too many users switched to internal recently (at most %(max)s "
                "every %(minutes)s minutes). "
                "You can switch in %(delay)s (at %(time)s).",
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
        """Revert `uid` if their idle deadline has passed. True when reverted."""
        return self._udm_check_deadline(uid)[0]

    @api.model
    def _udm_is_due(self, uid):
        """Whether `uid` has an open switch past its idle deadline (read only)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT 1 FROM portal_internal_switch
                 WHERE user_id = %s AND state = 'active' AND deadline <= %s
                """,
                uid,
                fields.Datetime.now(),
            )
        )
        return bool(self.env.cr.rowcount)

    @api.model
    def _udm_check_deadline(self, uid):
        """Revert `uid` if due; return (reverted, next check needed at, still switched).

        One indexed SELECT, no write unless due. Until the returned time no check is
        needed: a deadline only ever moves later (activity), and a switch starting after
        this check has a deadline at least a minute (the shortest idle time) away.
        """
        now = fields.Datetime.now()
        next_check = now + timedelta(seconds=REQUEST_CHECK_INTERVAL)
        self.env.cr.execute(
            SQL(
                """
                SELECT id, deadline FROM portal_internal_switch
                 WHERE user_id = %s AND state = 'active'
                """,
                uid,
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return False, next_check, False
        switch_id, deadline = row
        if not deadline:
            return False, next_check, True
        if deadline > now:
            return False, min(deadline, next_check), True
        reverted = self.sudo().browse(switch_id)._udm_revert("idle", due_at=now)
        return bool(reverted), next_check, not reverted

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

    # ------------------------------------------------------------------
    # Revert
    # ------------------------------------------------------------------

    @api.model
    def _cron_revert_idle_switches(self):
        """Every minute: revert every switch whose idle deadline passed, in a constant
        number of queries.

        This is the backstop for users who closed their browser; open tabs are reverted
        earlier by their countdown and by the request-time check.
        """
        now = fields.Datetime.now()
        due = self.sudo().search([("state", "=", "active"), ("deadline", "<=", now)])
        if not due:
            return
        try:
            with self.env.cr.savepoint():
                due._udm_revert("idle", due_at=now, skip_locked=True)
        except OperationalError as error:
            # a heartbeat or a revert committed meanwhile: the next run (one minute
            # later) starts from a fresh snapshot
            if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            _logger.info("Idle revert postponed by a concurrent update: %s", error)

    def _udm_lock_open(self, due_at=None, skip_locked=False):
        """Lock the still-open switches of self (still due at `due_at`); return them.

        A concurrent revert or heartbeat committed in between makes PostgreSQL raise
        40001 here, which the request/cron machinery retries: the replay then finds
        nothing left to do.
        """
        if not self.ids:
            return self.browse()
        self.flush_model(["state", "deadline"])
        query = SQL(
            """
            SELECT id FROM portal_internal_switch
             WHERE id = ANY(%s) AND state = 'active' %s
               FOR NO KEY UPDATE %s
            """,
            list(self.ids),
            SQL("AND deadline <= %s", due_at) if due_at else SQL(),
            SQL("SKIP LOCKED") if skip_locked else SQL(),
        )
        # concurrency errors are expected here and retried: not logged as bad queries
        self.env.cr.execute(query, log_exceptions=False)
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _udm_revert(self, reason, due_at=None, skip_locked=False):
        """Switch the users of these open switches back to portal users.

        Locks the switches still open (and still due at `due_at`), closes them, removes
        the credentials minted during the switch, undoes the switch's group changes
        (keeping any change an administrator made meanwhile) and tells the users.
        Batched: the number of queries does not depend on the number of switches.
        Returns the reverted switches (empty when there was nothing left to revert).
        """
        switches = self.sudo()._udm_lock_open(due_at=due_at, skip_locked=skip_locked)
        if not switches:
            return switches
        switches = switches._udm_own()
        switches.env.flush_all()
        switches._udm_remove_credentials()
        kept_internal = switches._udm_restore_groups()
        reverted = switches - kept_internal
        now = fields.Datetime.now()
        if reverted:
            reverted.write({"state": "reverted", "end_date": now, "reason": reason})
        if kept_internal:
            # an administrator gave the user internal rights of their own meanwhile
            kept_internal.write(
                {"state": "reverted", "end_date": now, "reason": "admin"}
            )
        switches.env.flush_all()
        reverted._udm_notify_reverted(reason)
        kept_internal._udm_notify_reverted("admin", kept_internal=True)
        return switches

    def _udm_close_kept_internal(self):
        """Close these open switches without touching the users' groups: an
        administrator made the users internal users of their own (reason `admin`)."""
        switches = self.sudo()._udm_lock_open()._udm_own()
        if not switches:
            return switches
        switches.write(
            {"state": "reverted", "end_date": fields.Datetime.now(), "reason": "admin"}
        )
        switches._udm_notify_reverted("admin", kept_internal=True)
        return switches

    @api.model
    def _udm_credential_models(self):
        """Models of the credentials a user can mint for themselves while internal
        (API keys, trusted 2FA devices). Extension point: add your model's name if its
        table has `id` and `user_id` columns."""
        return [
            model
            for model in ("res.users.apikeys", "auth_totp.device")
            if model in self.env
        ]

    @api.model
    def _udm_credential_marks(self):
        """Highest id of each credential table now: what is above was minted later."""
        marks = {}
        for model in self._udm_credential_models():
            self.env.cr.execute(
                SQL(
                    "SELECT COALESCE(MAX(id), 0) FROM %s",
                    SQL.identifier(self.env[model]._table),
                )
            )
            marks[model] = self.env.cr.fetchone()[0]
        return marks

    def _udm_remove_credentials(self):
        """Delete the credentials these switches' users created during the switch.

        A portal user must not keep what they minted as an internal user: an API key
        would otherwise authenticate XML-RPC after the revert, and survive a password
        reset. One DELETE per credential model, whatever the number of switches; what
        was removed is listed on each switch.
        """
        removed = defaultdict(list)
        for model in self._udm_credential_models():
            Model = self.env[model]
            self.env.cr.execute(
                SQL(
                    """
                    DELETE FROM %(table)s cred
                     USING portal_internal_switch sw
                     WHERE sw.id = ANY(%(ids)s)
                       AND cred.user_id = sw.user_id
                       AND cred.id > COALESCE(
                               (sw.credential_marks ->> %(model)s)::int, 0)
                 RETURNING sw.id, cred.name, cred.create_date
                    """,
                    table=SQL.identifier(Model._table),
                    ids=self.ids,
                    model=model,
                )
            )
            for switch_id, name, create_date in self.env.cr.fetchall():
                removed[switch_id].append(
                    _(
                        "%(kind)s %(name)s (created %(date)s)",
                        kind=Model._description,
                        name=name,
                        date=format_datetime(self.env, create_date, tz="UTC"),
                    )
                )
            Model.invalidate_model()
        if not removed:
            return removed
        ids = list(removed)
        self.env.cr.execute(
            SQL(
                """
                UPDATE portal_internal_switch sw
                   SET removed_credentials = v.text
                  FROM unnest(%s::int[], %s::text[]) AS v(id, text)
                 WHERE sw.id = v.id
                """,
                ids,
                ["\n".join(removed[switch_id]) for switch_id in ids],
            )
        )
        self.invalidate_model(["removed_credentials"])
        _logger.info(
            "Revert: removed %d credential(s) minted while switched",
            sum(len(items) for items in removed.values()),
        )
        return removed

    def _udm_target_groups(self):
        """{switch: groups its user gets back}, or None for a switch whose user an
        administrator made an internal user of their own (groups are then kept).

        Delta-based: the user's groups now, minus what the switch added, plus what it
        took away. Whatever an administrator added or removed meanwhile stays so.
        """
        group_user = self.env.ref("base.group_user")
        user_types = self.env.ref("base.group_portal") | self.env.ref(
            "base.group_public"
        )
        targets = {}
        for switch in self:
            current = switch.user_id.groups_id
            added, removed = switch.added_group_ids, switch.removed_group_ids
            if not added and not removed:
                # recorded before deltas were kept: the snapshot is all there is
                added, removed = current - switch.group_ids, switch.group_ids - current
            remaining = current - added
            if group_user in remaining | remaining.trans_implied_ids:
                targets[switch] = None
                continue
            target = remaining | removed
            if not target & user_types:
                # no user type left at all: plain portal rights
                target |= self.env.ref("base.group_portal")
            targets[switch] = target
        return targets

    def _udm_restore_groups(self):
        """Undo the switch's group changes; return the switches whose user is kept
        internal (see _udm_target_groups).

        Goes through res.users.write, so other addons' group-change logic runs (and
        can hook here), with one Command.set per distinct target set: users whose
        groups end up identical are written together, so the every-minute job stays at
        a constant number of queries. Command.set is immune to the demotion rule of
        res.users.write (which clears groups when a user stops being internal).
        """
        kept = self.browse()
        batches = defaultdict(lambda: self.env["res.users"])
        for switch, target in self._udm_target_groups().items():
            if target is None:
                kept |= switch
            elif switch.user_id:
                batches[target] |= switch.user_id
        for target, users in batches.items():
            users.with_context(mail_notrack=True, **{CTX_OWN_WRITE: True}).write(
                {"groups_id": [Command.set(target.ids)]}
            )
        return kept

    def _udm_notify_reverted(self, reason, kept_internal=False):
        """Tell the users' open tabs (bus), log a chatter note and a log line."""
        users = self.user_id
        if not self:
            return
        env = self.env
        users.fetch(["partner_id", "login"])  # one query, not one per user below
        env["bus.bus"]._sendmany(
            [
                (
                    switch.user_id.partner_id,
                    BUS_REVERTED,
                    # the id lets a newer switch's page ignore a replayed notification
                    {"reason": reason, "switch_id": switch.id},
                )
                for switch in self
                if switch.user_id
            ]
        )
        reason_label = dict(self._fields["reason"]._description_selection(env))[reason]
        if kept_internal:
            text = _(
                "Switch closed (%s): kept as an internal user by an administrator.",
                reason_label,
            )
        else:
            text = _("Switched back to a portal user (%s).", reason_label)
        note = Markup("<p>%s</p>") % text
        # one batch of audit notes (mail's own portal-access notes are bypassed)
        users.partner_id._message_log_batch({p.id: note for p in users.partner_id})
        for switch in self:
            _logger.info(
                "User %s (#%s) switch closed (%s)%s",
                switch.user_login,
                switch.user_id.id,
                reason,
                " - kept internal" if kept_internal else "",
            )


def _epoch_ms(value):
    """UTC naive datetime → epoch milliseconds."""
    return (
        int(value.replace(tzinfo=timezone.utc).timestamp() * 1000) if value else False
    )
