# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two-factor step-up: with "Require two-factor authentication to switch", a portal
user types the code of their authenticator app on /my; without two-factor
authentication they are told to enable it and cannot switch."""

import base64
import re
import time

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.auth_totp.models.totp import TIMESTEP, hotp

from ..models.portal_internal_switch import PARAM_CONFIRM_PASSWORD, PARAM_REQUIRE_TOTP
from .common import UdmCommon

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@tagged("post_install", "-at_install")
class TestSecondFactor(UdmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.ICP.set_param(PARAM_REQUIRE_TOTP, "True")
        cls.ICP.set_param(PARAM_CONFIRM_PASSWORD, "True")

    def _code(self, offset=0):
        key = base64.b32decode(SECRET)
        return str(hotp(key, int(time.time() / TIMESTEP) + offset)).zfill(6)

    def _csrf(self, path):
        return re.search(
            r'name="csrf_token" value="([^"]+)"', self.url_open(path).text
        ).group(1)

    def _log_in(self, user):
        """Log in through the login page, as a person does: password, then the
        two-factor code when the user has two-factor authentication."""
        self.opener.cookies.clear()
        response = self.url_open(
            "/web/login",
            data={
                "login": user.login,
                "password": f"{user.login}_pw_123",
                "csrf_token": self._csrf("/web/login"),
                "redirect": "/my",
            },
            allow_redirects=False,
        )
        if "/web/login/totp" in response.headers.get("Location", ""):
            self.url_open(
                "/web/login/totp",
                data={
                    "totp_token": self._code(),
                    "csrf_token": self._csrf("/web/login/totp"),
                },
                allow_redirects=False,
            )

    def _post_switch(self, user, **data):
        self._log_in(user)
        page = self.url_open("/my").text
        data = {
            "password": f"{user.login}_pw_123",
            "csrf_token": self._csrf("/my"),
            **data,
        }
        response = self.url_open(
            "/my/switch_to_internal", data=data, allow_redirects=False
        )
        return page, response

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal")
    def test_without_two_factor_the_user_is_told_to_enable_it(self):
        page, response = self._post_switch(self.portal_user, totp_code="123456")
        self.assertIn('href="/my/security"', page)
        self._udm_assert_posted_switch_refused(
            response,
            self.portal_user,
            "Switching needs two-factor authentication: enable it on your Security "
            "page",
        )

    @mute_logger(
        "odoo.addons.user_dynamic_management.controllers.portal",
        "odoo.addons.auth_totp.models.res_users",
    )
    def test_code_required_and_checked(self):
        self.portal_user.sudo().totp_secret = SECRET
        page, response = self._post_switch(self.portal_user)
        self.assertIn('name="totp_code"', page)
        self._udm_assert_posted_switch_refused(
            response, self.portal_user, "Please type the 6-digit code of your"
        )
        wrong = str((int(self._code()) + 1) % 1000000).zfill(6)
        __, response = self._post_switch(self.portal_user, totp_code=wrong)
        self._udm_assert_posted_switch_refused(
            response, self.portal_user, "Verification failed"
        )
        __, response = self._post_switch(self.portal_user, totp_code=self._code())
        self.assertTrue(response.headers["Location"].endswith("/web"))
        switch = self._udm_active(self.portal_user)
        self.assertEqual(switch.auth_method, "password_totp")
