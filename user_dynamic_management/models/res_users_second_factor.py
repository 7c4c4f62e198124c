# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The two-factor code Settings may ask for at the switch (auth_totp's check and its
login rate limit)."""

from odoo import _, models
from odoo.exceptions import AccessDenied, UserError

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

    def _udm_check_second_factor(self, code):
        """Check the two-factor code this user typed to switch, with Odoo's own TOTP
        check and its login rate limit; raise UserError when it is missing or wrong,
        or when the user has no two-factor authentication to ask for."""
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
        user = self.sudo()
        try:
            with user._assert_can_auth(user=user.id):
                user._totp_check(int(code))
        except AccessDenied as denied:
            # Odoo's words: a wrong code, or too many attempts ("please wait")
            raise UserError(
                str(denied.args[0])
                if denied.args and denied.args[0] != "Access Denied"
                else _("Verification failed, please double-check the 6-digit code.")
            ) from denied
