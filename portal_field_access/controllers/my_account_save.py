# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Applying a My Account save: the contact's managed fields, the login, the
password with Odoo's own flow, the language; then the confirmation shown on the
next page. Called by ``on_account_update`` (controllers/portal.py)."""

from odoo import _, tools
from odoo.http import request

from ..managed_fields import MANAGED_FIELDS, MANAGED_FIELDS_BY_KEY
from ..models.res_users_password import CTX_PASSWORD_AUTHORISED
from .my_account_state import MyAccountRequestMixin


class MyAccountSaveMixin(MyAccountRequestMixin):
    """Steps of a My Account save (extension points), mixed into the My Account
    controller (controllers/portal.py)."""

    def _pfa_partner_changes(self, values, access):
        """``[(field, old, new)]`` of the contact's managed fields that
        ``values`` (core's, for the partner) changes; the values are the
        cleaned ones, the others are taken out (read-only fields come back
        unchanged)."""
        user = request.env.user
        changes = []
        for field in MANAGED_FIELDS:
            if field.model != "res.partner" or field.key not in values:
                continue
            new = values[field.key]
            old = user._pfa_current_value(field)
            if (
                access.get(field.key) != "write"
                or user._pfa_normalize(field, new) == old
            ):
                # unchanged (or read-only, posted back as it is): not written
                del values[field.key]
                continue
            values[field.key] = self._pfa_clean_once(field, new)
            changes.append((field, old, values[field.key]))
        return changes

    def _pfa_apply_login(self, new_login, values, changes, access):
        """Write the login details_form_validate accepted; a login that is an
        e-mail address becomes the contact's address too, for a user who may
        change it (in ``values``). Add to ``changes``; return whether the
        login changed."""
        if new_login is None or access.get("login") != "write":
            return False
        user = request.env.user
        partner = user.partner_id
        login_field = MANAGED_FIELDS_BY_KEY["login"]
        new_login = self._pfa_clean_once(login_field, new_login)
        if new_login == user.login:
            return False
        old_login, old_email = user.login, partner.email
        changes.append((login_field, old_login, new_login))
        # sudo: the right, the current password and the login were checked in
        # details_form_validate
        user.sudo().write({"login": new_login})
        if (
            access.get("email") == "write"
            and tools.single_email_re.match(new_login)
            and new_login != partner.email
        ):
            old = user._pfa_current_value(MANAGED_FIELDS_BY_KEY["email"])
            values["email"] = new_login
            changes.append((MANAGED_FIELDS_BY_KEY["email"], old, new_login))
        user._pfa_send_login_notice(old_login, old_email)
        return True

    def _pfa_apply_password(self, secrets, access):
        """Change the password with Odoo's own flow (password rules, other
        addons' hooks such as auth_totp's; it logs the change on the contact,
        res.users._change_password). What details_form_validate authorised is
        not checked again. Return whether a password was set."""
        if not secrets["new_password"] or access.get("password") != "write":
            return False
        Users = request.env["res.users"]
        authorised = self._pfa_state().password_change
        if authorised:
            Users = Users.with_context(**{CTX_PASSWORD_AUTHORISED: authorised})
        Users.change_password(secrets["old_password"], secrets["new_password"])
        return True

    def _pfa_switch_lang(self, lang):
        """Show the next pages in the new language."""
        # the frontend picks the language from the URL, then this cookie, then
        # the session context: update the last two
        request.session.context = dict(request.session.context, lang=lang)
        request.future_response.set_cookie("frontend_lang", lang)

    def _pfa_notice_message(self, notice):
        """The confirmation for ``notice`` ('saved', or 'login', 'password' or
        both)."""
        kinds = set(notice.split("+"))
        if kinds == {"saved"}:
            return _("Your details were saved.")
        if kinds >= {"login", "password"}:
            return _("Your login and your password were changed.")
        if "login" in kinds:
            return _("Your login was changed.")
        return _("Your password was changed.")
