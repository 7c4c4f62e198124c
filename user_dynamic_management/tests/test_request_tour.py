# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from odoo.addons.user_dynamic_management.models.portal_internal_switch_request import (
    PARAM_REQUIRE_APPROVAL,
)

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestRequestTour(UdmCommon, HttpCase):
    """A Full User Request filed on /my and approved in the backend, in a browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.ICP.set_param(PARAM_REQUIRE_APPROVAL, "True")
        # start_tour logs in with password = login
        cls.request_user = cls._udm_portal_user("udm_request_tour")
        cls.request_user.password = "udm_request_tour"
        cls.approver = new_test_user(
            cls.env,
            "udm_request_approver",
            groups="base.group_user,base.group_erp_manager",
        )

    def test_file_then_approve(self):
        self.start_tour(
            "/my", "user_dynamic_management_request", login="udm_request_tour"
        )
        request = (
            self.env["portal.internal.switch.request"]
            .sudo()
            .search([("user_id", "=", self.request_user.id)])
        )
        self.assertEqual(
            (request.state, request.reason_text, request.duration),
            ("pending", "Month-end closing", 20),
        )
        url = (
            f"/web#id={request.id}&model=portal.internal.switch.request&view_type=form"
        )
        self.start_tour(
            url, "user_dynamic_management_request_approve", login="udm_request_approver"
        )
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approver_id, self.approver)
