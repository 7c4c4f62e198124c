# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
import time
from collections import defaultdict
from datetime import timedelta, timezone

from markupsafe import Markup
from psycopg2 import OperationalError

from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.misc import format_datetime

_logger = logging.getLogger(__name__)

PARAM_MAX = "user_dynamic_management.max_portal_user"
PARAM_TIME_LIMIT = "user_dynamic_management.time_limit"
PARAM_CONFIRM_PASSWORD = "user_dynamic_management.confirm_password"
PARAM_REQUIRE_TOTP = "user_dynamic_management.require_totp"
PARAM_MAX_SEATS = "user_dynamic_management.max_seats"
PARAM_NOTIFY_MANAGERS = "user_dynamic_management.notify_managers"
PARAM_NOTIFY_USER = "user_dynamic_management.notify_user"
# every setting of the addon is an ir.config_parameter under this prefix
PARAM_PREFIX = "user_dynamic_management."
# the cron runner sleeps up to a minute (+ jitter: the thread number, or pid % 10 in
# prefork) between wake-ups; a run that finds a deadline closer than this has a timer
# wake the runner at the deadline (a trigger due now notifies it on commit)
CRON_WAIT_MAX = 75
# the last activity is written at most once per this many seconds per user (no write
# per request), and at most once per third of the idle time, so that the client, which
# reports input at that pace, always lands a report before the deadline
ACTIVITY_WRITE_INTERVAL = 60
# a session re-reads its user's idle deadline at most this often (and at the deadline);
# must not exceed the shortest idle time (1 minute)
REQUEST_CHECK_INTERVAL = 60
BUS_REVERTED = "user_dynamic_management/reverted"
# context key of the addon's own writes: on switch records (otherwise an immutable
# log) and on users (whose writes by others may end a switch)
CTX_OWN_WRITE = "udm_own_write"


class _OwnWriteMarker:
    """The value of CTX_OWN_WRITE in the addon's own writes.

    Why an object: an RPC caller chooses its context, and JSON can carry any string,
    number or boolean, never this object, so `is OWN_WRITE` cannot be forged from
    outside the process (a plain `True` could: a user would add a group to themselves
    "as the addon", and the revert would keep it).
    """

    __slots__ = ()

    def __repr__(self):
        return "<user_dynamic_management own write>"


OWN_WRITE = _OwnWriteMarker()
OWN_WRITE_CONTEXT = {CTX_OWN_WRITE: OWN_WRITE}


def is_own_write(env):
    """Whether `env` is the addon's own trusted write (see _OwnWriteMarker)."""
    return env.context.get(CTX_OWN_WRITE) is OWN_WRITE


REASONS = [
    ("idle", "Idle"),
    ("logout", "Logout"),
    ("admin", "Reverted by an administrator"),
    ("user", "Back to portal now"),
    ("uninstall", "Uninstall"),
    ("expired", "Maximum duration reached"),
]


