# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PARAM_REQUIRE_REASON = "user_dynamic_management.require_reason"
PARAM_REQUIRE_APPROVAL = "user_dynamic_management.require_approval"
PARAM_APPROVER_GROUP = "user_dynamic_management.approver_group_id"
PARAM_APPROVAL_VALIDITY = "user_dynamic_management.approval_validity"
PARAM_REQUEST_EXPIRY = "user_dynamic_management.request_expiry"
DEFAULT_APPROVAL_VALIDITY = 24  # hours to use an approval
DEFAULT_REQUEST_EXPIRY = 48  # hours an unanswered request waits


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
    switch_id = fields.Many2one(
        comodel_name="portal.internal.switch",
        readonly=True,
        ondelete="set null",
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
        group = (
            self.env["res.groups"]
            .sudo()
            .browse(self._udm_param(PARAM_APPROVER_GROUP))
            .exists()
        )
        return group or self.env.ref("base.group_erp_manager")

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
    def _udm_check_approver(self, admins_too=False):
        """Raise AccessError unless the current user may decide on Full User Requests:
        an internal user of the approvers group (with `admins_too`, or an Access
        Rights administrator), never a portal user switched to internal, whatever
        groups their template gives them.
        """
        user = self.env.user
        groups = self._udm_approver_group()
        if admins_too:
            groups |= self.env.ref("base.group_erp_manager")
        if user.share or not (groups & user.sudo().groups_id):
            raise AccessError(_("Only approvers can decide on Full User Requests."))
        if self.env["portal.internal.switch"].sudo()._udm_active_for_user(user.id):
            raise AccessError(
                _(
                    "A portal user switched to internal cannot decide on Full User "
                    "Requests."
                )
            )

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
            [("user_id", "=", user.id), ("state", "in", ("pending", "approved"))]
        ):
            raise UserError(_("You already have a request waiting or approved."))
        now = fields.Datetime.now()
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

    def _udm_notify_approvers(self):
        """An activity for each approver, and an e-mail (they follow the request);
        never to the user who asks, under any of their accounts."""
        self.ensure_one()
        approvers = self._udm_approvers().filtered(
            lambda approver: approver.partner_id != self.user_id.partner_id
        )
        for approver in approvers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=approver.id,
                summary=_("Full User Request of %s", self.user_id.name),
                date_deadline=fields.Date.context_today(self, self.expiry_date),
            )
        self.message_subscribe(partner_ids=approvers.partner_id.ids)
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                _(
                    "%(user)s asks for internal access (%(duration)s).",
                    user=self.user_id.name,
                    duration=_("%s minutes", self.duration)
                    if self.duration
                    else _("as long as allowed"),
                ),
                self.reason_text or "",
            ),
            subtype_xmlid="mail.mt_comment",
            partner_ids=approvers.partner_id.ids,
        )

    # ------------------------------------------------------------------
    # Decision (approvers, from the backend)
    # ------------------------------------------------------------------

    def _udm_decide(self, state):
        """Approve or refuse these pending requests (locked: decided once only)."""
        self._udm_check_approver()
        user = self.env.user
        requesters = self.sudo().user_id
        if user in requesters or user.partner_id in requesters.partner_id:
            raise UserError(_("You cannot decide on your own request."))
        self.flush_recordset(["state"])
        # two approvers at once: the second gets 40001 and its replay sees the decision
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM portal_internal_switch_request
                 WHERE id = ANY(%s) AND state = 'pending' FOR NO KEY UPDATE
                """,
                self.ids,
            ),
            log_exceptions=False,
        )
        pending = self.browse([row[0] for row in self.env.cr.fetchall()])
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
        requests = pending.sudo()
        requests.write(values)
        requests.activity_unlink(["mail.mail_activity_data_todo"])
        return requests

    def action_approve(self):
        """Button "Approve": the user may switch once, before the approval expires."""
        self._udm_decide("approved")
        return True

    def action_refuse(self):
        """Button "Refuse"."""
        self._udm_decide("refused")
        return True

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
            [("user_id", "=", user.id), ("state", "in", ("pending", "approved"))]
        )
        if not requests:
            raise UserError(_("You have no request waiting or approved."))
        return requests._udm_withdraw()

    def _udm_withdraw(self):
        """Withdraw these requests, waiting or approved and not used yet. Locked like
        a switch that uses the approval: of the two, the second sees the first."""
        self.flush_recordset(["state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM portal_internal_switch_request
                 WHERE id = ANY(%s) AND state IN ('pending', 'approved')
                   FOR NO KEY UPDATE
                """,
                self.ids,
            ),
            log_exceptions=False,
        )
        withdrawable = self.browse([row[0] for row in self.env.cr.fetchall()])
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
                 WHERE user_id = %s AND state = 'approved' AND expiry_date > %s
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
        return self.sudo().search([("user_id", "=", user.id)], limit=1)

    @api.model
    def _cron_expire_requests(self):
        """Unanswered requests and unused approvals expire."""
        expired = self.sudo().search(
            [
                ("state", "in", ("pending", "approved")),
                ("expiry_date", "<=", fields.Datetime.now()),
            ]
        )
        if expired:
            expired.write({"state": "expired"})
            expired.activity_unlink(["mail.mail_activity_data_todo"])
