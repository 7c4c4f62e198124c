# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Full User Request: reason, approval, eligibility by group and date."""

from datetime import datetime

from freezegun import freeze_time

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import TransactionCase, new_test_user
from odoo.tools import mute_logger

from odoo.addons.user_dynamic_management.models.portal_internal_switch_request import (
    PARAM_REQUIRE_APPROVAL,
    PARAM_REQUIRE_REASON,
)

from .common import UdmCommon


class UdmRequestCommon(UdmCommon):
    @classmethod
    def _udm_request_setup(cls):
        cls._udm_setup()
        cls.Request = cls.env["portal.internal.switch.request"]
        cls.ICP.set_param(PARAM_REQUIRE_APPROVAL, "True")
        cls.ICP.set_param(PARAM_REQUIRE_REASON, False)
        cls.approver = new_test_user(
            cls.env,
            "udm_approver",
            groups="base.group_user,base.group_erp_manager",
            tz="UTC",
        )


@tagged("post_install", "-at_install")
class TestRequest(UdmRequestCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_request_setup()

    def _assert_switch_refused(self, user, message, **kw):
        groups = user.groups_id
        count = self.Switch.sudo().search_count([])
        with self.assertRaises(UserError) as caught:
            user._udm_switch_to_internal(**kw)
        self.assertIn(message, str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(user.groups_id, groups)
        self.assertEqual(self.Switch.sudo().search_count([]), count)

    def test_approval_flow(self):
        user = self.portal_user
        self._assert_switch_refused(user, "needs an approval")
        with freeze_time("2026-03-02 10:00:00"):
            request = self.Request._udm_file(user, "Month-end closing", 20)
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.expiry_date, datetime(2026, 3, 4, 10, 0))
        # the approvers get an activity and follow the request (e-mail)
        self.assertIn(self.approver, request.activity_ids.user_id)
        self.assertIn(self.approver.partner_id, request.message_partner_ids)
        self._assert_switch_refused(user, "needs an approval")
        # the approver sees it through the follower rule, and approves
        with freeze_time("2026-03-02 10:05:00"):
            request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approver_id, self.approver)
        self.assertEqual(request.expiry_date, datetime(2026, 3, 3, 10, 5))
        self.assertFalse(request.activity_ids)
        with freeze_time("2026-03-02 10:10:00"):
            switch = user._udm_switch_to_internal()
        self.assertEqual(request.state, "used")
        self.assertEqual(request.switch_id, switch)
        self.assertEqual(switch.request_id, request)
        self.assertEqual(switch.reason_text, "Month-end closing")
        self.assertEqual(switch.max_duration, 20)
        self.assertEqual(switch.end_deadline, datetime(2026, 3, 2, 10, 30))
        # once only
        user._udm_revert("logout")
        self._assert_switch_refused(user, "needs an approval")

    def test_refusals_of_a_request(self):
        user = self.portal_user
        self.portal_user.udm_max_duration = 30
        before = self.Request.sudo().search_count([])
        for args, message in (
            (("Too long", 45), "at most 30 minutes"),
            (("Negative", -1), "cannot be negative"),
        ):
            with self.assertRaises(UserError) as caught:
                self.Request._udm_file(user, *args)
            self.assertIn(message, str(caught.exception))
        self.ICP.set_param(PARAM_REQUIRE_REASON, "True")
        with self.assertRaises(UserError) as caught:
            self.Request._udm_file(user, "  ", 10)
        self.assertIn("say why", str(caught.exception))
        self.assertEqual(self.Request.sudo().search_count([]), before)
        self.Request._udm_file(user, "Audit", 10)
        with self.assertRaises(UserError) as caught:
            self.Request._udm_file(user, "Again", 10)
        self.assertIn("already have a request", str(caught.exception))
        self.assertEqual(self.Request.sudo().search_count([]), before + 1)

    def test_nobody_decides_their_own_request_and_only_approvers_decide(self):
        request = self.Request._udm_file(self.portal_user, "Please", 0)
        for user in (self.internal_user, self.portal_user2):
            with self.assertRaises(AccessError):
                request.with_user(user).action_approve()
        self.assertEqual(request.state, "pending")
        # an approver's own request (say, switched earlier and made approver)
        own = self.Request.sudo().create({"user_id": self.approver.id})
        with self.assertRaises(UserError) as caught:
            own.with_user(self.approver).action_approve()
        self.assertIn("your own request", str(caught.exception))
        self.assertEqual(own.state, "pending")

    def test_refused_and_decided_once(self):
        request = self.Request._udm_file(self.portal_user, "Please", 0)
        request.with_user(self.approver).action_refuse()
        self.assertEqual(request.state, "refused")
        with self.assertRaises(UserError) as caught:
            request.with_user(self.approver).action_approve()
        self.assertIn("already decided", str(caught.exception))
        self.assertEqual(request.state, "refused")
        self._assert_switch_refused(self.portal_user, "needs an approval")

    def test_requests_and_approvals_expire(self):
        with freeze_time("2026-03-02 10:00:00"):
            pending = self.Request._udm_file(self.portal_user, "A", 0)
            approved = self.Request._udm_file(self.portal_user2, "B", 0)
            approved.with_user(self.approver).action_approve()
        with freeze_time("2026-03-03 10:00:01"):  # approval valid 24 h
            self.Request._cron_expire_requests()
            self.assertEqual(approved.state, "expired")
            self.assertEqual(pending.state, "pending")
            self._assert_switch_refused(self.portal_user2, "needs an approval")
        with freeze_time("2026-03-04 10:00:00"):  # unanswered for 48 h
            self.Request._cron_expire_requests()
        self.assertEqual(pending.state, "expired")

    def test_quota_and_seats_still_apply_with_an_approval(self):
        request = self.Request._udm_file(self.portal_user, "A", 0)
        request.with_user(self.approver).action_approve()
        self.ICP.set_param("user_dynamic_management.max_seats", 1)
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, False)
        self.portal_user2._udm_switch_to_internal()
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, "True")
        self._assert_switch_refused(
            self.portal_user, "seat for internal users is taken"
        )
        self.assertEqual(request.state, "approved", "still usable later")

    def test_policy_overrides(self):
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, False)
        self.template.udm_approval = "required"
        self._assert_switch_refused(self.portal_user, "needs an approval")
        self.portal_user.udm_approval = "not_required"
        self.assertTrue(self.portal_user._udm_switch_to_internal())

    def test_reason_required_without_approval(self):
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, False)
        self.ICP.set_param(PARAM_REQUIRE_REASON, "True")
        self._assert_switch_refused(self.portal_user, "say why", reason_text=" ")
        switch = self.portal_user._udm_switch_to_internal(reason_text="Invoices")
        self.assertEqual(switch.reason_text, "Invoices")

    def test_eligibility_by_group_and_date(self):
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, False)
        user = self._udm_portal_user("udm_by_group", allowed=False)
        self.assertFalse(user._udm_can_switch())
        self._assert_switch_refused(user, "not allowed")
        settings = self.env["res.config.settings"].create(
            {"udm_eligible_group_ids": [Command.set(self.group_extra_share.ids)]}
        )
        settings.execute()
        self.assertTrue(self.group_extra_share.udm_may_switch)
        user.groups_id = [Command.link(self.group_extra_share.id)]
        user.udm_allowed_until = "2026-03-01"
        with freeze_time("2026-03-02 10:00:00"):
            self.assertFalse(user._udm_can_switch())
            self._assert_switch_refused(user, "ended on 2026-03-01")
        with freeze_time("2026-03-01 10:00:00"):
            self.assertTrue(user._udm_can_switch())
            self.assertTrue(user._udm_switch_to_internal())


