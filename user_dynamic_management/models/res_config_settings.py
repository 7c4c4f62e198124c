# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from .const import (
    APPROVERS_XMLID,
    PARAM_APPROVAL_VALIDITY,
    PARAM_APPROVER_GROUP,
    PARAM_CONFIRM_PASSWORD,
    PARAM_MAX,
    PARAM_MAX_SEATS,
    PARAM_NOTIFY_MANAGERS,
    PARAM_NOTIFY_USER,
    PARAM_REQUEST_EXPIRY,
    PARAM_REQUIRE_APPROVAL,
    PARAM_REQUIRE_REASON,
    PARAM_REQUIRE_TOTP,
    PARAM_TIME_LIMIT,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    udm_max_portal_user = fields.Integer(
        string="Max Portal User Can Login",
        config_parameter=PARAM_MAX,
        help="At most this many portal users may switch to internal within any "
        "'Time limit' minutes (0: no limit).",
    )
    udm_time_limit = fields.Integer(
        string="Time limit",
        config_parameter=PARAM_TIME_LIMIT,
        help="Length in minutes of the sliding window of 'Max Portal User Can Login'.",
    )
    udm_require_totp = fields.Boolean(
        string="Require two-factor authentication to switch",
        config_parameter=PARAM_REQUIRE_TOTP,
        help="Portal users with two-factor authentication type their code to switch; "
        "those without it are told to enable it on their Security page and cannot "
        "switch.",
    )
    udm_confirm_password = fields.Boolean(
        string="Confirm switch with password",
        config_parameter=PARAM_CONFIRM_PASSWORD,
        help="Portal users type their password again to switch to an internal user.",
    )

    udm_max_seats = fields.Integer(
        string="Internal at the same time",
        config_parameter=PARAM_MAX_SEATS,
        help="At most this many portal users may be switched to internal at the same "
        "time (0: no limit).",
    )
    # a default, not a compute: the settings form is a new record whose first
    # onchange takes defaults only
    udm_seats_in_use = fields.Integer(
        string="Seats in use now",
        default=lambda self: self.env["portal.internal.switch"]
        .sudo()
        ._udm_seats_in_use(),
        readonly=True,
        help="Portal users switched to internal right now.",
    )

    udm_require_reason = fields.Boolean(
        string="Require a reason",
        config_parameter=PARAM_REQUIRE_REASON,
        help="Portal users say why they need internal access; the reason is kept on "
        "the switch.",
    )
    udm_require_approval = fields.Boolean(
        string="Require approval",
        config_parameter=PARAM_REQUIRE_APPROVAL,
        help="The portal user's button files a Full User Request; an approver approves "
        "or refuses it. Templates and users may override this.",
    )
    udm_approver_group_id = fields.Many2one(
        comodel_name="res.groups",
        string="Approvers",
        config_parameter=PARAM_APPROVER_GROUP,
        domain=[("share", "=", False)],
        help="Internal users of this group approve or refuse Full User Requests "
        "(Access Rights administrators when empty).",
    )
    # the default fills the form (its first onchange takes defaults only), the
    # compute a saved record
    udm_approver_user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Also approved by",
        default=lambda self: self._udm_named_approvers(),
        compute="_compute_udm_approver_user_ids",
        inverse="_inverse_udm_approver_user_ids",
        domain=[("share", "=", False)],
        help="These internal users approve or refuse Full User Requests too "
        "(group 'Full User Request approvers').",
    )
    udm_approval_validity = fields.Integer(
        string="Approval valid for",
        config_parameter=PARAM_APPROVAL_VALIDITY,
        default=24,
        help="Hours during which an approved request can be used, once.",
    )
    udm_request_expiry = fields.Integer(
        string="Requests expire after",
        config_parameter=PARAM_REQUEST_EXPIRY,
        default=48,
        help="Hours after which an unanswered request expires.",
    )
    # a default too, or the form shows none and saving it unticks them all
    udm_eligible_group_ids = fields.Many2many(
        comodel_name="res.groups",
        string="Portal users in these groups may switch",
        default=lambda self: self.env["res.groups"]
        .sudo()
        .search([("udm_may_switch", "=", True)]),
        compute="_compute_udm_eligible_group_ids",
        inverse="_inverse_udm_eligible_group_ids",
    )

    udm_notify_managers = fields.Boolean(
        string="E-mail the Portal switch managers",
        config_parameter=PARAM_NOTIFY_MANAGERS,
        help="On every switch, revert (with its reason), Full User Request and "
        "refused switch, the members of the 'Portal switch managers' group get an "
        "e-mail.",
    )
    udm_notify_user = fields.Boolean(
        string="Send the user a copy",
        config_parameter=PARAM_NOTIFY_USER,
        help="The portal user gets a copy of the e-mails about their switches.",
    )

    def _compute_udm_eligible_group_ids(self):
        groups = self.env["res.groups"].sudo().search([("udm_may_switch", "=", True)])
        for settings in self:
            settings.udm_eligible_group_ids = groups

    def _inverse_udm_eligible_group_ids(self):
        Groups = self.env["res.groups"].sudo()
        wanted = self[:1].udm_eligible_group_ids.sudo()
        current = Groups.search([("udm_may_switch", "=", True)])
        (current - wanted).write({"udm_may_switch": False})
        (wanted - current).write({"udm_may_switch": True})

    def _compute_udm_approver_user_ids(self):
        approvers = self._udm_named_approvers()
        for settings in self:
            settings.udm_approver_user_ids = approvers

    def _inverse_udm_approver_user_ids(self):
        wanted = self[:1].udm_approver_user_ids.sudo()
        Switch = self.env["portal.internal.switch"].sudo()
        for user in wanted:
            if user.share or Switch._udm_active_for_user(user.id):
                raise UserError(
                    _(
                        "%s is a portal user: only internal users can approve Full "
                        "User Requests.",
                        user.name,
                    )
                )
        current = self._udm_named_approvers()
        changes = [Command.unlink(user.id) for user in current - wanted]
        changes += [Command.link(user.id) for user in wanted - current]
        if changes:
            Request = self.env["portal.internal.switch.request"].sudo()
            before = Request._udm_approvers()
            self.env.ref(APPROVERS_XMLID).sudo().write({"users": changes})
            Request._udm_approvers_changed(before)

    @api.constrains(
        "udm_max_portal_user",
        "udm_time_limit",
        "udm_max_seats",
        "udm_approval_validity",
        "udm_request_expiry",
    )
    def _check_udm_quota(self):
        for settings in self:
            if settings.udm_approval_validity < 0 or settings.udm_request_expiry < 0:
                raise ValidationError(
                    _("The Full User Request delays cannot be negative.")
                )
            if settings.udm_max_seats < 0:
                raise ValidationError(
                    _("The number of internal seats cannot be negative (0: no limit).")
                )
            if settings.udm_max_portal_user < 0 or settings.udm_time_limit < 0:
                raise ValidationError(_("The portal switch limits cannot be negative."))
            if settings.udm_max_portal_user and not settings.udm_time_limit:
                raise ValidationError(
                    _(
                        "Set a 'Time limit' (in minutes) for "
                        "'Max Portal User Can Login'."
                    )
                )

    def set_values(self):
        """Besides saving: the approvers the change adds are asked about the pending
        requests, the top menu follows them, and the pending requests no longer
        needed (approval unticked) are closed."""
        Request = self.env["portal.internal.switch.request"].sudo()
        before = Request._udm_approvers()
        res = super().set_values()
        Request._udm_approvers_changed(before)
        Request._udm_cancel_not_needed()
        return res

    def _udm_named_approvers(self):
        """The users named approvers one by one, as the settings show them: internal
        users, less the portal users switched to internal."""
        group = self.env.ref(APPROVERS_XMLID).sudo()
        switched = (
            self.env["portal.internal.switch"]
            .sudo()
            .search([("user_id", "in", group.users.ids), ("state", "=", "active")])
        )
        return group.users.filtered(lambda u: not u.share) - switched.user_id
