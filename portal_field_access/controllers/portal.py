# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret as stdnum_siret

from odoo import _
from odoo.exceptions import AccessDenied, UserError, ValidationError
from odoo.http import request, route
from odoo.tools import escape_psql

from odoo.addons.portal.controllers.portal import CustomerPortal

_logger = logging.getLogger(__name__)


class PortalFieldAccessCustomerPortal(CustomerPortal):
    """My Account (/my/account) with the fields granted by Portal Access Groups.

    The stock form keeps working untouched: our POST keys are taken out of the
    submitted data before the stock code sees them, checked against the user's
    rights, validated, and written only once everything is accepted.
    """

    # Where each managed field is written (``password`` has its own flow).
    PFA_USER_FIELDS = ("login", "lang")
    PFA_PARTNER_FIELDS = ("firstname", "lastname", "street2", "siret")

    # ------------------------------------------------------------------
    # Extension points
    # ------------------------------------------------------------------
    def _pfa_post_keys(self):
        """Return ``{field_key: [POST keys]}`` of the fields managed here.

        A POST carrying any of these keys is about that field, whatever the
        value (an empty value is still an attempt to change it).
        """
        return {
            "login": ["login"],
            "password": ["old_password", "new_password", "confirm_password"],
            "firstname": ["firstname"],
            "lastname": ["lastname"],
            "lang": ["lang"],
            "street2": ["street2"],
            "siret": ["siret"],
        }

    def _pfa_max_lengths(self):
        """Return ``{field_key: max length}``: free-text inputs are bounded so a
        forged form cannot store megabytes in a contact."""
        return {
            "login": 254,
            "password": 512,
            "firstname": 128,
            "lastname": 128,
            "street2": 128,
        }

    def _pfa_field_labels(self):
        """Return ``{field_key: translated label}`` for messages."""
        Line = request.env["portal.access.group.line"]
        return dict(Line._fields["field_name"]._description_selection(request.env))

    # ------------------------------------------------------------------
    # Route
    # ------------------------------------------------------------------
    @route()
    def account(self, redirect=None, **post):
        user = request.env.user
        access = user._portal_field_access()
        own = self._pfa_pop_values(post)
        if request.httprequest.method != "POST" or not (post or own):
            return self._pfa_complete_response(
                super().account(redirect=redirect, **post), access
            )

        error, error_message, cleaned = self._pfa_check_rights(own, access)
        if not error:
            error, error_message, cleaned = self._pfa_validate(own, user)
        if error:
            return self._pfa_render_refused(
                redirect, post, own, access, error, error_message
            )

        try:
            with request.env.cr.savepoint():
                response = super().account(redirect=redirect, **post)
                if getattr(response, "is_qweb", False):
                    # the stock validation refused the form and saved nothing:
                    # keep our input on the page too
                    return self._pfa_complete_response(response, access, own)
                self._pfa_apply(cleaned, user)
        except (AccessDenied, UserError) as exc:
            # raised while saving (password rules, constraints): the savepoint
            # rolled every change back, the stock ones included
            message = exc.args[0] if exc.args else _("Your changes were not saved.")
            if isinstance(exc, AccessDenied) and message == AccessDenied().args[0]:
                message = _("The current password you provided is incorrect.")
            return self._pfa_render_refused(
                redirect, post, own, access, {"pfa": "error"}, [message]
            )
        self._pfa_after_apply(cleaned, user, response)
        return response

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def _pfa_pop_values(self, post):
        """Take our keys out of ``post``; return ``{field_key: {key: value}}``."""
        own = {}
        for field_key, keys in self._pfa_post_keys().items():
            for key in keys:
                if key in post:
                    own.setdefault(field_key, {})[key] = post.pop(key)
        return own

    def _pfa_check_rights(self, own, access):
        """Refuse any field the user may not write (absent, or read only).

        This is the server-side guard: the template hides those inputs, but a
        forged POST must fail the same way.
        """
        forbidden = [key for key in own if access.get(key) != "write"]
        if not forbidden:
            return {}, [], {}
        labels = self._pfa_field_labels()
        _logger.info(
            "User #%s refused on /my/account for fields %s",
            request.env.uid,
            forbidden,
        )
        return (
            {key: "forbidden" for key in forbidden},
            [
                _(
                    "You are not allowed to change: %s. Nothing was saved.",
                    ", ".join(labels[key] for key in forbidden),
                )
            ],
            {},
        )

    def _pfa_validate(self, own, user):
        """Validate and clean the submitted values.

        Return ``(error, error_message, cleaned)`` where ``cleaned`` maps each
        field key to the value to save (``password`` to ``(old, new)``).
        """
        error, error_message, cleaned = {}, [], {}
        max_lengths = self._pfa_max_lengths()
        labels = self._pfa_field_labels()
        for field_key, values in own.items():
            too_long = [
                value
                for value in values.values()
                if field_key in max_lengths
                and len(value or "") > max_lengths[field_key]
            ]
            try:
                if too_long:
                    raise ValidationError(
                        _(
                            "%(field)s is too long (%(max)s characters at most).",
                            field=labels[field_key],
                            max=max_lengths[field_key],
                        )
                    )
                validator = getattr(self, f"_pfa_validate_{field_key}")
                value = validator(values, user)
            except ValidationError as exc:
                error[field_key] = "error"
                error_message.append(exc.args[0])
                continue
            if value is not None:
                cleaned[field_key] = value
        if not error:
            try:
                self._pfa_validate_names(cleaned, user)
            except ValidationError as exc:
                error["firstname"] = error["lastname"] = "error"
                error_message.append(exc.args[0])
        return error, error_message, cleaned

    def _pfa_validate_login(self, values, user):
        login = (values["login"] or "").strip()
        if not login:
            raise ValidationError(_("The login cannot be empty."))
        if login == user.login:
            return None
        # sudo: the user may write their login (checked before), and must not
        # take the login of any user, archived ones included
        taken = (
            request.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [("login", "=ilike", escape_psql(login)), ("id", "!=", user.id)],
                limit=1,
            )
        )
        if taken:
            raise ValidationError(
                _("The login %s is already taken, please choose another one.", login)
            )
        return login

    def _pfa_validate_password(self, values, user):
        old = (values.get("old_password") or "").strip()
        new = (values.get("new_password") or "").strip()
        confirm = (values.get("confirm_password") or "").strip()
        if not new and not confirm:
            # the password block was left empty (a browser may still have
            # autofilled the current password): nothing to change
            return None
        if not old:
            raise ValidationError(_("Enter your current password to set a new one."))
        if new != confirm:
            raise ValidationError(
                _("The new password and its confirmation must be identical.")
            )
        try:
            request.env["res.users"]._check_credentials(old, {"interactive": True})
        except AccessDenied as exc:
            raise ValidationError(
                _(
                    "The current password you provided is incorrect, "
                    "your password was not changed."
                )
            ) from exc
        return (old, new)

    def _pfa_validate_firstname(self, values, user):
        return (values["firstname"] or "").strip() or False

    def _pfa_validate_lastname(self, values, user):
        return (values["lastname"] or "").strip() or False

    def _pfa_validate_names(self, cleaned, user):
        """partner_firstname requires a first or a last name on a person."""
        if "firstname" not in cleaned and "lastname" not in cleaned:
            return
        partner = user.partner_id
        firstname = cleaned.get("firstname", partner.firstname)
        lastname = cleaned.get("lastname", partner.lastname)
        if not partner.is_company and not (firstname or lastname):
            raise ValidationError(_("Please enter a first name or a last name."))

    def _pfa_validate_lang(self, values, user):
        code = values["lang"] or ""
        if code not in dict(request.env["res.lang"].get_installed()):
            raise ValidationError(_("The language %s is not available.", code))
        return code

    def _pfa_validate_street2(self, values, user):
        return (values["street2"] or "").strip() or False

    def _pfa_validate_siret(self, values, user):
        value = (values["siret"] or "").strip()
        if not value:
            return False
        try:
            return stdnum_siret.validate(value)
        except StdnumValidationError as exc:
            raise ValidationError(
                _("The SIRET number %s is not valid.", value)
            ) from exc

    def _pfa_apply(self, cleaned, user):
        """Write the accepted values: user fields, partner fields, password.

        Called inside a savepoint after the stock fields were written, so
        our values (first/last name) win over the stock ``name`` and any error
        here undoes everything.
        """
        # sudo: every key of ``cleaned`` passed _pfa_check_rights and the
        # validation, and only the user's own records are written
        user_vals = {k: cleaned[k] for k in self.PFA_USER_FIELDS if k in cleaned}
        if user_vals:
            user.sudo().write(user_vals)
        partner_vals = {k: cleaned[k] for k in self.PFA_PARTNER_FIELDS if k in cleaned}
        if partner_vals:
            user.partner_id.sudo().write(partner_vals)
        if "password" in cleaned:
            # Odoo's own flow: credential check and password rules
            request.env["res.users"].change_password(*cleaned["password"])

    def _pfa_after_apply(self, cleaned, user, response):
        """Keep the browser session valid and in the user's language."""
        if {"login", "password"} & cleaned.keys():
            # login and password are part of the session token (as in
            # portal's /my/security after a password change)
            request.env.flush_all()
            request.session.session_token = user._compute_session_token(
                request.session.sid
            )
        if "lang" in cleaned:
            # the frontend picks the language from the URL, then this cookie,
            # then the session context: update the last two
            request.session.context = dict(
                request.session.context, lang=cleaned["lang"]
            )
            # on the future response: it is merged after the cookie that the
            # frontend dispatch may already have queued for the old language
            request.future_response.set_cookie("frontend_lang", cleaned["lang"])

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------
    def _pfa_render_refused(self, redirect, post, own, access, error, error_message):
        """Render the page unsaved, with the user's input and the errors."""
        # no POST data: the stock code renders without validating nor writing
        response = super().account(redirect=redirect)
        response.qcontext.update(post)
        response.qcontext["error"] = dict(response.qcontext.get("error") or {}, **error)
        response.qcontext["error_message"] = (
            list(response.qcontext.get("error_message") or []) + error_message
        )
        return self._pfa_complete_response(response, access, own)

    def _pfa_complete_response(self, response, access, own=None):
        """Add what portal_my_details_fields needs to show our fields."""
        if not getattr(response, "is_qweb", False) or not access:
            return response
        user = request.env.user
        partner = user.partner_id
        current = {
            "login": user.login,
            "firstname": partner.firstname or "",
            "lastname": partner.lastname or "",
            "lang": user.lang or "",
            "street2": partner.street2 or "",
            "siret": partner.siret or "",
        }
        # never send back the value of a field the user may not read
        current = {k: v for k, v in current.items() if access.get(k)}
        user_input = {
            key: values.get(key, "")
            for key, values in (own or {}).items()
            if key != "password" and access.get(key) == "write"
        }
        response.qcontext.update(
            {
                "pfa_access": access,
                "pfa_values": dict(current, **user_input),
                "pfa_langs": request.env["res.lang"].get_installed()
                if access.get("lang")
                else [],
            }
        )
        return response
