# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A managed field's value on ``res.users``: the current one, the comparable
form, the characters no profile field may hold, and the check and clean-up of a
submitted value (``_pfa_clean`` and its ``_pfa_clean_<key>`` steps; the login's
and the password's live with their job, res_users_login.py and
res_users_password.py)."""

import unicodedata

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret as stdnum_siret

from odoo import _, api, models, tools
from odoo.exceptions import ValidationError

from ..managed_fields import MANAGED_FIELDS_BY_KEY

# Bidirectional embeddings, overrides and isolates (U+202A..U+202E,
# U+2066..U+2069): they make a value show other than it is.
BIDI_CONTROLS = frozenset(
    chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
)


class ResUsers(models.Model):
    """Values of the managed fields: read, compare, check, clean."""

    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

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
        """An e-mail address, trimmed; False when empty."""
        value = (value or "").strip()
        if value and not tools.single_email_re.match(value):
            raise ValidationError(_("%s is not a valid email address.", value))
        return value or False

    def _pfa_clean_country_id(self, value):
        """The id of an existing country; False when empty."""
        country_id = self._pfa_existing_id("country_id", "res.country", value)
        if country_id is None:
            raise ValidationError(_("This country does not exist."))
        return country_id

    def _pfa_clean_state_id(self, value):
        """The id of an existing state; False when empty."""
        state_id = self._pfa_existing_id("state_id", "res.country.state", value)
        if state_id is None:
            raise ValidationError(_("This state does not exist."))
        return state_id

    def _pfa_existing_id(self, key, model, value):
        """``value`` of the relational managed field ``key`` as an id (False when
        empty), or None when it names no ``model`` record."""
        record_id = self._pfa_normalize(MANAGED_FIELDS_BY_KEY[key], value)
        if record_id and (
            not isinstance(record_id, int)
            or not self.env[model].sudo().browse(record_id).exists()
        ):
            return None
        return record_id

    def _pfa_clean_lang(self, value):
        """The code of an installed language."""
        code = (value or "").strip()
        if code not in dict(self.env["res.lang"].get_installed()):
            raise ValidationError(_("The language %s is not available.", code))
        return code

    def _pfa_clean_siret(self, value):
        """A valid French SIRET number, digits only; False when empty."""
        value = (value or "").strip()
        if not value:
            return False
        try:
            return stdnum_siret.validate(value)
        except StdnumValidationError as exc:
            raise ValidationError(
                _("The SIRET number %s is not valid.", value)
            ) from exc
