# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""My Account (/my/account) for portal users managed by Portal Access Groups:
the core hooks Odoo calls. The steps they call live with their job:

- ``my_account_state.py``: what a request works out, once (rights, cleaned
  values, the verified password);
- ``my_account_form.py``: reading and checking the POST;
- ``my_account_save.py``: applying a save, the confirmation shown after it;
- the rows of the page: ``res.users._pfa_account_rows``
  (models/res_users_my_account.py).
"""

from odoo.exceptions import AccessError, ValidationError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..managed_fields import MANAGED_FIELDS
from .my_account_form import MyAccountFormMixin
from .my_account_save import MyAccountSaveMixin

# Session key of the confirmation shown on the next portal page.
NOTICE_KEY = "portal_field_access_notice"


class PortalFieldAccessCustomerPortal(
    MyAccountFormMixin, MyAccountSaveMixin, CustomerPortal
):
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
    # The form's keys
    # ------------------------------------------------------------------
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
    # The page's rows (extension point)
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
