# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

import odoo
from odoo import fields, http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.user_dynamic_management.models.ir_http import SESSION_NEXT_CHECK

from .common import UdmCommon

SWITCH_URL = "/my/switch_to_internal"


@tagged("post_install", "-at_install")
class TestHttpSwitch(UdmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}_pw_123")

    def _post_switch(self, password=None, csrf=True):
        data = {"password": password or "none"}
        if csrf:
            data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(SWITCH_URL, data=data, allow_redirects=False)

    def _my_page(self):
        response = self.url_open("/my", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        return response.text

    def _assert_refused_to_my(self, response, user, message):
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.env.invalidate_all()
        self.assertTrue(user.share)
        self.assertFalse(self._udm_active(user))
        self.assertIn(message, self._my_page())

    def test_button_shown_to_allowed_portal_users_only(self):
        self._login(self.portal_user)
        page = self._my_page()
        self.assertIn("Switch to Internal User", page)
        self.assertIn('name="password"', page)
        not_allowed = self._udm_portal_user("udm_http_no", allowed=False)
        self._login(not_allowed)
        self.assertNotIn("Switch to Internal User", self._my_page())
        self._login(self.internal_user)
        self.assertNotIn("Switch to Internal User", self._my_page())

    def test_switch_with_csrf_and_password(self):
        self._udm_confirm_password("True")
        self._login(self.portal_user)
        response = self._post_switch("udm_portal1_pw_123")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/web"))
        self.env.invalidate_all()
        self.assertFalse(self.portal_user.share)
        switch = self._udm_active(self.portal_user)
        self.assertTrue(switch)
        self.assertEqual(switch.ip_address, "127.0.0.1")
        self.assertTrue(switch.user_agent)
        # still logged in, now in the backend
        response = self.url_open("/web", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn('"user_dynamic_management"', response.text)
        status = self.make_jsonrpc_request("/user_dynamic_management/status", {})
        self.assertTrue(status["active"])
        self.assertEqual(status["idle_seconds"], 300)

    def test_switch_without_password_setting(self):
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        self.assertNotIn('name="password"', self._my_page())
        response = self._post_switch(None)
        self.assertTrue(response.headers["Location"].endswith("/web"))
        self.env.invalidate_all()
        self.assertFalse(self.portal_user.share)

    def test_wrong_password_refused(self):
        self._udm_confirm_password("True")
        self._login(self.portal_user)
        response = self._post_switch("not the password")
        self._assert_refused_to_my(response, self.portal_user, "Wrong password")

    @mute_logger("odoo.http")
    def test_post_without_csrf_refused(self):
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        response = self._post_switch(csrf=False)
        self.assertEqual(response.status_code, 400)
        self.env.invalidate_all()
        self.assertTrue(self.portal_user.share)
        self.assertFalse(self._udm_active(self.portal_user))

    @mute_logger("odoo.http")
    def test_get_never_switches(self):
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        response = self.url_open(SWITCH_URL, allow_redirects=False)
        self.assertEqual(response.status_code, 405)
        self.env.invalidate_all()
        self.assertTrue(self.portal_user.share)

    def test_no_user_id_taken_from_request(self):
        self._udm_confirm_password(False)
        self._login(self.portal_user2)
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "user_id": self.portal_user.id,
            "uid": self.portal_user.id,
        }
        self.url_open(SWITCH_URL, data=data, allow_redirects=False)
        self.env.invalidate_all()
        self.assertTrue(self.portal_user.share)
        self.assertFalse(self.portal_user2.share)

    def test_not_allowed_refused(self):
        self._udm_confirm_password(False)
        user = self._udm_portal_user("udm_http_not_allowed", allowed=False)
        self._login(user)
        self._assert_refused_to_my(self._post_switch(), user, "not allowed")

    def test_internal_user_refused(self):
        self._udm_confirm_password(False)
        self._login(self.internal_user)
        groups = self.internal_user.groups_id
        response = self._post_switch()
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.env.invalidate_all()
        self.assertEqual(self.internal_user.groups_id, groups)
        self.assertIn("already an internal user", self._my_page())

    def test_public_user_refused(self):
        self.authenticate(None, None)
        response = self.url_open(
            SWITCH_URL,
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        # auth="user": anonymous visitors are sent to the login page
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_quota_refusal_message(self):
        self._udm_confirm_password(False)
        self._udm_set_quota(1, 2)
        self.portal_user._udm_switch_to_internal()
        start = self._udm_active(self.portal_user).start_date
        next_at = start + timedelta(minutes=2)
        self._login(self.portal_user2)
        response = self._post_switch()
        # a person's wording, in their timezone (UTC here): "in 1 min 52 s (at 10:42)"
        self._assert_refused_to_my(
            response, self.portal_user2, f"(at {next_at.strftime('%H:%M')})"
        )

    def _switch_over_http(self, user):
        self._udm_confirm_password(False)
        self._login(user)
        response = self._post_switch()
        self.assertTrue(response.headers["Location"].endswith("/web"))
        self.env.invalidate_all()
        return self._udm_active(user)

    def test_logout_reverts(self):
        switch = self._switch_over_http(self.portal_user)
        response = self.url_open("/web/session/logout", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(switch.state, "reverted")
        self.assertEqual(switch.reason, "logout")
        self.assertTrue(self.portal_user.share)
        self.assertEqual(self.portal_user.groups_id, switch.group_ids)

    def _minute_passes(self):
        """The session's "no check needed before" mark (at most a minute) passes."""
        session = odoo.http.root.session_store.get(self.session.sid)
        if SESSION_NEXT_CHECK in session:
            session[SESSION_NEXT_CHECK]["next_check"] = 0
        odoo.http.root.session_store.save(session)

    def _expire(self, switch):
        """Simulate the idle time running out (the test cannot wait)."""
        switch._udm_own().write(
            {"deadline": fields.Datetime.now() - timedelta(seconds=1)}
        )
        self.env.flush_all()
        self._minute_passes()

    def _backend_rpc(self):
        """A JSON-RPC of the web client; not assertRaises, which would roll back what
        the request committed."""
        response = self.url_open(
            "/web/dataset/call_kw/res.partner/search_read",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "res.partner",
                        "method": "search_read",
                        "args": [[]],
                        "kwargs": {"fields": ["name"], "limit": 1},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    @mute_logger("odoo.http")
    def test_rpc_after_admin_revert_reloads_to_portal(self):
        switch = self._switch_over_http(self.portal_user)
        self._minute_passes()
        self.assertIn("result", self._backend_rpc())  # the session knows it is switched
        switch.with_user(self.admin_user).action_revert_now()
        self.assertIn("result", self._backend_rpc())  # within the minute
        self._minute_passes()
        error = self._backend_rpc()["error"]
        self.assertEqual(error["code"], 100)
        self.assertIn("An administrator switched you back", self._my_page())
        # once only
        self.assertIn("result", self._backend_rpc())

    def test_request_after_deadline_served_as_portal(self):
        switch = self._switch_over_http(self.portal_user)
        self._expire(switch)
        # the backend sends the now-portal user to the portal
        response = self.url_open("/web", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.env.invalidate_all()
        self.assertEqual(switch.state, "reverted")
        self.assertEqual(switch.reason, "idle")
        self.assertTrue(self.portal_user.share)
        # ... where a message says why, once
        page = self._my_page()
        self.assertIn("because you were idle for too long", page)
        self.assertIn("Switch to Internal User", page)
        self.assertNotIn("because you were idle", self._my_page())

    @mute_logger("odoo.http")
    def test_rpc_after_deadline_reloads_to_portal(self):
        switch = self._switch_over_http(self.portal_user)
        self._expire(switch)
        error = self._backend_rpc()["error"]
        # code 100: the web client reloads, and /web sends the portal user to /my
        self.assertEqual(error["code"], 100)
        self.assertEqual(error["data"]["name"], "odoo.http.SessionExpiredException")
        # refused again until the reload: nothing is served as internal any more
        self.assertEqual(self._backend_rpc()["error"]["code"], 100)
        response = self.url_open("/web", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "idle"))
        self.assertTrue(self.portal_user.share)

    def test_deadline_read_at_most_once_a_minute_per_session(self):
        switch = self._switch_over_http(self.portal_user)
        Switch = type(self.env["portal.internal.switch"])
        original = Switch._udm_check_deadline
        calls = []

        def counting(model, uid):
            calls.append(uid)
            return original(model, uid)

        self.patch(Switch, "_udm_check_deadline", counting)
        for _i in range(3):
            self.make_jsonrpc_request("/user_dynamic_management/status", {})
        self.assertEqual(calls, [], "checked at the switch request, not again")
        self._expire(switch)  # a minute later
        self.make_jsonrpc_request("/user_dynamic_management/status", {})
        self.make_jsonrpc_request("/user_dynamic_management/status", {})
        self.assertEqual(calls, [self.portal_user.id])

    def test_countdown_routes(self):
        switch = self._switch_over_http(self.portal_user)
        heartbeat = self.make_jsonrpc_request("/user_dynamic_management/heartbeat", {})
        self.assertTrue(heartbeat["active"])
        self.assertTrue(heartbeat["idle_enabled"])
        self.assertGreater(heartbeat["deadline"], heartbeat["server_time"])
        self._expire(switch)
        # at zero the client asks; the server reverts and says so (no error)
        status = self.make_jsonrpc_request("/user_dynamic_management/status", {})
        self.assertFalse(status["active"])
        self.env.invalidate_all()
        self.assertEqual(switch.reason, "idle")
