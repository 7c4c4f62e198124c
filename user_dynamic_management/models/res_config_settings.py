# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .portal_internal_switch import (
    PARAM_CONFIRM_PASSWORD,
    PARAM_MAX,
    PARAM_MAX_SEATS,
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
    udm_seats_in_use = fields.Integer(
        string="Seats in use now",
        compute="_compute_udm_seats_in_use",
        help="Portal users switched to internal right now.",
    )

    def _compute_udm_seats_in_use(self):
        in_use = self.env["portal.internal.switch"].sudo()._udm_seats_in_use()
        for settings in self:
            settings.udm_seats_in_use = in_use

    @api.constrains("udm_max_portal_user", "udm_time_limit", "udm_max_seats")
    def _check_udm_quota(self):
        for settings in self:
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
