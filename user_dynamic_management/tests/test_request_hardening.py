# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hostile inputs on the suite's routes, who may decide on a Full User Request, and
withdrawing an approval not used yet."""

import html
import json

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from odoo.addons.user_dynamic_management.controllers.portal import (
    PASSWORD_MAX_LENGTH,
    REASON_MAX_LENGTH,
)
from odoo.addons.user_dynamic_management.models.portal_internal_switch_request import (
    PARAM_APPROVER_GROUP,
    PARAM_REQUIRE_APPROVAL,
)

from .test_request import UdmRequestCommon

REQUEST_URL = "/my/switch_request"
SWITCH_URL = "/my/switch_to_internal"
WITHDRAW_URL = "/my/switch_request/withdraw"


@tagged("post_install", "-at_install")
class TestRequestHardening(UdmRequestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_request_setup()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}_pw_123")

    def _post(self, url, files=None, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(url, data=data, files=files, allow_redirects=False)

    def _my_page(self):
        response = self.url_open("/my", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        return html.unescape(response.text)

    def _requests(self, user):
        return self.Request.sudo().search([("user_id", "=", user.id)])

    def _assert_back_to_my(self, response, message):
        """Refused with the form again: a redirect to /my, which says why."""
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        page = self._my_page()
        self.assertIn(message, page)
        return page

    def _assert_not_switched(self, user):
        self.env.invalidate_all()
        self.assertTrue(user.share)
        self.assertFalse(self._udm_active(user))

    def _without_approval(self, user):
        """`user` may switch without a Full User Request."""
        user.udm_approval = "not_required"

    def _switched_approver(self):
        """portal_user switched to internal, the template granting Internal User,
        which is the approvers group."""
        self.ICP.set_param(PARAM_APPROVER_GROUP, self.group_user.id)
        self._without_approval(self.portal_user)
        self.portal_user._udm_switch_to_internal()
        self.env.invalidate_all()
        self.assertFalse(self.portal_user.share)
        self.assertIn(self.group_user, self.portal_user.groups_id)
        return self.portal_user

    def _call_button(self, record, method):
        """The backend's button call through JSON-RPC; the error's message or None."""
        response = self.url_open(
            "/web/dataset/call_button",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": record._name,
                        "method": method,
                        "args": [record.ids],
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        return body["error"]["data"]["message"] if "error" in body else None

    # ------------------------------------------------------------------
    # 1. Inputs of the routes
    # ------------------------------------------------------------------

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal_request")
    def test_request_duration_out_of_range(self):
        self._login(self.portal_user)
        for duration, message in (
            ("99999999999999", "The wanted duration is too long"),
            (str(2**31), "The wanted duration is too long"),
            ("9" * 5000, "The wanted duration is too long"),
            ("-5", "The wanted duration cannot be negative."),
            ("abc", "The wanted duration must be a number."),
            ("1.5", "The wanted duration must be a number."),
            ("1\x00", "The wanted duration must be a number."),
        ):
            with self.subTest(duration=duration[:20]):
                response = self._post(REQUEST_URL, reason="Closing", duration=duration)
                self._assert_back_to_my(response, message)
                self.assertFalse(self._requests(self.portal_user))

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal_request")
    def test_request_reason_nul_and_too_long(self):
        self._login(self.portal_user)
        for reason, message in (
            ("Closing\x00", "The reason contains a character that cannot be saved"),
            ("x" * (REASON_MAX_LENGTH + 1), f"at most {REASON_MAX_LENGTH} characters"),
        ):
            with self.subTest(length=len(reason)):
                response = self._post(REQUEST_URL, reason=reason, duration="10")
                page = self._assert_back_to_my(response, message)
                self.assertIn("udm_request_form", page)
                self.assertFalse(self._requests(self.portal_user))
        # at the bound: filed
        response = self._post(
            REQUEST_URL, reason="x" * REASON_MAX_LENGTH, duration="10"
        )
        self._assert_back_to_my(response, "Your request was sent.")
        self.assertEqual(len(self._requests(self.portal_user).reason_text), 2000)

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal_request")
    def test_request_file_instead_of_text(self):
        self._login(self.portal_user)
        for field in ("reason", "duration"):
            with self.subTest(field=field):
                response = self._post(
                    REQUEST_URL,
                    files={field: ("a.txt", b"10", "text/plain")},
                    **{"reason": "Closing", "duration": "10"},
                )
                self._assert_back_to_my(response, "The form could not be read")
                self.assertFalse(self._requests(self.portal_user))

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal")
    def test_switch_reason_nul_and_too_long(self):
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, False)
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        for reason, message in (
            ("Invoices\x00", "The reason contains a character that cannot be saved"),
            ("x" * (REASON_MAX_LENGTH + 1), f"at most {REASON_MAX_LENGTH} characters"),
        ):
            with self.subTest(length=len(reason)):
                response = self._post(SWITCH_URL, reason=reason)
                self._assert_back_to_my(response, message)
                self._assert_not_switched(self.portal_user)
        self.assertFalse(
            self.Switch.sudo().search([("user_id", "=", self.portal_user.id)])
        )

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal")
    def test_switch_password_too_long(self):
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, False)
        self._udm_confirm_password("True")
        self._login(self.portal_user)
        # the password check is never reached (passlib refuses 4,097 characters)
        self.patch(
            type(self.env["res.users"]),
            "_check_credentials",
            lambda *args: self.fail("password checked"),
        )
        for password in ("p" * 5000, "p" * (PASSWORD_MAX_LENGTH + 1)):
            with self.subTest(length=len(password)):
                response = self._post(SWITCH_URL, password=password)
                self._assert_back_to_my(
                    response, f"at most {PASSWORD_MAX_LENGTH} characters"
                )
                self._assert_not_switched(self.portal_user)

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal")
    def test_switch_password_at_the_bound_is_checked(self):
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, False)
        self._udm_confirm_password("True")
        self._login(self.portal_user)
        response = self._post(SWITCH_URL, password="p" * PASSWORD_MAX_LENGTH)
        self._assert_back_to_my(response, "Wrong password")
        self._assert_not_switched(self.portal_user)
        response = self._post(
            SWITCH_URL, files={"password": ("p.txt", b"udm_portal1_pw_123")}
        )
        self._assert_back_to_my(response, "The form could not be read")
        self._assert_not_switched(self.portal_user)

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal")
    def test_switch_user_agent_with_nul(self):
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, False)
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        response = self.url_open(
            SWITCH_URL,
            data={"csrf_token": http.Request.csrf_token(self)},
            headers={"User-Agent": "Agent\x00X" + "y" * 2000},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        switch = self._udm_active(self.portal_user)
        self.assertTrue(switch)
        self.assertNotIn("\x00", switch.user_agent)
        self.assertTrue(switch.user_agent.startswith("Agent"))

    # ------------------------------------------------------------------
    # 2. Who decides
    # ------------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_switched_portal_user_never_approves_through_rpc(self):
        switched = self._switched_approver()
        request = self.Request._udm_file(self.portal_user2, "Please", 0)
        # not asked either: no activity, not a follower
        self.assertNotIn(switched, request.activity_ids.user_id)
        self.assertNotIn(switched.partner_id, request.message_partner_ids)
        self.assertIn(self.approver, request.activity_ids.user_id)
        # even following the request (readable), the button is refused
        request.message_subscribe(partner_ids=switched.partner_id.ids)
        self._login(switched)
        for method in ("action_approve", "action_refuse", "action_withdraw"):
            with self.subTest(method=method):
                message = self._call_button(request, method)
                self.assertIn("switched to internal", message or "")
                self.assertEqual(request.state, "pending")
                self.assertFalse(request.approver_id)

    def test_switched_portal_user_never_approves_with_user(self):
        switched = self._switched_approver()
        request = self.Request._udm_file(self.portal_user2, "Please", 0)
        self.assertNotIn(switched, self.Request._udm_approvers())
        for method in ("action_approve", "action_refuse"):
            with self.subTest(method=method):
                with self.assertRaises(AccessError) as caught:
                    getattr(request.with_user(switched), method)()
                self.assertIn(
                    "A portal user switched to internal cannot decide",
                    str(caught.exception),
                )
                self.assertEqual(request.state, "pending")
        # reverted, a portal user again: still not an approver
        switched._udm_revert("user")
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            request.with_user(switched).action_approve()
        self.assertEqual(request.state, "pending")
        # a real approver still decides
        request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "approved")

    def test_share_user_in_the_approver_group_never_approves(self):
        # a misconfigured approvers group: one that portal users have
        self.ICP.set_param(PARAM_APPROVER_GROUP, self.group_extra_share.id)
        request = self.Request._udm_file(self.portal_user2, "Please", 0)
        self.assertFalse(request.activity_ids)
        with self.assertRaises(AccessError) as caught:
            request.with_user(self.portal_user).action_approve()
        self.assertIn("Only approvers", str(caught.exception))
        self.assertEqual(request.state, "pending")

    def test_nobody_approves_their_own_request(self):
        own = self.Request.sudo().create({"user_id": self.approver.id})
        # another account of the same person (the same contact)
        twin = new_test_user(
            self.env,
            "udm_approver_twin",
            groups="base.group_user,base.group_erp_manager",
            partner_id=self.portal_user2.partner_id.id,
        )
        twins = self.Request._udm_file(self.portal_user2, "Please", 0)
        self.assertNotIn(twin, twins.activity_ids.user_id)
        self.assertIn(self.approver, twins.activity_ids.user_id)
        for request, user in ((own, self.approver), (twins, twin)):
            for method in ("action_approve", "action_refuse"):
                with self.subTest(user=user.login, method=method):
                    with self.assertRaises(UserError) as caught:
                        getattr(request.with_user(user), method)()
                    self.assertIn("your own request", str(caught.exception))
                    self.assertEqual(request.state, "pending")

    # ------------------------------------------------------------------
    # 3. Withdrawing an approval
    # ------------------------------------------------------------------

    def _approved_request(self, user):
        request = self.Request._udm_file(user, "Month-end closing", 0)
        request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "approved")
        return request

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal")
    def test_portal_user_withdraws_from_my(self):
        request = self._approved_request(self.portal_user)
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        page = self._my_page()
        self.assertIn("udm_request_withdraw_form", page)
        self.assertIn(WITHDRAW_URL, page)
        # no CSRF token: nothing withdrawn
        with mute_logger("odoo.http"):
            response = self.url_open(
                WITHDRAW_URL, data={"withdraw": "1"}, allow_redirects=False
            )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(request.state, "approved")
        # another user's request is never touched
        other = self._approved_request(self.portal_user2)
        response = self._post(WITHDRAW_URL, request_id=str(other.id))
        page = self._assert_back_to_my(response, "Your request was withdrawn.")
        self.assertEqual(request.state, "withdrawn")
        self.assertEqual(other.state, "approved")
        self.assertIn("udm_request_form", page)
        self.assertNotIn("udm_request_withdraw_form", page)
        # the approval can no longer be used
        response = self._post(SWITCH_URL)
        self._assert_back_to_my(response, "needs an approval")
        self._assert_not_switched(self.portal_user)
        self.assertFalse(request.switch_id)
        # nothing left to withdraw
        response = self._post(WITHDRAW_URL)
        self._assert_back_to_my(response, "no request waiting or approved")

    def test_admin_withdraws_an_approval(self):
        request = self._approved_request(self.portal_user)
        # not an approver: refused
        with self.assertRaises(AccessError):
            request.with_user(self.internal_user).action_withdraw()
        self.assertEqual(request.state, "approved")
        request.with_user(self.admin_user).action_withdraw()
        self.assertEqual(request.state, "withdrawn")
        with self.assertRaises(UserError) as caught:
            self.portal_user._udm_switch_to_internal()
        self.assertIn("needs an approval", str(caught.exception))
        self._assert_not_switched(self.portal_user)
        with self.assertRaises(UserError) as caught:
            request.with_user(self.admin_user).action_withdraw()
        self.assertIn("can no longer be withdrawn", str(caught.exception))
        # a new request may be filed
        self.assertEqual(
            self.Request._udm_file(self.portal_user, "Again", 0).state, "pending"
        )

    def test_used_request_is_not_withdrawn(self):
        request = self._approved_request(self.portal_user)
        self.portal_user._udm_switch_to_internal()
        self.assertEqual(request.state, "used")
        with self.assertRaises(UserError):
            request.with_user(self.approver).action_withdraw()
        with self.assertRaises(UserError):
            self.Request._udm_withdraw_own(self.portal_user)
        self.assertEqual(request.state, "used")
