# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import dataclasses
from functools import partial

from odoo import _, tools
from odoo.exceptions import AccessDenied, AccessError, ValidationError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..managed_fields import MANAGED_FIELDS, MANAGED_FIELDS_BY_KEY
from ..models.res_users import CTX_PASSWORD_AUTHORISED, PasswordChangeAuthorised

# Session key of the confirmation shown on the next portal page.
NOTICE_KEY = "portal_field_access_notice"
# Attribute of the request holding My Account's state (MyAccountState).
REQUEST_STATE = "portal_field_access_state"
# MyAccountState.access before the rights are computed.
UNKNOWN = object()


@dataclasses.dataclass
class MyAccountState:
    """What one request of My Account worked out for one user, reused by every
    core hook of that request: core asks for the form's keys once per posted
    key, then validates, then writes."""

    # rights (PortalFieldAccessCustomerPortal._pfa_access)
    access: object = UNKNOWN
    # stock's lock of the company name, VAT and country (partner.can_edit_vat)
    can_edit_vat: bool | None = None
    # the form's keys (_get_mandatory_fields, _get_optional_fields)
    mandatory_keys: list | None = None
    optional_keys: list | None = None
    # field key: value as details_form_validate cleaned it, written as it is
    cleaned: dict = dataclasses.field(default_factory=dict, repr=False)
    # the current password once verified (asked for the login and the password)
    verified_password: str | None = dataclasses.field(default=None, repr=False)
    # the password change details_form_validate authorised
    password_change: PasswordChangeAuthorised | None = dataclasses.field(
        default=None, repr=False
    )


