# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_datetime

# names other modules import from here (settings keys, marker, reasons, helpers)
from .const import (  # noqa: F401
    ACTIVITY_WRITE_INTERVAL,
    BUS_REVERTED,
    CRON_WAIT_MAX,
    CTX_OWN_WRITE,
    OWN_WRITE,
    OWN_WRITE_CONTEXT,
    PARAM_CONFIRM_PASSWORD,
    PARAM_MAX,
    PARAM_MAX_SEATS,
    PARAM_NOTIFY_MANAGERS,
    PARAM_NOTIFY_USER,
    PARAM_PREFIX,
    PARAM_REQUIRE_TOTP,
    PARAM_TIME_LIMIT,
    REASONS,
    REQUEST_CHECK_INTERVAL,
    UdmLimitReached,
    _OwnWriteMarker,
    is_own_write,
)
from .switch_time import _due_reason, _epoch_ms  # noqa: F401

_logger = logging.getLogger(__name__)


class PortalInternalSwitch(models.Model):
    """One period during which a portal user was switched to an internal user.

    Holds the groups the switch added and removed, so the revert undoes exactly that
    and keeps whatever an administrator changed meanwhile. An audit log: written only
    by the addon's private methods (sudo), never changed nor deleted from the UI or
    RPC, and kept (with the user's name and login) when the user is deleted. Access
    Rights administrators may read them.
    """

    _name = "portal.internal.switch"
    _inherit = "udm.audit.log.mixin"
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
    # An audit log: only the addon's own code writes it (udm.audit.log.mixin)
    # ------------------------------------------------------------------

    def _udm_own_write_refusal(self):
        """What a change that does not come from the addon's private methods is told
        (see udm.audit.log.mixin)."""
        return _("Portal switches are an audit log: they cannot be changed or deleted.")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _udm_check_can_revert(self):
        """Only Access Rights administrators revert a switch, one they can read."""
        if not self.env.user.has_group("base.group_erp_manager"):
            raise AccessError(
                _("Only Access Rights administrators can revert a switch.")
            )
        self.check_access_rights("read")
        self.check_access_rule("read")

    def action_confirm_revert(self, log_out=False):
        """Buttons "Revert now" and "Revert and log out": a dialog names the user and
        what they lose before anything happens."""
        self.ensure_one()
        self._udm_check_can_revert()
        if self.state != "active":
            raise UserError(_("%s is no longer switched to internal.", self.user_name))
        return self.env["portal.internal.switch.revert"]._udm_open(self, log_out)

    def action_revert_now(self):
        """Button "Revert now" (after its confirmation): an Access Rights administrator
        switches the user back to portal.
        """
        self._udm_check_can_revert()
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
