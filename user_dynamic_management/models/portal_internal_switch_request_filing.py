# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Filing a Full User Request (the portal user): the checks, one open request per
user, the pace of requests (the fairness limits apply to them too)."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .const import DEFAULT_REQUEST_EXPIRY, PARAM_REQUEST_EXPIRY


class PortalInternalSwitchRequest(models.Model):
    _inherit = "portal.internal.switch.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _udm_file(self, user, reason_text=None, duration=0):
        """File a request for the logged-in portal user `user`; return it.

        Refused (UserError, nothing changed) when the user may not switch, already
        has a request waiting or approved, gives no reason while one is required, or
        asks for more than the maximum duration.
        """
        user = user.sudo()
        user.ensure_one()
        reason_text, template = self._udm_check_filing(user, reason_text, duration)
        self._udm_check_one_open(user)
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
    def _udm_check_filing(self, user, reason_text, duration):
        """Check what the portal user `user` asks for (see _udm_file); return (the
        reason, stripped; their template, maybe empty). Raises UserError when they
        may not switch, give no reason while one is required, or ask for a negative
        duration or more than the maximum duration."""
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
        return reason_text, template

    @api.model
    def _udm_check_one_open(self, user):
        """Raise UserError when `user` already has a request waiting or approved."""
        # one open request per user, also with two tabs or two servers: UPDATE the
        # user's row (a lock alone is not enough under REPEATABLE READ, the second
        # filing would count on its old snapshot): the second gets 40001 once the
        # first commits, and its replay finds the first request
        self.env.cr.execute(
            SQL("UPDATE res_users SET write_date = write_date WHERE id = %s", user.id),
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
