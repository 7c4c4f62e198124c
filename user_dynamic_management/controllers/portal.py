# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _
from odoo.exceptions import AccessDenied, UserError, ValidationError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.portal_internal_switch import PARAM_CONFIRM_PASSWORD, UdmLimitReached

_logger = logging.getLogger(__name__)

SESSION_MESSAGE_KEY = "user_dynamic_management_message"


class UserDynamicManagementPortal(CustomerPortal):
    @route()
    def home(self, **kw):
        response = super().home(**kw)
        if getattr(response, "qcontext", None) is not None:
            response.qcontext.update(self._udm_home_values())
        return response

    def _udm_home_values(self):
        """Values of the "Switch to Internal User" block and of the messages on /my."""
        user = request.env.user
        messages = []
        message = request.session.pop(SESSION_MESSAGE_KEY, None)
        if message:
            messages.append(message)
        can_switch = False
        if not user._is_public() and user.share:
            reason = user._udm_pop_revert_notice()
            if reason:
                messages.append(
                    {"type": "info", "text": self._udm_revert_message(reason)}
                )
            # reading one's own admin-only flag: the user is the logged-in one, sudo is
            # safe
            can_switch = user.sudo().allow_portal_access_internal
        return {
            "udm_can_switch": can_switch,
            "udm_confirm_password": self._udm_confirm_password(),
            "udm_messages": messages,
        }

    @staticmethod
    def _udm_revert_message(reason):
        return {
            "idle": _(
                "You were switched back to a portal user because you were idle "
                "for too long."
            ),
            "logout": _("You were switched back to a portal user when you logged out."),
            "admin": _("An administrator switched you back to a portal user."),
        }.get(reason, _("You were switched back to a portal user."))

    @staticmethod
    def _udm_confirm_password():
        ICP = request.env["ir.config_parameter"].sudo()
        return ICP.get_param(PARAM_CONFIRM_PASSWORD, "False") == "True"

    @route(
        "/my/switch_to_internal",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def switch_to_internal(self, password=None, **kw):
        """Switch the logged-in portal user to internal. POST only, CSRF-checked by the
        route.

        No user id is ever read from the request: only the session's user can be
        switched.
        """
        user = request.env.user
        try:
            # every refusal rolls back whatever was done before it
            with request.env.cr.savepoint():
                if self._udm_confirm_password():
                    self._udm_check_password(user, password)
                user._udm_switch_to_internal(
                    ip_address=request.httprequest.remote_addr,
                    user_agent=request.httprequest.user_agent.string,
                    reason_text=kw.get("reason"),
                )
        except AccessDenied:
            _logger.info(
                "Switch to internal refused for %s: wrong password", user.login
            )
            return self._udm_back_to_my(_("Wrong password: you were not switched."))
        except (UserError, ValidationError) as error:
            # (a double submit is no error: the switch is idempotent)
            _logger.info("Switch to internal refused for %s: %s", user.login, error)
            if isinstance(error, UdmLimitReached):
                # after the rollback of the refused switch, so that the e-mail stays
                request.env["portal.internal.switch"].sudo()._udm_notify_refused(
                    user, str(error.args[0])
                )
            return self._udm_back_to_my(str(error.args[0]))
        return request.redirect("/web", 303)

    def _udm_check_password(self, user, password):
        """Raise AccessDenied unless `password` is the user's password (login rate limit
        applies).
        """
        if not password:
            raise AccessDenied()
        with user._assert_can_auth(user=user.id):
            user._check_credentials(password, {"interactive": True})

    def _udm_back_to_my(self, text, message_type="danger"):
        request.session[SESSION_MESSAGE_KEY] = {"type": message_type, "text": text}
        return request.redirect("/my", 303)
