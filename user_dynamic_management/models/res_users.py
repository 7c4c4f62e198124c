# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The switch policy fields of users and templates, the switch entry points, and the
create/write/unlink overrides (what they check and end lives in res_users_*.py)."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .const import MANAGER_GROUP, is_own_write


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

    def _compute_udm_switch_status(self):
        """The number of switches of each user, and their open switch's status."""
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
        """Whether a switch of this user, or with this template, would have no end."""
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
    # CRUD: a switched user administers no account; administrators' changes may end
    # a running switch (res_users_account_guard.py, res_users_withdrawal.py)
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """A switched user creates no user (res_users_account_guard.py)."""
        self._udm_check_switched_administers_users()
        return super().create(vals_list)

    def write(self, vals):
        """A switched user changes no other account; a change that may withdraw what
        allowed a running switch ends it, and the groups a switched user changes
        themselves belong to their switch (see res_users_withdrawal.py)."""
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

    def unlink(self):
        """Close the open switches of the users deleted (reason `admin`)."""
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

    # ------------------------------------------------------------------
    # Switch (private: never reachable through JSON-RPC)
    # ------------------------------------------------------------------

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

    def _udm_switch_to_internal(self, ip_address=None, user_agent=None, **kw):
        """Switch this portal user to internal (see portal.internal.switch._udm_open,
        idempotent); return the switch."""
        self.ensure_one()
        return self.env["portal.internal.switch"]._udm_open(
            self, ip_address=ip_address, user_agent=user_agent, **kw
        )

    def _udm_revert(self, reason):
        """Switch these users back to portal if they are switched (idempotent)."""
        switches = (
            self.env["portal.internal.switch"]
            .sudo()
            .search([("user_id", "in", self.ids), ("state", "=", "active")])
        )
        return switches._udm_revert(reason)

    def _udm_pop_revert_notice(self):
        """Reason of the last revert not yet shown on the portal; then forget it.

        One UPDATE marks every unseen revert (a single message is shown, the
        latest): of two pages loading at once, the second waits, gets 40001 and is
        replayed by Odoo, then finds nothing to show; that expected conflict is not
        logged as an error."""
        self.ensure_one()
        Switch = self.env["portal.internal.switch"]
        Switch.flush_model(["user_id", "state", "notice_shown"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE portal_internal_switch SET notice_shown = TRUE
                 WHERE user_id = %s AND state = 'reverted'
                   AND notice_shown IS NOT TRUE
                RETURNING reason, end_date, id
                """,
                self.id,
            ),
            log_exceptions=False,
        )
        rows = self.env.cr.fetchall()
        Switch.invalidate_model(["notice_shown"])
        if not rows:
            return False
        return max(rows, key=lambda row: (row[1], row[2]))[0]
