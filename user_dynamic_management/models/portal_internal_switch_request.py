# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Full User Requests: the record, its locks and what /my shows of it. Its jobs are
in portal_internal_switch_request_*.py: approvers and settings, filing, decision and
withdrawal, expiry; extension requests in portal_internal_switch_request_extension.py.
"""

from odoo import api, fields, models
from odoo.tools import SQL

# names other modules import from here (the request settings)
from .const import (  # noqa: F401
    APPROVERS_XMLID,
    DEFAULT_APPROVAL_VALIDITY,
    DEFAULT_REQUEST_EXPIRY,
    PARAM_APPROVAL_VALIDITY,
    PARAM_APPROVER_GROUP,
    PARAM_REQUEST_EXPIRY,
    PARAM_REQUIRE_APPROVAL,
    PARAM_REQUIRE_REASON,
)


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
    # Locks: of two decisions, withdrawals or uses at once, the second waits
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # What /my shows
    # ------------------------------------------------------------------

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