@tagged("post_install", "-at_install")
class TestRequestHttp(UdmRequestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_request_setup()

    @mute_logger("odoo.http")
    def test_file_a_request_from_my(self):
        self.authenticate("udm_portal1", "udm_portal1_pw_123")
        page = self.url_open("/my").text
        self.assertIn("udm_request_form", page)
        response = self.url_open(
            "/my/switch_request",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "reason": "Closing",
                "duration": "abc",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("must be a number", self.url_open("/my").text)
        self.assertFalse(
            self.Request.sudo().search([("user_id", "=", self.portal_user.id)])
        )
        self.url_open(
            "/my/switch_request",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "reason": "Closing",
                "duration": "15",
                "user_id": self.portal_user2.id,  # ignored: the session's user only
            },
            allow_redirects=False,
        )
        request = self.Request.sudo().search([("user_id", "=", self.portal_user.id)])
        self.assertEqual((request.reason_text, request.duration), ("Closing", 15))
        self.assertFalse(
            self.Request.sudo().search([("user_id", "=", self.portal_user2.id)])
        )
        page = self.url_open("/my").text
        self.assertIn("udm_request_state", page)
        self.assertIn("Waiting for approval", page)
        self.assertNotIn("udm_request_form", page)
        # a POST without CSRF token files nothing
        response = self.url_open(
            "/my/switch_request", data={"reason": "x"}, allow_redirects=False
        )
        self.assertEqual(response.status_code, 400)
