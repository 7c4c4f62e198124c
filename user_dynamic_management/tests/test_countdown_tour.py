# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from odoo.addons.web.tests.test_js import qunit_error_checker


@tagged("post_install", "-at_install")
class TestCountdownTour(HttpCase):
    """The backend countdown: the unit tests of its clock arithmetic (QUnit)."""

    def test_qunit(self):
        """Clock arithmetic with Odoo's QUnit runner."""
        self.browser_js(
            "/web/tests?filter=user_dynamic_management",
            "",
            "",
            login="admin",
            timeout=900,
            error_checker=qunit_error_checker,
        )
