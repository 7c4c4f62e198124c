# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import dataclasses
import logging
import unicodedata

from markupsafe import Markup
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret as stdnum_siret

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import escape_psql

from ..managed_fields import MANAGED_FIELDS, MANAGED_FIELDS_BY_KEY

_logger = logging.getLogger(__name__)

# Shown for an empty value (read-only fields, audit notes).
EMPTY = "\N{EM DASH}"
# Fields whose right can only be "read" once the partner has issued documents:
# stock Odoo locks them then (res.partner.can_edit_vat).
VAT_LOCKED_FIELDS = ("company_name", "vat", "country_id")
# Fields stock My Account requires when they are on the form.
REQUIRED_FIELDS = ("email", "phone", "street", "city", "country_id")
# Longest password checked or set: passlib refuses longer secrets with an
# error (a server error page) instead of an answer.
PASSWORD_MAX_LENGTH = 4096
# Bidirectional embeddings, overrides and isolates (U+202A..U+202E,
# U+2066..U+2069): they make a value show other than it is.
BIDI_CONTROLS = frozenset(
    chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
)
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
    _inherit = "res.users"

    # Not in SELF_READABLE_FIELDS/SELF_WRITEABLE_FIELDS: a portal user must not
    # be able to put themselves into a group.
    portal_access_group_ids = fields.Many2many(
        comodel_name="portal.access.group",
        relation="portal_access_group_res_users_rel",
        column1="user_id",
        column2="group_id",
        string="Portal Access Groups",
        groups="base.group_erp_manager",
        help="Groups listing this portal user. Groups that apply to all portal "
        "users also give their rights without being listed here.",
    )

    # ------------------------------------------------------------------
    # CRUD: every self-write of a portal user goes through the guard
    # ------------------------------------------------------------------
    def write(self, vals):
        # before the SELF_WRITEABLE_FIELDS escalation of base, while the write
        # is still the portal user's own (not sudo)
        vals, changes = self._pfa_guard_own_write(self, vals)
        res = super().write(vals)
        if "portal_access_group_ids" in vals:
            # rights are cached per user (portal.access.group)
            self.env.registry.clear_cache()
        self.env.user._pfa_log_changes(changes)
        return res

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

    @api.model
    def _get_login_domain(self, login):
        # the login page and its password reset look users up by what was
        # typed: PostgreSQL refuses a NUL byte (a server error page), and no
        # login holds one
        if isinstance(login, str) and "\0" in login:
            return expression.FALSE_DOMAIN
        return super()._get_login_domain(login)

    @api.model
    def _get_email_domain(self, email):
        # the password reset also looks users up by e-mail (see above)
        if isinstance(email, str) and "\0" in email:
            return expression.FALSE_DOMAIN
        return super()._get_email_domain(email)

    # ------------------------------------------------------------------
    # Who is governed
    # ------------------------------------------------------------------
    def _is_temporarily_internal(self):
        """Return True while this user is a portal user temporarily given
        internal rights by another addon (e.g. user_dynamic_management).

        Such a user stays governed by their Portal Access Groups. Extension
        point: the addon that switches users overrides it; several addons may
        define it, each asking the others through ``super()``.
        """
        parent = getattr(super(), "_is_temporarily_internal", None)
        return bool(parent and parent())

    def _pfa_governed(self):
        """Whether Portal Access Groups govern this user: a portal user, or a
        portal user temporarily internal. The one answer every check of the
        addon uses (ORM guard, passwords, My Account, password reset)."""
        self.ensure_one()
        return self._is_portal() or self._is_temporarily_internal()

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------
    def _portal_field_access(self):
        """Return ``{field_key: 'read' | 'write'}`` for this user."""
        self.ensure_one()
        return self.env["portal.access.group"]._get_field_access(self)

    def _pfa_account_access(self, can_edit_vat=None):
        """Rights as My Account applies them: stock Odoo's own lock on the
        company name, VAT and country (documents issued) still holds.
        ``can_edit_vat``: the contact's ``can_edit_vat()`` when the caller has
        it already (a search when sale or account is installed)."""
        self.ensure_one()
        access = self._portal_field_access()
        if not access:
            return access
        if can_edit_vat is None:
            can_edit_vat = self.partner_id.can_edit_vat()
        if not can_edit_vat:
            for key in VAT_LOCKED_FIELDS:
                if access.get(key) == "write":
                    access[key] = "read"
        return access

    @api.model
    def _pfa_labels(self):
        """Return ``{field_key: translated label}``."""
        Line = self.env["portal.access.group.line"]
        return dict(Line._fields["field_name"]._description_selection(self.env))

    # ------------------------------------------------------------------
    # Guard
    # ------------------------------------------------------------------
    @api.model
    def _pfa_guard_own_write(self, records, vals):
        """Check ``records.write(vals)`` when a governed user writes themselves.

        Applies to a governed user (``_pfa_governed``: a portal user, also while
        temporarily internal) writing their own user or partner without sudo
        (JSON-RPC, XML-RPC, a form): every managed field that changes needs the
        Write right and a valid, bounded value, and no managed value may hold
        an unsafe character. Sudo writes are code that
        checked already (My Account does, with the same table and rights).

        Return ``(vals, changes)``: the values to write (cleaned) and the
        changes to log, or ``(vals, [])`` when the write is none of our business.
        """
        user = self.env.user
        if self.env.su or not vals:
            return vals, []
        own = user if records._name == "res.users" else user.partner_id
        # whether the user is governed last: another addon's answer may cost
        # a query, and most writes are not a user's own
        if own.id not in records.ids or not user._pfa_governed():
            return vals, []
        user._pfa_check_vals_characters(vals)
        changes = user._pfa_changes(vals)
        if not changes:
            return vals, []
        user._pfa_check_changes(changes)
        vals = dict(vals)
        for field, _old, new in changes:
            cleaned = user._pfa_clean(field, new)
            if field.key in vals:
                vals[field.key] = cleaned
        return vals, changes

    def _pfa_changes(self, vals):
        """Return ``[(field, old, new)]`` for the managed fields ``vals`` changes.

        ``name`` is split as partner_firstname does, so changing the full name
        changes the first and/or last name. A password is always a change.
        """
        self.ensure_one()
        partner = self.partner_id
        split = {}
        if "name" in vals and not {"firstname", "lastname"} & vals.keys():
            name = partner._get_whitespace_cleaned_name(vals["name"] or "")
            split = partner._get_inverse_name(name, partner.is_company)
        changes = []
        for field in MANAGED_FIELDS:
            if field.write_only:
                if vals.get(field.key):
                    changes.append((field, None, None))
                continue
            if field.key in vals:
                new = vals[field.key]
            elif field.key in split:
                new = split[field.key]
            else:
                continue
            old = self._pfa_current_value(field)
            if self._pfa_normalize(field, new) != old:
                changes.append((field, old, new))
        return changes

    def _pfa_check_changes(self, changes, access=None):
        """Refuse the changes of fields the user may not write."""
        if access is None:
            access = self._portal_field_access()
        forbidden = [
            field.key for field, _o, _n in changes if access.get(field.key) != "write"
        ]
        if forbidden:
            labels = self._pfa_labels()
            _logger.info("User #%s refused changing %s", self.env.uid, forbidden)
            raise AccessError(
                _(
                    "You are not allowed to change: %s. Nothing was saved.",
                    ", ".join(labels[key] for key in forbidden),
                )
            )

    def _pfa_check_password_reset(self):
        """Refuse a password reset asked from the login page for a governed
        user without Write on the password: the reset would let them change
        the password they may not change (the reset link sets a new one).
        Administrators can still send the reset instructions from the user's
        form, and an invitation link still sets the first password."""
        self.ensure_one()
        if not self._pfa_governed():
            return
        if self._portal_field_access().get("password") == "write":
            return
        _logger.info("Password reset of user #%s refused (no Write on it)", self.id)
        raise UserError(
            _(
                "You are not allowed to change your password, so it cannot be "
                "reset here. Please contact us to have it reset. No e-mail was sent."
            )
        )

    # ------------------------------------------------------------------
    # Values
    # ------------------------------------------------------------------
    def _pfa_current_value(self, field):
        """Normalized current value of ``field`` for this user."""
        self.ensure_one()
        if field.write_only:
            return None
        record = self if field.model == "res.users" else self.partner_id
        if field.key == "company_name":
            # what stock My Account shows (and posts back) as the company name
            return record.company_name or record.commercial_company_name or False
        return self._pfa_normalize(field, record[field.key])

    @api.model
    def _pfa_normalize(self, field, value):
        """Comparable form of a value: ids for relations, stripped text, False
        when empty."""
        if field.widget in ("country", "state"):
            if isinstance(value, models.BaseModel):
                return value.id or False
            try:
                return int(value) if value else False
            except (TypeError, ValueError):
                return value
        if isinstance(value, str):
            return value.strip() or False
        return value or False

    @api.model
    def _pfa_has_unsafe_character(self, value):
        """Whether ``value`` holds a character no profile field may hold: a
        control character (NUL, line breaks, tabulations...) or a bidirectional
        embedding, override or isolate (it makes the text show reordered)."""
        return any(
            char in BIDI_CONTROLS or unicodedata.category(char) == "Cc"
            for char in value
        )

    @api.model
    def _pfa_check_characters(self, key, value):
        """Refuse a text ``value`` of the managed field ``key`` (or of ``name``,
        the full name) that holds an unsafe character (see
        ``_pfa_has_unsafe_character``)."""
        if isinstance(value, str) and self._pfa_has_unsafe_character(value):
            label = _("Name") if key == "name" else self._pfa_labels()[key]
            raise ValidationError(
                _(
                    "%s contains a line break, a control character or a text "
                    "direction override, which are not allowed. Nothing was saved.",
                    label,
                )
            )

    def _pfa_check_vals_characters(self, vals):
        """Check the characters of every managed text value of ``vals`` (changed
        or not, as it is written as given) and of ``name`` (split into the
        first and last name)."""
        for key, value in vals.items():
            field = MANAGED_FIELDS_BY_KEY.get(key)
            if key == "name" or (field and not field.write_only):
                self._pfa_check_characters(key, value)

    def _pfa_clean(self, field, value):
        """Validate and clean a submitted value of ``field``: no unsafe
        character, the length bound, then ``_pfa_clean_<key>`` (default:
        trimmed text). Raise ValidationError with a message for the user."""
        if not field.write_only:
            self._pfa_check_characters(field.key, value)
        if (
            field.max_length
            and isinstance(value, str)
            and len(value.strip()) > field.max_length
        ):
            raise ValidationError(
                _(
                    "%(field)s is too long (%(max)s characters at most).",
                    field=self._pfa_labels()[field.key],
                    max=field.max_length,
                )
            )
        cleaner = getattr(self, f"_pfa_clean_{field.key}", None)
        if cleaner:
            return cleaner(value)
        return self._pfa_normalize(field, value)

    def _pfa_clean_email(self, value):
        value = (value or "").strip()
        if value and not tools.single_email_re.match(value):
            raise ValidationError(_("%s is not a valid email address.", value))
        return value or False

    def _pfa_clean_country_id(self, value):
        country_id = self._pfa_normalize(MANAGED_FIELDS_BY_KEY["country_id"], value)
        if country_id and (
            not isinstance(country_id, int)
            or not self.env["res.country"].sudo().browse(country_id).exists()
        ):
            raise ValidationError(_("This country does not exist."))
        return country_id

    def _pfa_clean_state_id(self, value):
        state_id = self._pfa_normalize(MANAGED_FIELDS_BY_KEY["state_id"], value)
        if state_id and (
            not isinstance(state_id, int)
            or not self.env["res.country.state"].sudo().browse(state_id).exists()
        ):
            raise ValidationError(_("This state does not exist."))
        return state_id

    def _pfa_clean_lang(self, value):
        code = (value or "").strip()
        if code not in dict(self.env["res.lang"].get_installed()):
            raise ValidationError(_("The language %s is not available.", code))
        return code

    def _pfa_clean_siret(self, value):
        value = (value or "").strip()
        if not value:
            return False
        try:
            return stdnum_siret.validate(value)
        except StdnumValidationError as exc:
            raise ValidationError(
                _("The SIRET number %s is not valid.", value)
            ) from exc

    @api.model
    def _pfa_normalize_login(self, login):
        """The form of a login that is checked and stored: Unicode NFKC (a
        full-width or other compatibility letter becomes the plain letter)
        without format characters (category Cf: zero-width spaces, direction
        marks...), so that a look-alike of a login is that login."""
        login = unicodedata.normalize("NFKC", login or "")
        return "".join(
            char for char in login if unicodedata.category(char) != "Cf"
        ).strip()

    def _pfa_clean_login(self, value):
        """A login is unique among the logins AND e-mails of every other user
        (archived ones too, case-insensitive): the password-reset form looks a
        user up by either. It is compared and stored normalized
        (``_pfa_normalize_login``)."""
        login = self._pfa_normalize_login(value)
        if not login:
            raise ValidationError(_("The login cannot be empty."))
        # sudo: a portal user may not read the other users
        taken = (
            self.sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("id", "!=", self.id),
                    "|",
                    ("login", "=ilike", escape_psql(login)),
                    ("email", "=ilike", escape_psql(login)),
                ],
                limit=1,
            )
        )
        if taken:
            raise ValidationError(
                _("The login %s is already taken, please choose another one.", login)
            )
        return login

    def _pfa_clean_password(self, value):
        if not (value or "").strip():
            raise ValidationError(
                _("Setting empty passwords is not allowed for security reasons!")
            )
        return value

    # ------------------------------------------------------------------
    # Audit and notices
    # ------------------------------------------------------------------
    def _pfa_display(self, field, value):
        """Human form of a normalized value, for notes and read-only fields."""
        if not value:
            return EMPTY
        if field.widget == "country":
            return self.env["res.country"].sudo().browse(value).display_name
        if field.widget == "state":
            return self.env["res.country.state"].sudo().browse(value).display_name
        if field.widget == "lang":
            return dict(self.env["res.lang"].get_installed()).get(value, value)
        return str(value)

    def _pfa_log_changes(self, changes):
        """Log ``[(field, old, new)]`` on the contact's chatter (never a
        password value)."""
        if not changes:
            return
        self.ensure_one()
        labels = self._pfa_labels()
        items = []
        for field, old, new in changes:
            label = labels[field.key]
            if field.write_only:
                items.append(Markup("<li>%s</li>") % _("%s changed", label))
            else:
                new = self._pfa_normalize(field, new)
                items.append(
                    Markup("<li>%s: %s \N{RIGHTWARDS ARROW} %s</li>")
                    % (
                        label,
                        self._pfa_display(field, old),
                        self._pfa_display(field, new),
                    )
                )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            _("Profile changed by the portal user:"),
            Markup().join(items),
        )
        # sudo: the portal user may not post on contacts; the note is about
        # their own contact and written by the server
        self.partner_id.sudo()._message_log(body=body)

    def _pfa_send_login_notice(self, old_login, old_email):
        """Warn the old address(es) that the login changed (as a security
        notice: the owner of the account may not be the one who changed it)."""
        self.ensure_one()
        recipients = {
            address
            for address in (old_email, old_login)
            if address and tools.single_email_re.match(address)
        }
        if not recipients:
            return
        # the notice speaks the user's language (_() reads self's context)
        self.with_context(lang=self.lang or self.env.lang)._pfa_create_login_notice(
            old_login, sorted(recipients)
        )

    def _pfa_create_login_notice(self, old_login, recipients):
        """Queue the login-change notice to ``recipients``."""
        body = Markup("<div><p>%s</p><p>%s</p><p>%s</p></div>") % (
            _("Hello %s,", self.name),
            _(
                "The login of your account was changed from %(old)s to %(new)s.",
                old=old_login,
                new=self.login,
            ),
            _(
                "If you did not make this change, contact us at once: someone "
                "may have access to your account."
            ),
        )
        # sudo: portal users may not create mails
        self.env["mail.mail"].sudo().create(
            {
                "subject": _("Your login was changed"),
                "body_html": body,
                "email_to": ",".join(recipients),
                "email_from": self.company_id.partner_id.email_formatted or False,
                "auto_delete": True,
            }
        )

    # ------------------------------------------------------------------
    # My Account rows
    # ------------------------------------------------------------------
    def _pfa_account_rows(
        self, submitted=None, countries=None, states=None, access=None
    ):
        """Rows of My Account for this user, in the order of the table.

        Each row: key, label, right ('read'/'write'), name (POST key), widget,
        value (input value), display (read-only text), optional, options.
        ``submitted`` is the refused POST, whose values are shown again.
        ``countries``/``states`` are the records the stock controller already
        searched for its selects (searched here when not given). ``access``:
        the user's ``_pfa_account_access()`` when the caller has it already.
        Empty for a user nobody manages (internal users get the stock form).
        """
        self.ensure_one()
        if access is None:
            if not self._pfa_governed():
                return []
            access = self._pfa_account_access()
        labels = self._pfa_labels()
        rows = []
        for field in MANAGED_FIELDS:
            right = access.get(field.key)
            if not right or (field.write_only and right != "write"):
                continue
            # the choices first: reading all the countries' names at once also
            # reads the user's own country, which the display shows
            options = (
                self._pfa_options(field, countries, states) if right == "write" else []
            )
            current = self._pfa_current_value(field)
            value = current
            name = field.post_keys[0]
            if submitted and right == "write" and name in submitted:
                value = submitted[name]
            rows.append(
                {
                    "key": field.key,
                    "label": labels[field.key],
                    "right": right,
                    "name": name,
                    "widget": field.widget,
                    "value": "" if value is False or value is None else value,
                    "display": self._pfa_display(field, current),
                    "optional": field.key not in REQUIRED_FIELDS,
                    "options": options,
                }
            )
        if self._pfa_stock_name_field(access):
            rows = self._pfa_merge_name_rows(rows, submitted)
        return rows

    def _pfa_stock_name_field(self, access):
        """Whether My Account shows stock Odoo's one Name field instead of First
        Name and Last Name: for a user nobody put in a group of their own (the
        default group's rights) who may change both. Installing the addon then
        leaves their form as it was; partner_firstname splits the name."""
        self.ensure_one()
        both = access.get("firstname") == "write" and access.get("lastname") == "write"
        return both and self.env["portal.access.group"]._is_default_rights_user(self)

    def _pfa_merge_name_rows(self, rows, submitted=None):
        """Replace the first and last name rows by one Name row posting
        ``name`` (the key stock forms post, split by the controller)."""
        name = self.partner_id.name or ""
        if submitted and "name" in submitted:
            name = submitted["name"]
        name_row = {
            "key": "name",
            "label": _("Name"),
            "right": "write",
            "name": "name",
            "widget": "text",
            "value": name,
            "display": self.partner_id.name or EMPTY,
            "optional": False,
            "options": [],
        }
        merged = []
        for row in rows:
            if row["key"] == "firstname":
                merged.append(name_row)
            elif row["key"] != "lastname":
                merged.append(row)
        return merged

    def _pfa_options(self, field, countries=None, states=None):
        """Choices of a select row: ``[(value, label, country_id)]``.

        The country and state choices reuse the records the stock My Account
        controller has just searched, when given: the page then searches them
        once, as stock does."""
        if field.widget == "lang":
            return [
                (code, name, False)
                for code, name in self.env["res.lang"].get_installed()
            ]
        if field.widget == "country":
            if countries is None:
                countries = self.env["res.country"].sudo().search([])
            return [(country.id, country.name, False) for country in countries]
        if field.widget == "state":
            if states is None:
                states = self.env["res.country.state"].sudo().search([])
            return [(state.id, state.name, state.country_id.id) for state in states]
        return []
