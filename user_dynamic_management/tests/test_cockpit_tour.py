# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestCockpitTour(UdmCommon, HttpCase):
    """The admin cockpit on the user form, clicked through in a browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.cockpit_admin = new_test_user(
            cls.env,
            "udm_cockpit_admin",
            groups="base.group_user,base.group_erp_manager,base.group_partner_manager",
            tz="UTC",
        )
        cls.portal_user.write({"name": "UDM Cockpit Portal", "udm_max_duration": 60})

    def test_revert_now_from_the_user_form(self):
        switch = self.portal_user._udm_switch_to_internal()
        url = (
            f"/web#id={self.portal_user.id}&model=res.users&view_type=form"
            f"&action=base.action_res_users"
        )
        self.start_tour(
            url, "user_dynamic_management_cockpit", login="udm_cockpit_admin"
        )
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "admin"))
        self.assertTrue(self.portal_user.share)
