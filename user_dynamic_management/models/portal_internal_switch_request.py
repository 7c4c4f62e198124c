# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PARAM_REQUIRE_REASON = "user_dynamic_management.require_reason"
PARAM_REQUIRE_APPROVAL = "user_dynamic_management.require_approval"
PARAM_APPROVER_GROUP = "user_dynamic_management.approver_group_id"
PARAM_APPROVAL_VALIDITY = "user_dynamic_management.approval_validity"
PARAM_REQUEST_EXPIRY = "user_dynamic_management.request_expiry"
DEFAULT_APPROVAL_VALIDITY = 24  # hours to use an approval
DEFAULT_REQUEST_EXPIRY = 48  # hours an unanswered request waits
# approvers named in Settings one by one, besides the approvers group
APPROVERS_XMLID = "user_dynamic_management.group_request_approver"


class PortalInternalSwitchRequest(models.Model):
    """A Full User Request: a portal user asks for internal access, an approver
    decides, the user switches once within the validity of the approval.

    Created and changed only by the addon's methods (sudo), after checking who may do
    what; approvers read them and use the Approve/Refuse buttons. An approval not used
    yet can be withdrawn, by the user on /my or by an approver in the backend.
    """

    _name = "portal.internal.switch.request"
    _description = "Full User Request"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "create_date desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        comodel_name="res.users",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    reason_text = fields.Text(string="Reason", readonly=True)
    duration = fields.Integer(
        string="Wanted Duration",
        readonly=True,
        help="Minutes of internal access asked for (0: as long as the policy allows).",
    )
    state = fields.Selection(
        selection=[
            ("pending", "Waiting for approval"),
            ("approved", "Approved"),
            ("refused", "Refused"),
            ("used", "Used"),
            ("expired", "Expired"),
            ("withdrawn", "Withdrawn"),
            ("cancelled", "Cancelled — approval no longer required"),
        ],
        required=True,
        default="pending",
        readonly=True,
        tracking=True,
        index=True,
    )
    expiry_date = fields.Datetime(
        string="Expires At",
        readonly=True,
        help="Unanswered by then, the request expires; approved, the user must switch "
        "before then.",
    )
    approver_id = fields.Many2one(
        comodel_name="res.users", string="Decided By", readonly=True
    )
    decision_date = fields.Datetime(string="Decided At", readonly=True)
    refusal_reason = fields.Text(
        string="Reason for Refusal",
        readonly=True,
        tracking=True,
        help="Shown to the user on their portal and in the e-mail telling them.",
    )
    can_decide = fields.Boolean(
        compute="_compute_can_decide",
        help="Whether you may approve or refuse this request now.",
    )
    switch_id = fields.Many2one(
        comodel_name="portal.internal.switch",
        readonly=True,
        ondelete="set null",
    )

    @api.depends("state", "user_id")
    @api.depends_context("uid")
    def _compute_can_decide(self):
        may = not self._udm_approver_error()
        user = self.env.user
        for request in self:
            requester = request.sudo().user_id
            request.can_decide = (
                may
                and request.state == "pending"
                and user != requester
                and user.partner_id != requester.partner_id
            )

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    @api.model
    def _udm_param(self, key, default=0):
        value = self.env["portal.internal.switch"]._udm_get_param(key, default)
        try:
            return int(value or 0)
        except ValueError:
            return default

    @api.model
    def _udm_reason_required(self):
        Switch = self.env["portal.internal.switch"]
        return Switch._udm_get_param(PARAM_REQUIRE_REASON, "False") == "True"

    @api.model
    def _udm_approval_required(self):
        Switch = self.env["portal.internal.switch"]
        return Switch._udm_get_param(PARAM_REQUIRE_APPROVAL, "False") == "True"

    @api.model
    def _udm_approver_group(self):
        """The approvers' groups: the group chosen in Settings (Access Rights
        administrators when none), and the approvers named one by one."""
        group = (
            self.env["res.groups"]
            .sudo()
            .browse(self._udm_param(PARAM_APPROVER_GROUP))
            .exists()
        )
        named = self.env.ref(APPROVERS_XMLID, raise_if_not_found=False)
        return (group or self.env.ref("base.group_erp_manager")) | (
            named or group.browse()
        )

    @api.model
    def _udm_approvers(self):
        """The users asked to decide on Full User Requests (activity, e-mail): the
        internal users of the approvers group, less the portal users switched to
        internal, whom a template may have given the group."""
        users = self._udm_approver_group().users.filtered(lambda u: not u.share)
        switched = (
            self.env["portal.internal.switch"]
            .sudo()
            .search([("user_id", "in", users.ids), ("state", "=", "active")])
        )
        return users - switched.user_id

    @api.model
    def _udm_approver_error(self, admins_too=False):
        """Why the current user may not decide on Full User Requests, or None: only
        an internal user of the approvers groups may (with `admins_too`, or an Access
        Rights administrator), never a portal user switched to internal, whatever
        groups their template gives them."""
        user = self.env.user
        groups = self._udm_approver_group()
        if admins_too:
            groups |= self.env.ref("base.group_erp_manager")
        if user.share or not (groups & user.sudo().groups_id):
            return _(
                "Only approvers can decide on Full User Requests. An administrator "
                "names the approvers in Settings, under Users: Require approval."
            )
        if self.env["portal.internal.switch"].sudo()._udm_active_for_user(user.id):
            return _(
                "A portal user switched to internal cannot decide on Full User "
                "Requests."
            )
        return None

    @api.model
    def _udm_check_approver(self, admins_too=False):
        """Raise AccessError unless the current user may decide on Full User Requests
        (see _udm_approver_error)."""
        error = self._udm_approver_error(admins_too=admins_too)
        if error:
            raise AccessError(error)

    # ------------------------------------------------------------------
    # Filing (the portal user)
    # ------------------------------------------------------------------

    @api.model
    def _udm_file(self, user, reason_text=None, duration=0):
        """File a request for the logged-in portal user `user`; return it.

        Refused (UserError, nothing changed) when the user may not switch, already
        has a request waiting or approved, gives no reason while one is required, or
        asks for more than the maximum duration.
        """
        user = user.sudo()
        user.ensure_one()
        user._udm_check_switch_allowed()
        reason_text = (reason_text or "").strip()
        if self._udm_reason_required() and not reason_text:
            raise UserError(_("Please say why you need internal access."))
        if duration < 0:
            raise UserError(_("The wanted duration cannot be negative."))
        template = user._access_right_template_effective()
        maximum = user._udm_policy(template)["max_duration"] if template else 0
        if maximum and duration > maximum:
            raise UserError(
                _(
                    "You can ask for at most %(max)s minutes of internal access.",
                    max=maximum,
                )
            )
        # one open request per user, also with two tabs: lock the user
        self.env.cr.execute(
            SQL("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE", user.id),
            log_exceptions=False,
        )
        if self.sudo().search_count(
            [
                ("user_id", "=", user.id),
                ("kind", "=", "switch"),
                ("state", "in", ("pending", "approved")),
            ]
        ):
            raise UserError(_("You already have a request waiting or approved."))
        now = fields.Datetime.now()
        if template:
            self._udm_check_request_pace(user, user._udm_fairness_policy(template), now)
        expiry = self._udm_param(PARAM_REQUEST_EXPIRY, DEFAULT_REQUEST_EXPIRY)
        request = (
            self.sudo()
            .with_context(mail_create_nolog=True)
            .create(
                {
                    "user_id": user.id,
                    "reason_text": reason_text or False,
                    "duration": duration,
                    "expiry_date": now + timedelta(hours=expiry or 1),
                }
            )
        )
        request._udm_notify_approvers()
        self.env["portal.internal.switch"]._udm_send_mail(
            "user_dynamic_management.mail_template_request_filed", request, user
        )
        return request

    @api.model
    def _udm_check_request_pace(self, user, policy, now):
        """The fairness limits apply to requests too, each of which e-mails the
        approvers: at most the switches per day of requests per day, and after a
        refusal the cooldown before the next request. Raises UserError saying when
        the user may ask again."""
        Switch = self.env["portal.internal.switch"]
        if policy["daily_limit"]:
            day_start = Switch._udm_day_start(now)
            count = self.sudo().search_count(
                [
                    ("user_id", "=", user.id),
                    ("kind", "=", "switch"),
                    ("create_date", ">=", day_start),
                ]
            )
            if count >= policy["daily_limit"]:
                raise UserError(
                    _(
                        "You have sent %(count)s requests today, the most allowed per "
                        "day. You can send another from %(time)s.",
                        count=count,
                        time=Switch._udm_format_clock(
                            day_start + timedelta(days=1), user
                        ),
                    )
                )
        if policy["cooldown"]:
            refused = self.sudo().search(
                [
                    ("user_id", "=", user.id),
                    ("kind", "=", "switch"),
                    ("state", "=", "refused"),
                ],
                order="decision_date desc",
                limit=1,
            )
            free_at = refused.decision_date and refused.decision_date + timedelta(
                minutes=policy["cooldown"]
            )
            if free_at and free_at > now:
                raise UserError(
                    _(
                        "Your last request was refused less than %(cooldown)s min "
                        "ago. You can send another in %(delay)s (at %(time)s).",
                        cooldown=policy["cooldown"],
                        delay=Switch._udm_format_delay(free_at - now),
                        time=Switch._udm_format_clock(free_at, user),
                    )
                )

    def _udm_notify_approvers(self):
        """An activity for each approver, due today, and the request posted to them
        (Inbox or e-mail, as each prefers); never to the user who asks, under any of
        their accounts."""
        self.ensure_one()
        approvers = self._udm_assign(self._udm_approvers(), notify=False)
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (self._udm_approvers_message(), self.reason_text or ""),
            subtype_xmlid="mail.mt_comment",
            partner_ids=approvers.partner_id.ids,
        )

    def _udm_approvers_message(self):
        """What the approvers are asked (the request's first message). Extension
        point."""
        self.ensure_one()
        return _(
            "%(user)s asks for internal access (%(duration)s).",
            user=self.user_id.name,
            duration=_("%s minutes", self.duration)
            if self.duration
            else _("as long as allowed"),
        )

    def _udm_activity_summary(self):
        """The summary of the approvers' activity. Extension point."""
        self.ensure_one()
        return _("Full User Request of %s", self.user_id.name)

    def _udm_assign(self, approvers, notify=True):
        """Give each of `approvers` who has none yet an activity on this request,
        due today in their timezone (the systray counts it), and make them follow it;
        return the approvers asked. Without `notify`, the activity is not announced
        (the caller posts the request to them). Never the user who asks."""
        self.ensure_one()
        approvers = approvers.filtered(
            lambda approver: approver.partner_id != self.user_id.partner_id
        )
        assigned = self.activity_ids.user_id
        now = fields.Datetime.now()
        activities = self.with_context(mail_activity_quick_update=not notify)
        for approver in approvers - assigned:
            activities.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=approver.id,
                summary=self._udm_activity_summary(),
                date_deadline=self._udm_due_today(approver, now),
            )
        self.message_subscribe(partner_ids=approvers.partner_id.ids)
        return approvers

    @api.model
    def _udm_due_today(self, approver, now):
        """The day of `now` for `approver`, as mail.activity counts it (the
        approver's timezone, UTC when they have none): an activity due that day
        shows in their systray counter."""
        return fields.Date.context_today(
            self.with_context(tz=approver.tz or "UTC"), now
        )

    @api.model
    def _udm_approvers_changed(self, before):
        """The approvers are now _udm_approvers() instead of `before` (Settings):
        the new ones are asked about the pending requests, those who left lose
        their activities, and the top menu follows the approvers groups."""
        after = self._udm_approvers()
        pending = self.sudo().search([("state", "=", "pending")])
        for request in pending:
            request._udm_assign(after - before)
        pending.activity_ids.filtered(
            lambda activity: activity.user_id in before - after
        ).unlink()
        menu = self.env.ref(
            "user_dynamic_management.menu_full_user_requests_root",
            raise_if_not_found=False,
        )
        groups = self._udm_approver_group() | self.env.ref("base.group_erp_manager")
        if menu and menu.sudo().groups_id != groups:
            menu.sudo().groups_id = [Command.set(groups.ids)]

    # ------------------------------------------------------------------
    # Decision (approvers, from the backend)
    # ------------------------------------------------------------------

    def _udm_check_can_decide(self):
        """Raise unless the current user may decide on these requests now: an
        approver (AccessError), not on their own request (UserError)."""
        self._udm_check_approver()
        user = self.env.user
        requesters = self.sudo().user_id
        if user in requesters or user.partner_id in requesters.partner_id:
            raise UserError(_("You cannot decide on your own request."))

    def _udm_lock(self, states):
        """These requests still in `states`, locked to the end of the transaction:
        of two decisions, withdrawals or uses at once, the second gets 40001 and its
        replay sees the first."""
        self.flush_recordset(["state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM portal_internal_switch_request
                 WHERE id = ANY(%s) AND state = ANY(%s) FOR NO KEY UPDATE
                """,
                self.ids,
                list(states),
            ),
            log_exceptions=False,
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _udm_decide(self, state, refusal_reason=False):
        """Approve or refuse these pending requests (locked: decided once only), and
        tell the users by e-mail."""
        self._udm_check_can_decide()
        pending = self._udm_lock(["pending"])
        if pending != self:
            raise UserError(_("This request was already decided, or has expired."))
        now = fields.Datetime.now()
        values = {
            "state": state,
            "approver_id": self.env.user.id,
            "decision_date": now,
        }
        if state == "approved":
            validity = self._udm_param(
                PARAM_APPROVAL_VALIDITY, DEFAULT_APPROVAL_VALIDITY
            )
            values["expiry_date"] = now + timedelta(hours=validity or 1)
        else:
            values["refusal_reason"] = refusal_reason or False
        requests = pending.sudo()
        requests.write(values)
        requests.activity_unlink(["mail.mail_activity_data_todo"])
        requests._udm_tell_requester(
            f"user_dynamic_management.mail_template_request_{state}"
        )
        return requests

    def _udm_tell_requester(self, template_xmlid):
        """E-mail each user who asked about their request (approved, refused, no
        longer needed), in their language. Extension point."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for request in self.filtered(lambda request: request._udm_told_by_mail()):
            template.sudo().send_mail(
                request.id, email_layout_xmlid="mail.mail_notification_light"
            )

    def _udm_told_by_mail(self):
        """Whether the user of this request is told of its decision by e-mail.
        Extension point."""
        self.ensure_one()
        return True

    def action_approve(self):
        """Button "Approve": the user may switch once, before the approval expires."""
        self._udm_decide("approved")
        return True

    def action_refuse(self, refusal_reason=None):
        """Refuse, saying why (shown to the user). The buttons open the dialog of
        action_open_refuse_wizard, where the reason is required."""
        self._udm_decide("refused", refusal_reason=(refusal_reason or "").strip())
        return True

    def action_open_refuse_wizard(self):
        """Button "Refuse": ask the approver why, in a dialog."""
        self.ensure_one()
        self._udm_check_can_decide()
        if self.state != "pending":
            raise UserError(_("This request was already decided, or has expired."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Refuse the Full User Request"),
            "res_model": "portal.internal.switch.request.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def action_withdraw(self):
        """Button "Withdraw": an approval not used yet (or a request still waiting) can
        no longer be used to switch."""
        self._udm_check_approver(admins_too=True)
        self._udm_withdraw()
        return True

    # ------------------------------------------------------------------
    # Withdrawal (the portal user, or an approver)
    # ------------------------------------------------------------------

    @api.model
    def _udm_withdraw_own(self, user):
        """Withdraw the request, waiting or approved and not used yet, of the
        logged-in portal user `user` (UserError when there is none)."""
        requests = self.sudo().search(
            [
                ("user_id", "=", user.id),
                ("kind", "=", "switch"),
                ("state", "in", ("pending", "approved")),
            ]
        )
        if not requests:
            raise UserError(_("You have no request waiting or approved."))
        return requests._udm_withdraw()

    def _udm_withdraw(self):
        """Withdraw these requests, waiting or approved and not used yet. Locked like
        a switch that uses the approval: of the two, the second sees the first."""
        withdrawable = self._udm_lock(["pending", "approved"])
        if withdrawable != self:
            raise UserError(
                _(
                    "This request can no longer be withdrawn: it was used, refused or "
                    "has expired."
                )
            )
        requests = withdrawable.sudo()
        requests.write({"state": "withdrawn"})
        requests.activity_unlink(["mail.mail_activity_data_todo"])
        return requests

    # ------------------------------------------------------------------
    # Approval no longer required (Settings, templates, users)
    # ------------------------------------------------------------------

    def _udm_needs_approval(self):
        """Whether the user of this request still needs an approval to switch
        (their policy; True when no template applies: the request then waits)."""
        self.ensure_one()
        user = self.sudo().user_id
        template = user._access_right_template_effective()
        return not template or user._udm_policy(template)["approval"]

    @api.model
    def _udm_cancel_not_needed(self):
        """Close the pending requests of the users who no longer need an approval
        ("Require approval" unticked, or their template or account says so): they
        can switch straight away, and an e-mail tells them."""
        pending = self.sudo().search([("state", "=", "pending")])
        needless = pending.filtered(lambda request: not request._udm_needs_approval())
        if not needless:
            return needless
        requests = needless._udm_lock(["pending"]).sudo()
        requests.write({"state": "cancelled"})
        requests.activity_unlink(["mail.mail_activity_data_todo"])
        requests._udm_tell_requester(
            "user_dynamic_management.mail_template_request_cancelled"
        )
        return requests

    # ------------------------------------------------------------------
    # Use (the portal user switches with an approved request)
    # ------------------------------------------------------------------

    @api.model
    def _udm_lock_usable(self, user):
        """The approved, unexpired request of `user`, locked (used once only), or an
        empty recordset."""
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM portal_internal_switch_request
                 WHERE user_id = %s AND kind = 'switch' AND state = 'approved'
                   AND expiry_date > %s
              ORDER BY id DESC LIMIT 1
                   FOR NO KEY UPDATE
                """,
                user.id,
                fields.Datetime.now(),
            ),
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        return self.sudo().browse(row[0] if row else [])

    @api.model
    def _udm_for_portal(self, user):
        """The user's latest request, shown on /my (or an empty recordset)."""
        return self.sudo().search(
            [("user_id", "=", user.id), ("kind", "=", "switch")], limit=1
        )

    def _udm_sent_today(self):
        """Whether this request was sent today, in the reader's timezone (/my then
        shows the time of day only)."""
        self.ensure_one()
        return fields.Date.context_today(self, self.create_date) == (
            fields.Date.context_today(self)
        )

    @api.model
    def _cron_expire_requests(self):
        """Unanswered requests and unused approvals expire; pending requests no
        longer needed are closed (see _udm_cancel_not_needed)."""
        self._udm_cancel_not_needed()
        expired = self.sudo().search(
            [
                ("state", "in", ("pending", "approved")),
                ("expiry_date", "<=", fields.Datetime.now()),
            ]
        )
        if expired:
            expired.write({"state": "expired"})
            expired.activity_unlink(["mail.mail_activity_data_todo"])
