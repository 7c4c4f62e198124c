# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _
from odoo.exceptions import UserError, ValidationError
from odoo.http import request, route

from .portal import UserDynamicManagementPortal

_logger = logging.getLogger(__name__)


class UserDynamicManagementRequestPortal(UserDynamicManagementPortal):
    """Full User Requests on /my: file one, see its state."""

    def _udm_home_values(self):
        values = super()._udm_home_values()
        user = request.env.user
        Request = request.env["portal.internal.switch.request"]
        needs_approval = False
        # the card above already asked _udm_can_switch(): not again, it queries
        if values["udm_can_switch"]:
            template = user.sudo()._access_right_template_effective()
            needs_approval = bool(template) and user._udm_policy(template)["approval"]
        last_request = Request._udm_for_portal(user) if needs_approval else None
        if needs_approval and values.get("udm_card"):
            # the switch button only serves an approved request; otherwise the
            # request form below is the way in
            values["udm_card"]["needs_request"] = not (
                last_request and last_request.state == "approved"
            )
        values.update(
            {
                "udm_needs_approval": needs_approval,
                "udm_request": last_request,
                "udm_reason_required": Request._udm_reason_required(),
            }
        )
        return values

    @route(
        "/my/switch_request",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def switch_request(self, reason=None, duration=None, **kw):
        """File a Full User Request for the logged-in portal user (POST, CSRF-checked
        by the route; no user id is read from the request)."""
        user = request.env.user
        try:
            values = self._udm_clean_inputs(reason=reason, duration=duration)
            with request.env.cr.savepoint():
                request.env["portal.internal.switch.request"]._udm_file(
                    user, reason_text=values["reason"], duration=values["duration"]
                )
        except (UserError, ValidationError) as error:
            _logger.info("Full User Request refused for %s: %s", user.login, error)
            return self._udm_back_to_my(str(error.args[0]))
        return self._udm_back_to_my(
            _("Your request was sent. You can switch once it is approved."), "success"
        )

    @route(
        "/my/switch_request/withdraw",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def switch_request_withdraw(self, **kw):
        """Withdraw the logged-in portal user's request, waiting or approved and not
        used yet (POST, CSRF-checked by the route; no request id is read from the
        request: the user's own open request only)."""
        user = request.env.user
        try:
            with request.env.cr.savepoint():
                request.env["portal.internal.switch.request"]._udm_withdraw_own(user)
        except UserError as error:
            _logger.info("Withdrawal refused for %s: %s", user.login, error)
            return self._udm_back_to_my(str(error.args[0]))
        return self._udm_back_to_my(_("Your request was withdrawn."), "success")
