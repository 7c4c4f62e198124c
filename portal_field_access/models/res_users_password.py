# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Passwords of governed users on ``res.users``: the credentials check, the
change (every channel ends in ``_change_password``), the login page's reset,
and the change My Account authorised in its request."""

import dataclasses

from odoo import _, models
from odoo.exceptions import AccessDenied, UserError, ValidationError

from ..managed_fields import MANAGED_FIELDS_BY_KEY

# Longest password checked or set: passlib refuses longer secrets with an
# error (a server error page) instead of an answer.
PASSWORD_MAX_LENGTH = 4096
# Context key under which My Account hands Odoo's change_password the password
# change it authorised (a PasswordChangeAuthorised).
CTX_PASSWORD_AUTHORISED = "portal_field_access_password_authorised"


@dataclasses.dataclass(frozen=True)
class PasswordChangeAuthorised:
    """A password change My Account checked in this request: the right, the
    current password, the new one. Odoo's change_password, given it in its
    context, checks none of them again. It is an object, which no RPC caller
    can send (JSON and XML-RPC carry none): the checks cannot be skipped from
    outside."""

    user_id: int
    old_password: str = dataclasses.field(repr=False)
    new_password: str = dataclasses.field(repr=False)


class ResUsers(models.Model):
    """Passwords: who may change whose, how long one may be, the reset."""

    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    def _check_credentials(self, password, env):
        authorised = self._pfa_authorised_password_change()
        if authorised and password == authorised.old_password:
            # My Account verified it in this request, before changing it
            return
        # no password longer than passlib accepts was ever set: refuse it as a
        # wrong password (login page, current password of My Account and
        # /my/security) before passlib raises on it
        if password and len(password) > PASSWORD_MAX_LENGTH:
            raise AccessDenied()
        return super()._check_credentials(password, env)

    def _change_password(self, new_passwd):
        # change_password (JSON-RPC, XML-RPC, /my/security, My Account) and the
        # backend wizard all end here, as sudo: check who changes whose password
        own = self.env.user._pfa_governed() and self.id == self.env.uid
        authorised = self._pfa_authorised_password_change()
        if own and not (authorised and authorised.new_password == new_passwd):
            field = MANAGED_FIELDS_BY_KEY["password"]
            self._pfa_check_changes([(field, None, None)])
            self._pfa_clean(field, new_passwd)
        if len(new_passwd or "") > PASSWORD_MAX_LENGTH:
            # everyone: passlib would raise on it (a server error page)
            raise UserError(
                _(
                    "The new password is too long (%s characters at most).",
                    PASSWORD_MAX_LENGTH,
                )
            )
        res = super()._change_password(new_passwd)
        if own:
            self._pfa_log_changes([(MANAGED_FIELDS_BY_KEY["password"], None, None)])
        return res

    def _pfa_authorised_password_change(self):
        """The password change My Account authorised for the current user in
        this request (``PasswordChangeAuthorised``), or None."""
        authorised = self.env.context.get(CTX_PASSWORD_AUTHORISED)
        if (
            isinstance(authorised, PasswordChangeAuthorised)
            and authorised.user_id == self.env.uid
        ):
            return authorised
        return None

    def reset_password(self, login):
        # the login page's "Reset password" (auth_signup), called as sudo:
        # the same look-up as auth_signup's, then our check on the user found
        users = self.search(self._get_login_domain(login)) or self.search(
            self._get_email_domain(login)
        )
        if len(users) == 1:
            users._pfa_check_password_reset()
        return super().reset_password(login)

    def _pfa_clean_password(self, value):
        """A new password: anything but blank (``_pfa_clean`` bounds its
        length)."""
        if not (value or "").strip():
            raise ValidationError(
                _("Setting empty passwords is not allowed for security reasons!")
            )
        return value
