# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re

from odoo import _
from odoo.exceptions import AccessDenied, UserError, ValidationError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.portal_internal_switch import PARAM_CONFIRM_PASSWORD, UdmLimitReached
from .switch_card import UdmSwitchCard

_logger = logging.getLogger(__name__)

SESSION_MESSAGE_KEY = "user_dynamic_management_message"
# the reason typed before a refused switch, written back in the form once
SESSION_REASON_KEY = "user_dynamic_management_reason"
# set by a logout that reverted the user (controllers/session.py): this browser's login
# page said why, its next /my stays silent
SESSION_LOGGED_OUT_KEY = "user_dynamic_management_logged_out"

# Bounds of what the suite's forms accept, checked before PostgreSQL or passlib sees a
# value (see _udm_clean_inputs)
REASON_MAX_LENGTH = 2000
# passlib refuses longer secrets (PasswordSizeError)
PASSWORD_MAX_LENGTH = 4096
# minutes; a PostgreSQL integer
DURATION_MAX = 2**31 - 1
USER_AGENT_MAX_LENGTH = 512
DURATION_RE = re.compile(r"[+-]?[0-9]+")


class UserDynamicManagementPortal(UdmSwitchCard, CustomerPortal):
    @route()
    def home(self, **kw):
        response = super().home(**kw)
        if getattr(response, "qcontext", None) is not None:
            response.qcontext.update(self._udm_home_values())
        return response

    def _udm_home_values(self):
        """Values of the "Switch to Internal User" card and of the messages on /my."""
        user = request.env.user
        messages = []
        message = request.session.pop(SESSION_MESSAGE_KEY, None)
        if message:
            messages.append(message)
        kept_reason = request.session.pop(SESSION_REASON_KEY, None)
        card = False
        if not user._is_public():
            if user.share:
                text = self._udm_revert_notice(user)
                if text:
                    messages.append({"type": "info", "text": text})
            # reading one's own admin-only settings: the user is the logged-in one,
            # sudo is safe
            card = self._udm_card_values(user.sudo())
        return {
            "udm_card": card,
            # kept for templates that inherit the card
            "udm_can_switch": bool(card and card["state"] == "portal"),
            "udm_confirm_password": self._udm_confirm_password(),
            "udm_ask_totp": not user._is_public()
            and user._udm_second_factor_required(),
            "udm_has_totp": not user._is_public() and user._udm_has_totp(),
            "udm_messages": messages,
            # after a refused switch: the reason typed comes back, the password field
            # (empty) gets the focus
            "udm_kept_reason": kept_reason or None,
            "udm_switch_refused": kept_reason is not None,
        }

    def _udm_revert_notice(self, user):
        """The message on /my about `user`'s last revert, once, or False.

        A logout is told to the user's other browsers, sent to /my by the revert: the
        browser that logged out said it on its login page already, and leaves the
        notice to them.
        """
        if self._udm_logged_out_here(user):
            return False
        reason = user._udm_pop_revert_notice()
        if reason == "logout":
            return _("You logged out in another browser: your internal access ended.")
        return reason and self._udm_revert_message(reason)

    @staticmethod
    def _udm_logged_out_here(user):
        """Whether `user`'s last revert not told yet is a logout done in this browser
        (marked by controllers/session.py); the mark goes once it is not."""
        mark = request.session.get(SESSION_LOGGED_OUT_KEY)
        if not isinstance(mark, dict) or mark.get("uid") != user.id:
            return False
        unseen = (
            request.env["portal.internal.switch"]
            .sudo()
            .search(
                [
                    ("user_id", "=", user.id),
                    ("state", "=", "reverted"),
                    ("notice_shown", "=", False),
                ],
                order="end_date desc, id desc",
                limit=1,
            )
        )
        if unseen and unseen.id in mark.get("switch_ids", []):
            return True
        request.session.pop(SESSION_LOGGED_OUT_KEY)
        return False

    @staticmethod
    def _udm_revert_message(reason):
        """Why the user is a portal user again, for a person."""
        return {
            "idle": _(
                "You were switched back to a portal user because you were idle "
                "for too long."
            ),
            "logout": _("You were switched back to a portal user when you logged out."),
            "admin": _("An administrator switched you back to a portal user."),
            "user": _("You switched back to a portal user."),
            "expired": _(
                "You were switched back to a portal user because your internal access "
                "reached its maximum duration."
            ),
        }.get(reason, _("You were switched back to a portal user."))

    @staticmethod
    def _udm_confirm_password():
        Switch = request.env["portal.internal.switch"]
        return Switch._udm_get_param(PARAM_CONFIRM_PASSWORD, "False") == "True"

    @route(
        "/my/switch_to_internal",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def switch_to_internal(self, password=None, duration=None, **kw):
        """Switch the logged-in portal user to internal. POST only, CSRF-checked by the
        route. `duration`: the minutes chosen on the card (none: the policy's
        maximum), checked by the switch.

        No user id is ever read from the request: only the session's user can be
        switched. A refusal is logged (portal.internal.switch.refusal).
        """
        user = request.env.user
        values = {}
        try:
            values = self._udm_clean_inputs(password=password, reason=kw.get("reason"))
            duration = self._udm_clean_switch_duration(duration)
            # every refusal rolls back whatever was done before it
            with request.env.cr.savepoint():
                auth_method = self._udm_confirm_identity(
                    user, values["password"], kw.get("totp_code")
                )
                user._udm_switch_to_internal(
                    ip_address=request.httprequest.remote_addr,
                    user_agent=self._udm_clean_user_agent(
                        request.httprequest.user_agent.string
                    ),
                    reason_text=values["reason"],
                    duration=duration,
                    auth_method=auth_method,
                )
        except AccessDenied:
            _logger.info(
                "Switch to internal refused for %s: wrong password", user.login
            )
            return self._udm_back_to_my(
                _("Wrong password: you were not switched."),
                reason=values["reason"] or "",
            )
        except (UserError, ValidationError) as error:
            # (a double submit is no error: the switch is idempotent)
            return self._udm_switch_refused(user, error, values.get("reason"))
        return request.redirect("/web", 303)

    def _udm_confirm_identity(self, user, password, totp_code):
        """Check who `user` is as Settings ask at the switch (their password, a
        two-factor code); return how they confirmed it (auth_method of the switch:
        "session", "password", "totp" or "password_totp"). Raises AccessDenied for a
        wrong password, UserError for a missing or wrong two-factor code, or when
        Odoo's login rate limit holds the user back.

        The password and the code are one attempt for that rate limit: its count of
        failures is reset only when both are right (a right password must not clear
        the wrong codes typed before it)."""
        confirm_password = self._udm_confirm_password()
        second_factor = user._udm_second_factor_required()
        if confirm_password and not password:
            raise AccessDenied()
        code = second_factor and user._udm_clean_second_factor(totp_code)
        step = None
        try:
            with user._assert_can_auth(user=user.id):
                if confirm_password:
                    step = "password"
                    user._check_credentials(password, {"interactive": True})
                if second_factor:
                    step = "code"
                    user.sudo()._totp_check(code)
        except AccessDenied as denied:
            if step == "password":
                raise
            # the rate limit's words ("please wait"), or a wrong code
            raise UserError(
                str(denied.args[0])
                if denied.args and denied.args[0] != "Access Denied"
                else _("Verification failed, please double-check the 6-digit code.")
            ) from denied
        if second_factor:
            return "password_totp" if confirm_password else "totp"
        return "password" if confirm_password else "session"

    def _udm_switch_refused(self, user, error, reason):
        """Back to /my after the refused switch of `user` (`error`, a UserError or
        ValidationError), with the reason they typed (`reason`); the refusal is
        logged, and a limit reached e-mailed as Settings ask."""
        _logger.info("Switch to internal refused for %s: %s", user.login, error)
        # after the rollback of the refused switch, so that the e-mail and the
        # log stay
        if isinstance(error, UdmLimitReached):
            request.env["portal.internal.switch"].sudo()._udm_notify_refused(
                user, str(error.args[0])
            )
        request.env["portal.internal.switch.refusal"]._udm_record(user, error)
        return self._udm_back_to_my(str(error.args[0]), reason=reason or "")

    def _udm_clean_inputs(self, **values):
        """The fields posted to the suite's forms, checked before they reach PostgreSQL
        or passlib: `reason` (text, no NUL, at most REASON_MAX_LENGTH characters),
        `duration` (minutes: 0 to DURATION_MAX, returned as an int) and `password` (at
        most PASSWORD_MAX_LENGTH characters). Missing values are returned as they are.

        Raises UserError, with a message for the user, for a value the form cannot
        have sent; the routes then show the form again, never an error 500.
        """
        cleaners = {
            "reason": self._udm_clean_reason,
            "duration": self._udm_clean_duration,
            "password": self._udm_clean_password,
        }
        clean = {}
        for name, value in values.items():
            if value is not None and not isinstance(value, str):
                # a file, where the form has a text field
                raise UserError(_("The form could not be read: please send it again."))
            clean[name] = cleaners[name](value)
        return clean

    @staticmethod
    def _udm_clean_reason(reason):
        if reason is None:
            return None
        if "\x00" in reason:
            # PostgreSQL refuses NUL in text
            raise UserError(
                _("The reason contains a character that cannot be saved (NUL).")
            )
        if len(reason) > REASON_MAX_LENGTH:
            raise UserError(
                _(
                    "The reason is too long: at most %(max)s characters.",
                    max=REASON_MAX_LENGTH,
                )
            )
        return reason

    @staticmethod
    def _udm_clean_duration(duration):
        text = (duration or "").strip()
        if not text:
            return 0
        if not DURATION_RE.fullmatch(text):
            raise UserError(_("The wanted duration must be a number."))
        digits = text.lstrip("+-").lstrip("0")
        if text.startswith("-") and digits:
            raise UserError(_("The wanted duration cannot be negative."))
        # the length first: int() of thousands of digits is slow, then refused
        if len(digits) > len(str(DURATION_MAX)) or int(text) > DURATION_MAX:
            raise UserError(
                _("The wanted duration is too long (0 asks for as long as allowed).")
            )
        return int(text)

    @staticmethod
    def _udm_clean_switch_duration(duration):
        """The duration chosen on the card, as minutes (an int), or None when the
        form sent none. Raises UserError unless it is a whole number; its range
        (1 to the policy's maximum) is checked by the switch
        (portal.internal.switch._udm_open)."""
        if duration is None:
            return None
        if not isinstance(duration, str):
            raise UserError(_("The form could not be read: please send it again."))
        text = duration.strip()
        if not DURATION_RE.fullmatch(text):
            raise UserError(_("The duration must be a whole number of minutes."))
        digits = text.lstrip("+-").lstrip("0")
        # the length first: int() of thousands of digits is slow; beyond DURATION_MAX
        # any length is refused alike
        if len(digits) > len(str(DURATION_MAX)):
            return -(DURATION_MAX + 1) if text.startswith("-") else DURATION_MAX + 1
        return int(text)

    @staticmethod
    def _udm_clean_password(password):
        if password is not None and len(password) > PASSWORD_MAX_LENGTH:
            raise UserError(
                _(
                    "The password is too long: at most %(max)s characters.",
                    max=PASSWORD_MAX_LENGTH,
                )
            )
        return password

    @staticmethod
    def _udm_clean_user_agent(user_agent):
        """The browser's User-Agent header as the switch log stores it (no NUL,
        bounded): it is logged, never refused."""
        return (user_agent or "").replace("\x00", "\ufffd")[:USER_AGENT_MAX_LENGTH]

    def _udm_back_to_my(self, text, message_type="danger", reason=None):
        """Back to /my, which shows `text` once. For a refused switch, `reason` is
        what the form's reason field held (a string, maybe empty): /my writes it back
        there once. The password is never kept."""
        request.session[SESSION_MESSAGE_KEY] = {"type": message_type, "text": text}
        if reason is not None:
            request.session[SESSION_REASON_KEY] = reason if reason.strip() else ""
        return request.redirect("/my", 303)
