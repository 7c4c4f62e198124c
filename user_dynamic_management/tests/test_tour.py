# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestSwitchTour(UdmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        # start_tour logs in with password = login
        cls.tour_user = new_test_user(cls.env, "udm_tour", groups="base.group_portal")
        cls.tour_user.write(
            {
                "allow_portal_access_internal": True,
                "enable_idle_time": True,
                "idle_time": 5,
                "switch_template_id": cls.template.id,
            }
        )

    def test_switch_tour(self):
        self._udm_confirm_password("True")
        self.start_tour("/my", "user_dynamic_management_switch", login="udm_tour")
        self.env.invalidate_all()
        self.assertFalse(self.tour_user.share)
        self.assertTrue(self._udm_active(self.tour_user))
