# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Logins on ``res.users``: the look-ups of the login page and the password
reset, and the normalized, unique login a governed user may choose."""

import unicodedata

from odoo import _, api, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import escape_psql


class ResUsers(models.Model):
    """Logins: look-ups by what was typed, normalization, uniqueness."""

    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

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