class UdmLimitReached(UserError):
    """A switch refused by the quota or the seats (the managers may be e-mailed)."""


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
        index=True,
        # the history outlives the user: name and login are kept below
        ondelete="set null",
        readonly=True,
    )
    user_name = fields.Char(readonly=True)
    user_login = fields.Char(string="Login", readonly=True)
    template_id = fields.Many2one(
        comodel_name="res.users",
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
        readonly=True,
        help="Minutes of inactivity before the revert, copied from the user at the "
        "switch (0: no idle revert).",
    )
    deadline = fields.Datetime(
        string="Idle Deadline",
        readonly=True,
        help="The user is switched back to portal at this time unless active before.",
    )
    max_duration = fields.Integer(
        string="Maximum Duration",
        readonly=True,
        help="Minutes the switch may last at most, activity or not, copied from the "
        "policy at the switch (0: no limit).",
    )
    end_deadline = fields.Datetime(
        string="Ends At",
        readonly=True,
        help="The user is switched back to portal at this time at the latest "
        "(maximum duration); activity never moves it.",
    )
    idle_time_left = fields.Char(
        compute="_compute_time_left",
        help="Time before the idle deadline, as of now.",
    )
    time_left = fields.Char(
        compute="_compute_time_left",
        help="Time before the end (maximum duration), as of now.",
    )
    seat = fields.Integer(
        string="Seats in Use",
        compute="_compute_seat",
        store=True,
        help="1 while the switch is open: the list's total is the number of seats in "
        "use.",
    )
    reason_text = fields.Text(
        string="Reason Given",
        readonly=True,
        help="Why the user asked for internal access (when a reason is required).",
    )
    request_id = fields.Many2one(
        comodel_name="portal.internal.switch.request",
        string="Full User Request",
        compute="_compute_request_id",
        help="The approved request this switch used.",
    )

    def _compute_request_id(self):
        Request = self.env["portal.internal.switch.request"].sudo()
        by_switch = {
            request.switch_id.id: request
            for request in Request.search([("switch_id", "in", self.ids)])
        }
        for switch in self:
            switch.request_id = by_switch.get(switch.id, Request.browse())

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
        help="Per marked model (credentials, channel memberships, followers), the "
        "highest id existing when the switch started: the user's rows above it were "
        "created during the switch.",
    )
    removed_credentials = fields.Text(
        string="Credentials Removed",
        readonly=True,
        help="API keys and other credentials created during the switch, removed at the "
        "revert.",
    )
    auth_method = fields.Selection(
        selection=[
            ("session", "Logged-in session"),
            ("password", "Password"),
            ("totp", "Two-factor code"),
            ("password_totp", "Password and two-factor code"),
        ],
        string="Confirmed With",
        readonly=True,
        help="How the user confirmed who they were when they switched.",
    )
    ip_address = fields.Char(string="IP Address", readonly=True)
    user_agent = fields.Char(readonly=True)
    notice_shown = fields.Boolean(
        readonly=True,
        help="The user has seen on the portal why they were switched back.",
    )

    @api.depends("state")
    def _compute_seat(self):
        for switch in self:
            switch.seat = 1 if switch.state == "active" else 0

    @api.depends("deadline", "end_deadline", "state")
    def _compute_time_left(self):
        # display only (not stored): "as of now" is what an administrator wants to see
        now = fields.Datetime.now()
        Switch = self.env["portal.internal.switch"]
        for switch in self:
            active = switch.state == "active"
            switch.idle_time_left = (
                Switch._udm_format_delay(switch.deadline - now)
                if active and switch.deadline
                else False
            )
            switch.time_left = (
                Switch._udm_format_delay(switch.end_deadline - now)
                if active and switch.end_deadline
                else False
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
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS portal_internal_switch_active_end_deadline
                ON portal_internal_switch (end_deadline) WHERE state = 'active'
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
        if not (self.env.su and is_own_write(self.env)):
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
        return self.sudo().with_context(**OWN_WRITE_CONTEXT)

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
        reverted = self.sudo()._udm_revert("admin")
        return self._udm_notification(
            _(
                "%s switched back to a portal user.",
                ", ".join(reverted.mapped("user_name")),
            )
            if reverted
            else _("Nothing to revert: the switch had already ended."),
            "success" if reverted else "warning",
        )

    @api.model
    def _udm_notification(self, message, kind="success"):
        """A notification in the web client, then the view reloads."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": kind,
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

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
    # Opening
    # ------------------------------------------------------------------

    @api.model
    def _udm_open(
        self,
        user,
        ip_address=None,
        user_agent=None,
        reason_text=None,
        duration=None,
        auth_method=None,
    ):
        """Switch the portal user `user` to internal, in the current transaction;
        return the switch.

        `duration`: the minutes the user chose (1 to the policy's maximum duration; 0,
        no limit, only when the policy has none); None: the policy's maximum.

        Idempotent: for a user already switched (a double submit, two tabs) the open
        switch is returned and nothing changes. Raises UserError/ValidationError (and
        changes nothing) when refused, its kind told for the log of refusals (see
        portal.internal.switch.refusal._udm_kind). Callers are responsible for having
        authenticated the user: this only ever runs for the logged-in user (see
        controllers).
        """
        user = user.sudo()
        user.ensure_one()
        Switch = self.sudo()
        Refusal = self.env["portal.internal.switch.refusal"]
        # Lock first: it serialises every limited switch of the database, so the quota
        # and seat counts below cannot be raced by another worker.
        Switch._udm_quota_lock()
        # Lock the user too: of two simultaneous submits, the loser gets 40001 and its
        # replay finds the switch below.
        self.env.cr.execute(
            SQL("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE", user.id),
            log_exceptions=False,
        )
        current = Switch._udm_active_for_user(user.id)
        if current:
            return current
        with Refusal._udm_kind("not_allowed"):
            user._udm_check_switch_allowed()
            template = user._access_right_template_effective()
            if not template:
                raise UserError(_("No access right template applies to you."))
        # group definitions may have changed since the template was saved: validate at
        # every switch
        template._access_right_template_validate()
        policy = user._udm_policy(template)
        max_duration = policy["max_duration"]
        if duration is not None:
            # 0 (no limit) only without a maximum
            if duration < (1 if max_duration else 0):
                raise UserError(_("The duration must be at least 1 minute."))
            if max_duration and duration > max_duration:
                raise UserError(
                    _(
                        "Internal access lasts %(minutes)s min at most: choose a "
                        "shorter duration.",
                        minutes=max_duration,
                    )
                )
            # max_duration is a PostgreSQL integer
            if duration > 2**31 - 1:
                raise UserError(_("The duration is too long."))
        with Refusal._udm_kind("approval" if policy["approval"] else "other"):
            full_request = Switch._udm_check_request(user, template, reason_text)
        reason_text = (reason_text or "").strip() or full_request.reason_text
        now = fields.Datetime.now()
        # quota and seats are checked at switch time, approval or not
        with Refusal._udm_kind("quota"):
            Switch._udm_check_quota(now, user)
        with Refusal._udm_kind("seats"):
            Switch._udm_check_seats(now, user)
        snapshot = user.groups_id
        new_groups = user._udm_internal_groups(template)
        values = user._udm_switch_values(
            template, snapshot, now, ip_address, user_agent
        )
        values["reason_text"] = reason_text or False
        values["auth_method"] = auth_method or "session"
        if duration and (
            not values["max_duration"] or duration < values["max_duration"]
        ):
            # the user's choice, within the policy's maximum (checked above) and the
            # end of a window or planned access (already in the values)
            values["max_duration"] = duration
            values["end_deadline"] = now + timedelta(minutes=duration)
        if full_request.duration and (
            not values["max_duration"] or full_request.duration < values["max_duration"]
        ):
            values["max_duration"] = full_request.duration
            values["end_deadline"] = now + timedelta(minutes=full_request.duration)
        switch = Switch._udm_own().create(values)
        if full_request:
            full_request.write({"state": "used", "switch_id": switch.id})
        # Command.set: exact, and immune to the demotion rule of res.users. The write
        # of groups_id clears the ORM caches ('default') itself, and the commit
        # signals it to every worker: no clear of our own (it would only empty the
        # caches refilled since, and signal nothing more)
        user.with_context(mail_notrack=True, **OWN_WRITE_CONTEXT).write(
            {"groups_id": [Command.set(new_groups.ids)]}
        )
        # the delta, implied groups included, is what the revert undoes
        after = user.groups_id
        switch.write(
            {
                "added_group_ids": [Command.set((after - snapshot).ids)],
                "removed_group_ids": [Command.set((snapshot - after).ids)],
            }
        )
        first_deadline = min(
            [d for d in (switch.deadline, switch.end_deadline) if d], default=None
        )
        if first_deadline:
            # The runner picks a trigger up at its next wake-up (about once a minute):
            # the run just before the deadline waits for it (see
            # _udm_wait_for_next_deadline). A deadline that close already needs a run
            # now, which waits for it.
            close = (first_deadline - now).total_seconds() <= CRON_WAIT_MAX
            Switch._udm_trigger_revert_job(at=None if close else first_deadline)
        switch._udm_notify_opened()
        return switch

    @api.model
    def _udm_check_request(self, user, template, reason_text):
        """The approved Full User Request this switch uses (locked, so that it is used
        once only), or an empty recordset when no approval is needed. Raises UserError
        when an approval or a reason is required and missing."""
        Request = self.env["portal.internal.switch.request"].sudo()
        planned = user._udm_has_planned_access(fields.Datetime.now())
        if planned or not user._udm_policy(template)["approval"]:
            if Request._udm_reason_required() and not (reason_text or "").strip():
                raise UserError(_("Please say why you need internal access."))
            return Request.browse()
        full_request = Request._udm_lock_usable(user)
        if not full_request:
            raise UserError(
                _(
                    "Switching needs an approval: send a Full User Request and switch "
                    "once it is approved."
                )
            )
        return full_request

    # ------------------------------------------------------------------
    # E-mails to the Portal switch managers (Settings, off by default)
    # ------------------------------------------------------------------

    @api.model
    def _udm_mail_recipients(self, user):
        """Partners e-mailed about `user`'s switch: the Portal switch managers, and the
        user when "Send the user a copy" is set. Empty when e-mails are off."""
        if self._udm_get_param(PARAM_NOTIFY_MANAGERS, "False") != "True":
            return self.env["res.partner"]
        group = self.env.ref(
            "user_dynamic_management.group_portal_switch_manager",
            raise_if_not_found=False,
        )
        partners = group.users.partner_id if group else self.env["res.partner"]
        if user and self._udm_get_param(PARAM_NOTIFY_USER, "False") == "True":
            partners |= user.partner_id
        return partners

    @api.model
    def _udm_send_mail(self, template_xmlid, record, user, **ctx):
        """Queue the e-mail `template_xmlid` about `record` (`user`'s switch) to the
        recipients above: one e-mail per language and timezone, each recipient
        reading it in their own (times in the template use the `udm_tz` of the
        context), not in the switching user's. Returns the ids of the mails."""
        partners = self._udm_mail_recipients(user)
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not partners or not template:
            return []
        default_lang = self.env.company.sudo().partner_id.lang or "en_US"
        audiences = defaultdict(lambda: self.env["res.partner"])
        for partner in partners.sudo():
            audiences[(partner.lang or default_lang, partner.tz or "UTC")] |= partner
        return [
            template.sudo()
            .with_context(lang=lang, udm_tz=tz, **ctx)
            .send_mail(
                record.id,
                email_values={
                    "recipient_ids": [Command.link(pid) for pid in audience.ids]
                },
            )
            for (lang, tz), audience in audiences.items()
        ]

    @api.model
    def _udm_notify_refused(self, user, message):
        """E-mail the managers that `user` was refused (quota, seats...). Called after
        the refused transaction was rolled back (see controllers/portal.py)."""
        return self._udm_send_mail(
            "user_dynamic_management.mail_template_switch_refused",
            user.sudo(),
            user,
            udm_refusal=message,
        )

    def _udm_notify_opened(self):
        """Audit note on the user's partner (instead of mail's "Portal Access
        Granted"), the managers' e-mail and a log line. Extension point."""
        self.ensure_one()
        user = self.user_id
        self._udm_send_mail(
            "user_dynamic_management.mail_template_switch_opened", self, user
        )
        user.partner_id._message_log(
            body=Markup("<p>%s</p>")
            % _(
                "Switched to an internal user (template %(template)s, IP %(ip)s).",
                template=self.template_id.name,
                ip=self.ip_address or "-",
            )
        )
        _logger.info(
            "Portal user %s (#%d) switched to internal with template %s (#%d)",
            user.login,
            user.id,
            self.template_id.name,
            self.template_id.id,
        )

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
    def _udm_quota_lock(self):
        """Serialise switches on the quota row.

        Under REPEATABLE READ an advisory or row lock alone does not protect the count:
        the second transaction would still count on its old snapshot. UPDATE-ing the row
        makes PostgreSQL raise 40001 in the second transaction once the first commits;
        Odoo's `retrying` then replays the request, which sees the first switch and
        refuses cleanly.
        """
        max_switches, time_limit = self._udm_quota_settings()
        if (not max_switches or not time_limit) and not self._udm_max_seats():
            return
        self.env["portal.internal.switch.quota"].sudo()._udm_lock()

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
        if free_at:
            values = {
                "max": max_seats,
                "delay": self._udm_format_delay(max(free_at - now, timedelta())),
                "time": self._udm_format_clock(free_at, user),
            }
            message = (
                _(
                    "The only seat for internal users is taken. It is expected to "
                    "free up in %(delay)s (at %(time)s).",
                    **values,
                )
                if max_seats == 1
                else _(
                    "All %(max)s seats for internal users are taken. A seat is "
                    "expected to free up in %(delay)s (at %(time)s).",
                    **values,
                )
            )
        elif max_seats == 1:
            message = _(
                "The only seat for internal users is taken. It frees up when its user "
                "switches back to portal."
            )
        else:
            message = _(
                "All %(max)s seats for internal users are taken. A seat frees up when "
                "one of them switches back to portal.",
                max=max_seats,
            )
        error = UdmLimitReached(message)
        error.udm_free_at = free_at
        raise error

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
            "end_date": _epoch_ms(self.end_deadline) if self.end_deadline else False,
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

    # ------------------------------------------------------------------
    # Revert
    # ------------------------------------------------------------------

    @api.model
    def _cron_revert_idle_switches(self, wait_near_deadline=False):
        """Revert every switch past its idle deadline or its maximum duration, in a
        constant number of queries per reason.

        Reverts happen within seconds of the deadline even with the browser closed:
        each switch schedules this job at its deadline, and since the cron runner only
        wakes up about once a minute (or when notified), the run before a deadline
        that close has a timer wake the runner at the deadline (`wait_near_deadline`,
        set by the scheduled action; nothing waits inside a transaction).
        """
        now = fields.Datetime.now()
        domain = [
            ("state", "=", "active"),
            "|",
            ("deadline", "<=", now),
            ("end_deadline", "<=", now),
        ]
        due = self.sudo().search(domain)
        expired = due.filtered(
            lambda s: _due_reason(s.deadline, s.end_deadline, now) == "expired"
        )
        reverted = self.browse()
        for switches, reason in ((due - expired, "idle"), (expired, "expired")):
            if not switches:
                continue
            try:
                with self.env.cr.savepoint():
                    reverted |= switches._udm_revert(
                        reason, due_at=now, skip_locked=True
                    )
            except OperationalError as error:
                # a heartbeat or a revert committed meanwhile: the next run starts
                # from a fresh snapshot
                if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    raise
                _logger.info("Revert postponed by a concurrent update: %s", error)
        if wait_near_deadline:
            self._udm_wake_up_at_next_deadline(now)

    @api.model
    def _udm_next_deadline(self):
        """The earliest idle or absolute deadline of the open switches, or None."""
        self.flush_model(["state", "deadline", "end_deadline"])
        self.env.cr.execute(
            """
            SELECT MIN(LEAST(deadline, end_deadline)) FROM portal_internal_switch
             WHERE state = 'active'
            """
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _udm_wake_up_at_next_deadline(self, now):
        """If the next deadline comes before the cron runner's next wake-up, have this
        job run at that moment: a timer of this process (a thread, holding no cursor
        nor transaction while it waits) triggers the job at the deadline in a short
        transaction of its own, which notifies the runner. The trigger at the deadline
        stays the backstop, should this process stop meanwhile.

        Why not wait here: this run holds a transaction (and the cron runner's lock on
        the job); PostgreSQL's idle_in_transaction_session_timeout kills it, a pooler
        pins its connection, and Odoo refuses module installs while a job runs.
        """
        next_deadline = self._udm_next_deadline()
        if not next_deadline:
            return
        wait = (next_deadline - now).total_seconds()
        if wait > CRON_WAIT_MAX:
            return
        if wait <= 0:
            # due already (a revert postponed by a concurrent update): run again now
            self._udm_trigger_revert_job()
            return
        self._udm_trigger_revert_job(at=next_deadline)
        self._udm_start_wake_up_timer(wait)

    @api.model
    def _udm_start_wake_up_timer(self, seconds):
        """Trigger the revert job in `seconds` from a thread of this process (see
        _udm_wake_up_at_next_deadline). One pending timer per database and process:
        an earlier one is kept, a later one replaced. Not in tests, whose database
        cursor is not shared with threads; they replace this method."""
        if self.env.registry.in_test_mode():
            return
        _wake_up_timers.arm(self.env.cr.dbname, seconds)

    @api.model
    def _udm_trigger_revert_job(self, at=None):
        """Schedule the revert job at `at` (now when None; a trigger due now also
        wakes the cron runner when the transaction commits)."""
        cron = self.env.ref(
            "user_dynamic_management.ir_cron_revert_idle_switches",
            raise_if_not_found=False,
        )
        if cron:
            cron.sudo()._trigger(at=at)

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
            SQL("AND (deadline <= %s OR end_deadline <= %s)", due_at, due_at)
            if due_at
            else SQL(),
            SQL("SKIP LOCKED") if skip_locked else SQL(),
        )
        # concurrency errors are expected here and retried: not logged as bad queries
        self.env.cr.execute(query, log_exceptions=False)
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _udm_revert(self, reason, due_at=None, skip_locked=False):
        """Switch the users of these open switches back to portal users.

        Locks the switches still open (and still due at `due_at`), closes them, undoes
        the switch's group changes (keeping any change an administrator made
        meanwhile), removes every foothold opened during the switch (credentials,
        tokens, chats, followers: see portal_internal_switch_foothold.py) and tells the
        users.
        Batched: the number of queries does not depend on the number of switches.
        Returns the reverted switches (empty when there was nothing left to revert).
        """
        switches = self.sudo()._udm_lock_open(due_at=due_at, skip_locked=skip_locked)
        if not switches:
            return switches
        switches = switches._udm_own()
        switches.env.flush_all()
        kept_internal = switches._udm_restore_groups()
        reverted = switches - kept_internal
        # an administrator made the kept users employees: what they opened stays
        reverted.env.flush_all()
        reverted._udm_close_footholds()
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
            users.with_context(mail_notrack=True, **OWN_WRITE_CONTEXT).write(
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
        if self._udm_mail_recipients(False):
            for switch in self:
                self._udm_send_mail(
                    "user_dynamic_management.mail_template_switch_reverted",
                    switch,
                    switch.user_id,
                    udm_reason_label=reason_label,
                )
        for switch in self:
            _logger.info(
                "User %s (#%s) switch closed (%s)%s",
                switch.user_login,
                switch.user_id.id,
                reason,
                " - kept internal" if kept_internal else "",
            )


def _due_reason(deadline, end_deadline, now):
    """The revert reason of a switch with these deadlines at `now`, or False: `expired`
    (maximum duration) or `idle`, whichever deadline passed first."""
    passed = [
        (moment, reason)
        for moment, reason in ((end_deadline, "expired"), (deadline, "idle"))
        if moment and moment <= now
    ]
    return min(passed)[1] if passed else False


def _epoch_ms(value):
    """UTC naive datetime → epoch milliseconds."""
    return (
        int(value.replace(tzinfo=timezone.utc).timestamp() * 1000) if value else False
    )


class _WakeUpTimers:
    """Per database, the pending timer of this process that triggers the revert job
    at the next deadline (see PortalInternalSwitch._udm_wake_up_at_next_deadline).

    Not state: the deadlines and the job's triggers live in PostgreSQL; a lost timer
    (process recycled) only means the runner's next regular wake-up does the revert.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._timers = {}  # database name -> (fires at, threading.Timer)

    def arm(self, dbname, seconds):
        fires_at = time.monotonic() + seconds
        with self._lock:
            pending = self._timers.get(dbname)
            if pending and pending[1].is_alive() and pending[0] <= fires_at + 0.5:
                return
            if pending:
                pending[1].cancel()
            timer = threading.Timer(seconds, self._fire, args=(dbname,))
            timer.daemon = True
            timer.name = f"user_dynamic_management wake-up {dbname}"
            self._timers[dbname] = (fires_at, timer)
            timer.start()

    def _fire(self, dbname):
        with self._lock:
            self._timers.pop(dbname, None)
        try:
            registry = Registry(dbname)
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["portal.internal.switch"]._udm_trigger_revert_job()
        except Exception:  # a timer thread has no caller to report to
            _logger.warning(
                "Could not wake the revert job of %s", dbname, exc_info=True
            )


_wake_up_timers = _WakeUpTimers()
