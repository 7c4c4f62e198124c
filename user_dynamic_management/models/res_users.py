# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import hmac
import logging
from datetime import timedelta

from psycopg2 import OperationalError

from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.base.models.res_users import is_reified_group

from .portal_internal_switch import (
    OWN_WRITE_CONTEXT,
    PARAM_REQUIRE_TOTP,
    is_own_write,
)

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "base.group_erp_manager"
# what /my, the switch and the policy read of a user and of their template
UDM_POLICY_FIELDS = [
    "allow_portal_access_internal",
    "enable_idle_time",
    "idle_time",
    "udm_allowed_until",
    "udm_approval",
    "udm_max_duration",
    "udm_daily_limit",
    "udm_cooldown",
    "udm_template_seats",
    "switch_template_id",
    "is_access_right_template",
]


class ResUsers(models.Model):
    _inherit = "res.users"

    # Admin-only configuration. These fields are deliberately NOT in
    # SELF_WRITEABLE_FIELDS: a portal user must never be able to allow themselves to
    # switch or lengthen their own idle time.
    allow_portal_access_internal = fields.Boolean(
        copy=False,
        groups=MANAGER_GROUP,
        help="This portal user may switch themselves to an internal user from the "
        "portal ('Switch to Internal User'), with the rights of their access right "
        "template.",
    )
    enable_idle_time = fields.Boolean(
        string="Enable idle time",
        copy=False,
        groups=MANAGER_GROUP,
        help="Switch the user back to portal after 'Idle Time' minutes without "
        "activity.",
    )
    idle_time = fields.Integer(
        default=30,
        copy=False,
        groups=MANAGER_GROUP,
        help="Minutes of inactivity in the backend after which the user is switched "
        "back to portal.",
    )
    udm_allowed_until = fields.Date(
        string="Allowed until",
        copy=False,
        groups=MANAGER_GROUP,
        help="Last day this user may switch to an internal user (empty: no end).",
    )
    udm_approval = fields.Selection(
        selection=[
            ("default", "As in Settings"),
            ("required", "Required"),
            ("not_required", "Not required"),
        ],
        string="Approval",
        default="default",
        required=True,
        copy=False,
        groups=MANAGER_GROUP,
        help="Whether a switch needs an approved Full User Request. On a template: its "
        "policy; on a user: overrides the template's.",
    )
    udm_max_duration = fields.Integer(
        string="Maximum Duration",
        copy=False,
        groups=MANAGER_GROUP,
        help="Minutes a switch may last at most, activity or not (0: no limit). On a "
        "template: its policy; on a user: overrides the template's when set.",
    )
    portal_internal_switch_ids = fields.One2many(
        comodel_name="portal.internal.switch",
        inverse_name="user_id",
        string="Portal Switches",
        groups=MANAGER_GROUP,
    )
    udm_switch_count = fields.Integer(
        string="Switches",
        compute="_compute_udm_switch_status",
        groups=MANAGER_GROUP,
    )
    udm_is_switched = fields.Boolean(
        string="Switched to Internal",
        compute="_compute_udm_switch_status",
        groups=MANAGER_GROUP,
    )
    udm_switch_status = fields.Char(
        string="Switch Status",
        compute="_compute_udm_switch_status",
        groups=MANAGER_GROUP,
    )
    udm_daily_limit = fields.Integer(
        string="Switches per Day",
        copy=False,
        groups=MANAGER_GROUP,
        help="How many times a day (in the company's timezone) the user may switch "
        "(0: no limit). On a template: its policy; on a user: overrides the "
        "template's when set.",
    )
    udm_cooldown = fields.Integer(
        string="Cooldown",
        copy=False,
        groups=MANAGER_GROUP,
        help="Minutes the user waits after a switch ends before switching again "
        "(0: none). On a template: its policy; on a user: overrides the template's "
        "when set.",
    )
    udm_template_seats = fields.Integer(
        string="Seats",
        copy=False,
        groups=MANAGER_GROUP,
        help="On a template: how many portal users may be internal with it at once "
        "(0: no limit besides the seats of Settings).",
    )
    udm_window_ids = fields.One2many(
        comodel_name="portal.internal.switch.window",
        inverse_name="template_id",
        string="Switch Windows",
        groups=MANAGER_GROUP,
        help="On a template: when its users may switch (in the company's timezone); a "
        "switch ends at the end of its window at the latest. None: at any time.",
    )
    udm_grant_ids = fields.One2many(
        comodel_name="portal.internal.switch.grant",
        inverse_name="user_id",
        string="Planned Internal Access",
        groups=MANAGER_GROUP,
        help="Periods during which this user may switch without a Full User Request "
        "and outside their template's windows; the switch ends with the period.",
    )
    udm_open_ended = fields.Boolean(
        string="Switch Without End",
        compute="_compute_udm_open_ended",
        groups=MANAGER_GROUP,
        help="A switch of this user (or with this template) has neither an idle time "
        "nor a maximum duration: a closed browser leaves the user internal, holding a "
        "seat, until someone reverts them.",
    )
    # signs the session token once bumped: bumping it logs the user out of every
    # session, in every worker ("Revert and log out"). Readable by the user managers,
    # the group of the other admin-only fields: Odoo checks each distinct `groups` of a
    # model's fields when it reads a user after a cache clear, one query per group
    udm_session_epoch = fields.Integer(copy=False, groups=MANAGER_GROUP)

    @tools.ormcache("sid")
    def _compute_session_token(self, sid):
        """Odoo's token, signed again with the session epoch once it was bumped.

        Why not a session token field: every token of the database would change at
        install and at uninstall, logging everyone out. An epoch of 0 (never bumped)
        leaves Odoo's token as it is. Cached per session id like Odoo's.
        """
        token = super()._compute_session_token(sid)
        if not token:
            return token
        self.env.cr.execute(
            SQL("SELECT udm_session_epoch FROM res_users WHERE id = %s", self.id)
        )
        row = self.env.cr.fetchone()
        epoch = row and row[0]
        if not epoch:
            return token
        return hmac.new(token.encode(), str(epoch).encode(), hashlib.sha256).hexdigest()

    def _compute_udm_switch_status(self):
        Switch = self.env["portal.internal.switch"].sudo()
        counts = {
            user.id: count
            for user, count in Switch._read_group(
                [("user_id", "in", self.ids)], ["user_id"], ["__count"]
            )
        }
        active = {
            switch.user_id.id: switch
            for switch in Switch.search(
                [("user_id", "in", self.ids), ("state", "=", "active")]
            )
        }
        for user in self:
            switch = active.get(user.id)
            user.udm_switch_count = counts.get(user.id, 0)
            user.udm_is_switched = bool(switch)
            user.udm_switch_status = switch._udm_status_line() if switch else False

    @api.depends(
        "is_access_right_template",
        "allow_portal_access_internal",
        "enable_idle_time",
        "udm_max_duration",
        "switch_template_id",
    )
    def _compute_udm_open_ended(self):
        for user in self:
            sudo_user = user.sudo()
            if sudo_user.is_access_right_template:
                policies = [sudo_user]
            elif sudo_user.allow_portal_access_internal:
                template = (
                    sudo_user.switch_template_id
                    or self._access_right_template_default()
                )
                policies = [sudo_user, template.sudo()]
            else:
                user.udm_open_ended = False
                continue
            user.udm_open_ended = not any(
                policy.enable_idle_time or policy.udm_max_duration
                for policy in policies
            )

    def action_udm_view_switches(self):
        """Smart button: this user's switches."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "user_dynamic_management.action_portal_internal_switch"
        )
        action["domain"] = [("user_id", "=", self.id)]
        action["context"] = {"search_default_group_state": 1}
        return action

    def action_create_access_right_template(self):
        # the groups of a portal user switched to internal are temporary
        if self._udm_switched():
            raise UserError(
                _(
                    "%s is a portal user switched to internal for a while: their "
                    "groups are temporary. Create the template from an internal user.",
                    self.name,
                )
            )
        return super().action_create_access_right_template()

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

    @api.constrains("udm_daily_limit", "udm_cooldown", "udm_template_seats")
    def _check_udm_fairness(self):
        for user in self.sudo():
            if (
                min(user.udm_daily_limit, user.udm_cooldown, user.udm_template_seats)
                < 0
            ):
                raise ValidationError(
                    _(
                        "The switches per day, cooldown and seats of %s cannot be "
                        "negative (0: no limit).",
                        user.name,
                    )
                )

    def _udm_fairness_policy(self, template):
        """This user's fairness limits: the template's, with the user's own where set.
        Returns {"daily_limit": switches or 0, "cooldown": minutes or 0}."""
        self.ensure_one()
        user, template = self.sudo(), template.sudo()
        return {
            "daily_limit": user.udm_daily_limit or template.udm_daily_limit,
            "cooldown": user.udm_cooldown or template.udm_cooldown,
        }

    @api.constrains("enable_idle_time", "idle_time", "udm_max_duration")
    def _check_idle_time(self):
        for user in self.sudo():
            if user.udm_max_duration < 0:
                raise ValidationError(
                    _(
                        "The maximum duration of %s cannot be negative (0: no limit).",
                        user.name,
                    )
                )
            if user.idle_time < 0 or (user.enable_idle_time and user.idle_time <= 0):
                raise ValidationError(
                    _(
                        "The idle time of %s must be a positive number of minutes.",
                        user.name,
                    )
                )

    # ------------------------------------------------------------------
    # Administrators' changes end a running switch
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._udm_check_switched_administers_users()
        return super().create(vals_list)

    def write(self, vals):
        if self and not is_own_write(self.env):
            self._udm_check_switched_administers_users()
        if is_own_write(self.env) or not self._udm_write_may_end(vals):
            return super().write(vals)
        # the user's groups, flags and dates, or a template's groups, may change what
        # running switches are allowed: checked again after the write
        before = self._udm_withdrawal_snapshot()
        if not before:
            return super().write(vals)
        switched = self._udm_switched()
        if not switched:
            res = super().write(vals)
            self._udm_end_withdrawn_switches(before)
            return res
        templates_before = {
            user.id: user.sudo().switch_template_id for user in switched
        }
        own = switched.filtered(lambda user: user.id == self.env.uid)
        groups_before = {user.id: user.sudo().groups_id for user in own}
        res = super().write(vals)
        if groups_before:
            own._udm_track_own_group_changes(groups_before)
        (switched - own)._udm_after_admin_write(vals, templates_before)
        self._udm_end_withdrawn_switches(before)
        return res

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

    def _udm_check_switched_administers_users(self):
        """Refuse a switched user's creation of users or change of another user,
        whatever their template grants, as sudo too (stock wizards such as Grant portal
        access create and activate users as sudo).

        Why: a switched portal user is an outsider; their template gives them an
        employee's work, never power over other accounts (new logins, e-mails,
        passwords, activations). One indexed query, only when the write reaches
        another user than the current one.
        """
        uid = self.env.uid
        # self is empty when creating
        if uid == SUPERUSER_ID or (self and set(self.ids) <= {uid}):
            return
        if self.env["portal.internal.switch"].sudo()._udm_active_for_user(uid):
            raise AccessError(
                _(
                    "While switched to an internal user, you cannot create users or "
                    "change another user's account."
                )
            )

    def _is_temporarily_internal(self):
        """Whether this user is a portal user with internal rights for a while (a
        running switch). Such a user stays governed by what governs portal users
        (Portal Access Groups on their own identity fields, for one)."""
        parent = getattr(super(), "_is_temporarily_internal", None)
        return bool(parent and parent()) or bool(self._udm_switched())

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

    def _udm_switched(self):
        """The users among self who are switched right now."""
        if not self.ids:
            return self.browse()
        switches = (
            self.env["portal.internal.switch"]
            .sudo()
            .search([("user_id", "in", self.ids), ("state", "=", "active")])
        )
        return self.browse(switches.user_id.ids)

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

    def unlink(self):
        # the switch history stays (with the user's name and login); close it first so
        # no switch stays open without a user
        switched = self._udm_switched()
        if switched:
            self.env["portal.internal.switch"].sudo().search(
                [("user_id", "in", switched.ids), ("state", "=", "active")]
            )._udm_own().write(
                {
                    "state": "reverted",
                    "end_date": fields.Datetime.now(),
                    "reason": "admin",
                }
            )
        return super().unlink()

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

    # ------------------------------------------------------------------
    # RPC (XML-RPC, /jsonrpc) after the deadline
    # ------------------------------------------------------------------

    @classmethod
    def check(cls, db, uid, passwd):
        """Every XML-RPC and /jsonrpc call authenticates here (password or API key)
        before it is dispatched: a user past their deadline is switched back first, so
        the call is served as the portal user, exactly like a browser request."""
        res = super().check(db, uid, passwd)
        cls._udm_enforce_deadline_rpc(uid)
        return res

    @classmethod
    def _udm_enforce_deadline_rpc(cls, uid):
        """Revert `uid` if due, in a transaction of its own that commits before the
        call is dispatched (the dispatch opens its own cursor afterwards, so it sees the
        portal groups). One indexed SELECT when nothing is due."""
        registry = cls.pool
        try:
            with registry.manage_changes(), registry.cursor() as cr:
                Switch = api.Environment(cr, SUPERUSER_ID, {})["portal.internal.switch"]
                if Switch._udm_is_due(uid):
                    Switch._udm_check_deadline(uid)
        except OperationalError as error:
            # reverted concurrently (cron, another call): committed by the other one
            if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            _logger.info("RPC revert of user #%s done concurrently: %s", uid, error)

    # ------------------------------------------------------------------
    # Switch (private: never reachable through JSON-RPC)
    # ------------------------------------------------------------------

    def _udm_fetch_policy(self):
        """Read the switch settings of these users in one query (none if cached).

        Why: they are admin-only fields (groups=), which Odoo does not prefetch
        together, so each would cost a query of its own; and the caches are cold after
        every switch or revert of anyone (group changes clear them in every worker).
        """
        self.sudo().fetch(UDM_POLICY_FIELDS)

    def _udm_check_switch_allowed(self):
        """Raise UserError when this user may not switch right now. Extension point."""
        self.ensure_one()
        user = self.sudo()
        user._udm_fetch_policy()
        if user._is_public():
            raise UserError(_("Please log in to switch to an internal user."))
        if not user.share:
            raise UserError(_("You are already an internal user."))
        if not user.has_group("base.group_portal"):
            raise UserError(_("Only portal users can switch to an internal user."))
        if not user._udm_is_eligible():
            raise UserError(_("You are not allowed to switch to an internal user."))
        if user._udm_allowed_until_passed():
            raise UserError(
                _(
                    "Your access to internal rights ended on %s.",
                    fields.Date.to_string(user.udm_allowed_until),
                )
            )
        if user.is_access_right_template:
            raise UserError(_("An access right template cannot switch."))
        user._udm_check_window(fields.Datetime.now())

    def _udm_check_window(self, now):
        """Raise UserError outside the template's switch windows, unless a planned
        internal access covers `now`; the message says when the next window opens."""
        self.ensure_one()
        Grant = self.env["portal.internal.switch.grant"]
        if Grant._udm_current(self, now):
            return
        template = self._access_right_template_effective()
        windows = template.sudo().udm_window_ids
        if not windows or windows._udm_current_end(now):
            return
        next_start = windows._udm_next_start(now)
        Switch = self.env["portal.internal.switch"]
        raise UserError(
            _(
                "Internal access with %(template)s is open at set times only. The next "
                "window opens at %(time)s.",
                template=template.sudo().name,
                time=Switch._udm_format_clock(next_start, self),
            )
            if next_start
            else _(
                "Internal access with %(template)s is open at set times only.",
                template=template.sudo().name,
            )
        )

    def _udm_second_factor_required(self):
        """Whether Settings ask for a two-factor code at the switch."""
        return (
            self.env["portal.internal.switch"]._udm_get_param(
                PARAM_REQUIRE_TOTP, "False"
            )
            == "True"
        )

    def _udm_has_totp(self):
        """Whether this user has two-factor authentication (auth_totp) enabled."""
        self.ensure_one()
        user = self.sudo()
        return "totp_enabled" in user._fields and user.totp_enabled

    def _udm_check_second_factor(self, code):
        """Check the two-factor code this user typed to switch, with Odoo's own TOTP
        check and its login rate limit; raise UserError when it is missing or wrong,
        or when the user has no two-factor authentication to ask for."""
        self.ensure_one()
        if not self._udm_has_totp():
            raise UserError(
                _(
                    "Switching needs two-factor authentication: enable it on your "
                    "Security page (My Account > Security), then switch."
                )
            )
        code = "".join((code or "").split())
        if not code.isdigit() or len(code) > 10:
            raise UserError(
                _("Please type the 6-digit code of your authenticator app.")
            )
        user = self.sudo()
        try:
            with user._assert_can_auth(user=user.id):
                user._totp_check(int(code))
        except AccessDenied as denied:
            # Odoo's words: a wrong code, or too many attempts ("please wait")
            raise UserError(
                str(denied.args[0])
                if denied.args and denied.args[0] != "Access Denied"
                else _("Verification failed, please double-check the 6-digit code.")
            ) from denied

    def _udm_access_ends(self, template, now):
        """When a switch opened at `now` must end at the latest because of its window
        or planned access (a UTC datetime), or None."""
        self.ensure_one()
        grant = self.env["portal.internal.switch.grant"]._udm_current(self, now)
        if grant:
            return grant.date_end
        return template.sudo().udm_window_ids._udm_current_end(now)

    def _udm_has_planned_access(self, now):
        """Whether a planned internal access covers `now` (no request needed)."""
        self.ensure_one()
        return bool(self.env["portal.internal.switch.grant"]._udm_current(self, now))

    def _udm_is_eligible(self):
        """Whether this user may switch at all: "Allow Portal Access Internal", or a
        group whose members may switch (Settings). The date limit is checked apart."""
        self.ensure_one()
        user = self.sudo()
        if user.allow_portal_access_internal:
            return True
        # one query, instead of reading every group of the user and their flags:
        # this runs on each /my of every portal user, most of whom may not switch
        return bool(
            self.env["res.groups"]
            .sudo()
            .search_count(
                [("udm_may_switch", "=", True), ("users", "in", user.ids)], limit=1
            )
        )

    def _udm_can_switch(self):
        """Whether the portal shows this user the switch (eligible, date not past)."""
        self.ensure_one()
        user = self.sudo()
        user._udm_fetch_policy()
        if user._is_public() or not user.share or not user._udm_is_eligible():
            return False
        return not user._udm_allowed_until_passed()

    @api.model
    def _udm_today(self):
        """Today's date for "Allowed until": in the company's timezone (its partner's),
        else UTC; never the user's own timezone, which a portal user may set
        themselves and so gain up to a day."""
        tz = self.env.company.sudo().partner_id.tz or "UTC"
        return fields.Date.context_today(self.with_context(tz=tz))

    def _udm_allowed_until_passed(self):
        """Whether this user's "Allowed until" is a day before today."""
        self.ensure_one()
        until = self.sudo().udm_allowed_until
        return bool(until and until < self._udm_today())

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

    def _udm_switch_to_internal(self, ip_address=None, user_agent=None, **kw):
        """Switch this portal user to internal (see portal.internal.switch._udm_open,
        idempotent); return the switch."""
        self.ensure_one()
        return self.env["portal.internal.switch"]._udm_open(
            self, ip_address=ip_address, user_agent=user_agent, **kw
        )

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

    def _udm_revert(self, reason):
        """Switch these users back to portal if they are switched (idempotent)."""
        switches = (
            self.env["portal.internal.switch"]
            .sudo()
            .search([("user_id", "in", self.ids), ("state", "=", "active")])
        )
        return switches._udm_revert(reason)

    def _udm_pop_revert_notice(self):
        """Reason of the last revert not yet shown on the portal; then forget it."""
        self.ensure_one()
        unseen = (
            self.env["portal.internal.switch"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.id),
                    ("state", "=", "reverted"),
                    ("notice_shown", "=", False),
                ],
                order="end_date desc, id desc",
            )
        )
        if not unseen:
            return False
        # the latest reason is shown; every older unseen one is marked as well, so a
        # single message is shown
        unseen._udm_own().write({"notice_shown": True})
        return unseen[0].reason
