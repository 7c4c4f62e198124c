# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The two-factor code Settings may ask for at the switch (auth_totp's check and its
login rate limit)."""

from odoo import _, models
from odoo.exceptions import UserError

from .const import PARAM_REQUIRE_TOTP


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    def _udm_second_factor_required(self):
        """Whether Settings ask for a two-factor code at the switch."""
        return (
            self.env["portal.internal.switch"]._udm_get_param(
                PARAM_REQUIRE_TOTP, "False"
            )
            == "True"
        )

    def _udm_has_totp(self):
        """Whether this user has two-factor authentication (auth_totp) enabled."""
        self.ensure_one()
        user = self.sudo()
        return "totp_enabled" in user._fields and user.totp_enabled

    def _udm_clean_second_factor(self, code):
        """The two-factor code this user typed to switch, as an int; raise UserError
        when it is missing or malformed, or when the user has no two-factor
        authentication to ask for (checking it is the caller's: see the switch
        route's _udm_confirm_identity, one attempt with the password)."""
        self.ensure_one()
        if not self._udm_has_totp():
            raise UserError(
                _(
                    "Switching needs two-factor authentication: enable it on your "
                    "Security page (My Account > Security), then switch."
                )
            )
        code = "".join((code or "").split())
        if not code.isdigit() or len(code) > 10:
            raise UserError(
                _("Please type the 6-digit code of your authenticator app.")
            )
        return int(code)
