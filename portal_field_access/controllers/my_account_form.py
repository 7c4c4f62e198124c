# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reading and checking My Account's POST: NUL bytes, the one Name field of
stock forms, the managed fields it changes, their values, the current password
and the names partner_firstname requires. Called by ``details_form_validate``
(controllers/portal.py)."""

from odoo import _
from odoo.exceptions import AccessDenied, ValidationError
from odoo.http import request

from ..managed_fields import MANAGED_FIELDS
from ..models.res_users_password import PasswordChangeAuthorised
from .my_account_state import MyAccountRequestMixin


class MyAccountFormMixin(MyAccountRequestMixin):
    """Steps of My Account's validation (extension points), mixed into the My
    Account controller (controllers/portal.py)."""

    def _pfa_clean_form_changes(self, changes, data, user, error, error_message):
        """Clean the values of the allowed ``changes`` (put back into ``data``
        for the write) and check what they need beyond their value; add what
        is refused to ``error``/``error_message``."""
        for field, _old, new in changes:
            if {field.key, field.post_keys[0]} & error.keys():
                continue  # core refused it already (e-mail format, VAT)
            try:
                cleaned = self._pfa_clean_once(field, new)
                self._pfa_check_field(field, data, user)
            except ValidationError as exc:
                error[field.key] = "error"
                error_message.append(exc.args[0])
                continue
            if isinstance(cleaned, str) and not field.write_only:
                data[field.post_keys[0]] = cleaned

    def _pfa_take_out_nul_bytes(self, data):
        """Take the NUL bytes out of the posted ``data`` (no field may hold
        one); return the keys that had some. The refused form shows the
        values without them."""
        keys = [
            key
            for key, value in data.items()
            if isinstance(value, str) and "\0" in value
        ]
        for key in keys:
            data[key] = data[key].replace("\0", "")
            if key in request.params:
                # the rows of a refused form show request.params
                request.params[key] = data[key]
        return keys

    def _pfa_nul_message(self, keys):
        """The message refusing NUL bytes in the form fields ``keys``."""
        field_labels = request.env["res.users"]._pfa_labels()
        labels = {
            key: field_labels[field.key]
            for field in MANAGED_FIELDS
            for key in field.post_keys
        }
        labels["name"] = _("Name")
        return _(
            "%s: a NUL character is not allowed. Nothing was saved.",
            ", ".join(labels.get(key, key) for key in keys),
        )

    def _pfa_name_error(self, data):
        """The message refusing the posted ``name`` (stock forms' one Name
        field) when it holds an unsafe character; None when it is fine."""
        try:
            request.env.user._pfa_check_characters("name", data.get("name"))
        except ValidationError as exc:
            return exc.args[0]
        return None

    def _pfa_split_name(self, data, partner):
        """Stock forms (and ours for users with the default group's rights) post
        one ``name``: read it as the first and last name partner_firstname would
        split it into. Return whether a name was posted."""
        if "name" not in data:
            return False
        name = partner._get_whitespace_cleaned_name(data.pop("name") or "")
        if name == partner.name:
            return True
        parts = partner._get_inverse_name(name, partner.is_company)
        data.setdefault("firstname", parts["firstname"] or "")
        data.setdefault("lastname", parts["lastname"] or "")
        return True

    def _pfa_form_changes(self, data, user):
        """``[(field, old, new)]`` of the managed fields the POST changes."""
        changes = []
        for field in MANAGED_FIELDS:
            name = field.post_keys[0]
            if field.key == "password":
                if data.get("new_password") or data.get("confirm_password"):
                    changes.append((field, None, data.get("new_password") or ""))
                continue
            if name not in data:
                continue
            old = user._pfa_current_value(field)
            if user._pfa_normalize(field, data[name]) != old:
                changes.append((field, old, data[name]))
        return changes

    def _pfa_check_field(self, field, data, user):
        """Checks of a changed field beyond its value: the current password
        for the login and the password."""
        if field.key == "login":
            self._pfa_check_current_password(data.get("login_password"))
        elif field.key == "password":
            if data.get("new_password") != data.get("confirm_password"):
                raise ValidationError(
                    _("The new password and its confirmation must be identical.")
                )
            self._pfa_check_current_password(data.get("old_password"))
            # on_account_update changes it without checking it again
            self._pfa_state().password_change = PasswordChangeAuthorised(
                user.id, data["old_password"], data["new_password"]
            )

    def _pfa_check_current_password(self, password):
        """Refuse a wrong current ``password``; verified once per request (the
        login and the password both ask for it)."""
        if not password:
            raise ValidationError(_("Enter your current password to confirm."))
        state = self._pfa_state()
        if password == state.verified_password:
            return
        try:
            request.env["res.users"]._check_credentials(password, {"interactive": True})
        except AccessDenied as exc:
            raise ValidationError(
                _("The current password you provided is incorrect. Nothing was saved.")
            ) from exc
        state.verified_password = password

    def _pfa_check_names(self, data, partner):
        """partner_firstname requires a first or a last name on a person."""
        if "firstname" not in data and "lastname" not in data:
            return
        firstname = data.get("firstname", partner.firstname)
        lastname = data.get("lastname", partner.lastname)
        if not partner.is_company and not (
            (firstname or "").strip() or (lastname or "").strip()
        ):
            raise ValidationError(_("Please enter a first name or a last name."))
