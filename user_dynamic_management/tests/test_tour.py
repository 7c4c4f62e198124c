# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from odoo.addons.user_dynamic_management.models.portal_internal_switch import (
    PARAM_MAX,
    PARAM_TIME_LIMIT,
)

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestSwitchTour(UdmCommon, HttpCase):
    """The vendor's steps 3 to 6 done in a browser, as an administrator and a portal
    user do them.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        # start_tour logs in with password = login
        cls.tour_admin = new_test_user(
            cls.env,
            "udm_tour_admin",
            groups="base.group_user,base.group_system,base.group_partner_manager",
            tz="UTC",
        )
        cls.tour_user = new_test_user(
            cls.env, "udm_tour", groups="base.group_portal", tz="UTC"
        )
        # seed step 2 (template) belongs to access_right_template
        cls.tour_user.switch_template_id = cls.template

    def test_admin_then_portal_user(self):
        self._udm_confirm_password(False)
        self.assertFalse(self.tour_user.allow_portal_access_internal)
        # steps 3 and 6: the administrator's forms
        self.start_tour(
            "/web#action=base.action_res_users&model=res.users"
            f"&id={self.tour_user.id}&view_type=form",
            "user_dynamic_management_admin",
            login="udm_tour_admin",
        )
        self.env.invalidate_all()
        self.assertTrue(self.tour_user.allow_portal_access_internal)
        self.assertTrue(self.tour_user.enable_idle_time)
        self.assertEqual(self.tour_user.idle_time, 1)
        self.assertEqual(self.ICP.get_param(PARAM_MAX), "5")
        self.assertEqual(self.ICP.get_param(PARAM_TIME_LIMIT), "2")
        # steps 4 and 5: the portal user (about 70 s: the tour works past a real
        # 1-minute idle deadline)
        self.start_tour(
            "/my", "user_dynamic_management_switch", login="udm_tour", timeout=240
        )
        self.env.invalidate_all()
        first, second = self.Switch.sudo().search(
            [("user_id", "=", self.tour_user.id)], order="id"
        )
        # active past its first deadline, never reverted as idle: ended by the logout
        self.assertEqual((first.state, first.reason), ("reverted", "logout"))
        self.assertGreater((first.end_date - first.start_date).total_seconds(), 60)
        # the replayed revert of the first switch did not end the second one
        self.assertEqual((second.state, second.reason), ("reverted", "user"))
        self.assertTrue(self.tour_user.share)
        self.assertFalse(self._udm_active(self.tour_user))
