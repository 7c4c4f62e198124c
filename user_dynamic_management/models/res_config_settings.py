# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .portal_internal_switch import (
    PARAM_CONFIRM_PASSWORD,
    PARAM_MAX,
    PARAM_MAX_SEATS,
    PARAM_NOTIFY_MANAGERS,
    PARAM_NOTIFY_USER,
    PARAM_TIME_LIMIT,
)
from .portal_internal_switch_request import (
    PARAM_APPROVAL_VALIDITY,
    PARAM_APPROVER_GROUP,
    PARAM_REQUEST_EXPIRY,
    PARAM_REQUIRE_APPROVAL,
    PARAM_REQUIRE_REASON,
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
        help="Internal users of this group approve or refuse Full User Requests "
        "(empty: Access Rights administrators).",
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
    udm_eligible_group_ids = fields.Many2many(
        comodel_name="res.groups",
        string="Portal users in these groups may switch",
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