class PortalFieldAccessCustomerPortal(CustomerPortal):
    """My Account (/my/account) for portal users managed by Portal Access Groups.

    Built on core's hooks: ``_get_mandatory_fields``/``_get_optional_fields``
    say which keys the form may carry, ``details_form_validate`` checks the
    rights and values (the table of ``managed_fields``, the same the ORM guard
    uses), ``on_account_update`` writes what is left; ``account`` adds the
    rows of the page. Users nobody manages (internal users) get the stock
    behaviour. What a request works out (rights, cleaned values, the password
    check) is worked out once, kept on the request (``_pfa_state``).
    """

    # ------------------------------------------------------------------
    # Who and what
    # ------------------------------------------------------------------
    def _pfa_state(self):
        """This request's ``MyAccountState`` of the current user, created on
        first use. Kept on the request, per user id: never shared between
        requests; dropped on a rollback (a request retried after a concurrency
        error starts afresh)."""
        states = getattr(request, REQUEST_STATE, None)
        if states is None:
            states = {}
            setattr(request, REQUEST_STATE, states)
            request.env.cr.postrollback.add(partial(delattr, request, REQUEST_STATE))
        return states.setdefault(request.env.uid, MyAccountState())

    def _pfa_access(self):
        """Rights of the current user on My Account; None for a user no group
        manages (internal users), ``{}`` for a portal user without rights.
        Computed once per request: do not change the dictionary."""
        state = self._pfa_state()
        if state.access is UNKNOWN:
            user = request.env.user
            state.access = (
                user._pfa_account_access(can_edit_vat=self._pfa_can_edit_vat())
                if user._pfa_governed()
                else None
            )
        return state.access

    def _pfa_can_edit_vat(self):
        """Stock's ``partner.can_edit_vat()`` for the current user (a search
        when sale or account is installed), once per request."""
        state = self._pfa_state()
        if state.can_edit_vat is None:
            state.can_edit_vat = request.env.user.partner_id.can_edit_vat()
        return state.can_edit_vat

    def _pfa_writable_keys(self, access):
        """POST keys of the fields the user may write."""
        return [
            key
            for field in MANAGED_FIELDS
            if access.get(field.key) == "write"
            for key in field.post_keys
        ]

    def _pfa_form_keys(self):
        """Every key the My Account form may carry (what a re-render keeps)."""
        return set(self._get_mandatory_fields() + self._get_optional_fields())

    def _pfa_clean_once(self, field, value):
        """``value`` of ``field`` cleaned (``res.users._pfa_clean``), once per
        request: what details_form_validate cleaned is what is written."""
        cleaned = self._pfa_state().cleaned
        if field.key not in cleaned:
            cleaned[field.key] = request.env.user._pfa_clean(field, value)
        return cleaned[field.key]

    # ------------------------------------------------------------------
    # Core hooks
    # ------------------------------------------------------------------
    def _get_mandatory_fields(self):
        access = self._pfa_access()
        if access is None:
            return super()._get_mandatory_fields()
        state = self._pfa_state()
        if state.mandatory_keys is None:
            # a field the user may not change is not on the form: not missing
            writable = self._pfa_writable_keys(access)
            state.mandatory_keys = [
                key for key in super()._get_mandatory_fields() if key in writable
            ]
        return list(state.mandatory_keys)

    def _get_optional_fields(self):
        access = self._pfa_access()
        if access is None:
            return super()._get_optional_fields()
        state = self._pfa_state()
        if state.optional_keys is None:
            # every managed key is known: read-only ones may come back
            # unchanged (stock forms post them) and are checked in
            # details_form_validate
            mandatory = self._get_mandatory_fields()
            keys = [
                key for key in super()._get_mandatory_fields() if key not in mandatory
            ]
            keys += super()._get_optional_fields()
            keys += [key for field in MANAGED_FIELDS for key in field.post_keys]
            state.optional_keys = [
                key for key in dict.fromkeys(keys) if key not in mandatory
            ]
        return list(state.optional_keys)

    def details_form_validate(self, data, partner_creation=False):
        # PostgreSQL refuses a NUL byte (a server error page, whoever posts
        # it): take them out of the form, which is refused with a message
        nul_keys = self._pfa_take_out_nul_bytes(data)
        access = None if partner_creation else self._pfa_access()
        if access is None:
            error, error_message = super().details_form_validate(data, partner_creation)
        else:
            error, error_message = self._pfa_details_form_validate(data, access)
        if nul_keys:
            error.update(dict.fromkeys(nul_keys, "error"))
            error_message.insert(0, self._pfa_nul_message(nul_keys))
        return error, error_message

    def _pfa_details_form_validate(self, data, access):
        """details_form_validate for a governed user with rights ``access``."""
        user = request.env.user
        partner = user.partner_id
        # before partner_firstname's clean-up turns line breaks into spaces
        name_error = self._pfa_name_error(data)
        name_posted = self._pfa_split_name(data, partner)
        # core reads the country (VAT check); a user without the country
        # right does not post it
        data.setdefault("country_id", str(partner.country_id.id or ""))
        if not self._pfa_can_edit_vat():
            data["country_id"] = str(partner.country_id.id or "")

        error, error_message = super().details_form_validate(data)
        # a refused form is re-rendered with the POST in its context: keep
        # only the form's own keys (any other key could shadow a page variable)
        form_keys = self._pfa_form_keys()
        for key in [key for key in data if key not in form_keys]:
            del data[key]
        if name_error:
            error["name"] = "error"
            error_message.append(name_error)
            return error, error_message

        changes = self._pfa_form_changes(data, user)
        try:
            user._pfa_check_changes(changes, access)
        except AccessError as exc:
            for field, _old, _new in changes:
                if access.get(field.key) != "write":
                    error[field.key] = "forbidden"
            error_message.append(exc.args[0])
            return error, error_message

        self._pfa_clean_form_changes(changes, data, user, error, error_message)
        if not error:
            try:
                self._pfa_check_names(data, partner)
            except ValidationError as exc:
                error["firstname"] = error["lastname"] = "error"
                error_message.append(exc.args[0])
        if name_posted and {"firstname", "lastname"} & error.keys():
            # the form had one Name field: mark that one
            error["name"] = "error"
        return error, error_message

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

    def on_account_update(self, values, partner):
        """Write the accepted managed fields; leave the partner values to core.

        ``values`` holds the form keys core collected (all validated); take out
        what is not a partner field or does not change, apply the login and
        the password, log the changes.
        """
        res = super().on_account_update(values, partner)
        # a save says so on the page it lands on (/my), once; a login or password
        # change says more below
        request.session[NOTICE_KEY] = "saved"
        access = self._pfa_access()
        if access is None:
            return res
        user = request.env.user
        secrets = {
            key: values.pop(key, "")
            for key in (
                "login_password",
                "old_password",
                "new_password",
                "confirm_password",
            )
        }
        new_login = values.pop("login", None)
        changes = self._pfa_partner_changes(values, access)
        notices = []
        if self._pfa_apply_login(new_login, values, changes, access):
            notices.append("login")
        if self._pfa_apply_password(secrets, access):
            notices.append("password")
        user._pfa_log_changes(changes)
        if notices:
            # login and password are part of the session token (as in
            # portal's /my/security after a password change)
            request.env.flush_all()
            request.session.session_token = user._compute_session_token(
                request.session.sid
            )
            request.session[NOTICE_KEY] = "+".join(notices)
        if "lang" in values:
            self._pfa_switch_lang(values["lang"])
        return res

    @route()
    def account(self, redirect=None, **post):
        response = super().account(redirect=redirect, **post)
        if getattr(response, "is_qweb", False):
            # the page (not the redirection after a save)
            response.qcontext["pfa_rows"] = self._pfa_account_rows(response.qcontext)
        return response

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        # the confirmation of a login/password change, shown once
        notice = request.session.pop(NOTICE_KEY, None)
        if notice:
            values["pfa_notice"] = self._pfa_notice_message(notice)
        return values

    # ------------------------------------------------------------------
    # Steps (extension points)
    # ------------------------------------------------------------------
    def _pfa_account_rows(self, qcontext):
        """The rows of My Account (``res.users._pfa_account_rows``) for the page
        rendered with ``qcontext``; None for a user nobody manages (the stock
        fields). A refused form shows the values it posted again."""
        state = self._pfa_state()
        if state.can_edit_vat is None and "partner_can_edit_vat" in qcontext:
            # the page asked stock's lock already
            state.can_edit_vat = qcontext["partner_can_edit_vat"]
        access = self._pfa_access()
        if access is None:
            return None
        return request.env.user._pfa_account_rows(
            request.params if qcontext.get("error") else None,
            countries=qcontext.get("countries"),
            states=qcontext.get("states"),
            access=access,
        )

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
