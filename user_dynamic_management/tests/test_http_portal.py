# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import date, datetime, timedelta, timezone

from freezegun import freeze_time

from odoo import Command, http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from .common import UdmCommon

BACK_URL = "/user_dynamic_management/back_to_portal"


@tagged("post_install", "-at_install")
class TestPortalPages(UdmCommon, HttpCase):
    """What the portal pages and the countdown's routes tell and do (browser side)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls._udm_confirm_password(cls, False)

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}_pw_123")

    def _page(self, url):
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        return response.text

    def _switch(self, user):
        self._login(user)
        response = self.url_open(
            "/my/switch_to_internal",
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.assertTrue(response.headers["Location"].endswith("/web"))
        self.env.invalidate_all()
        switch = self._udm_active(user)
        self.assertTrue(switch)
        return switch

    def test_card_tells_idle_time_template_and_quota(self):
        self._udm_set_quota(3, 10)
        self._login(self.portal_user)
        page = self._page("/my")
        self.assertIn("(template UDM Template).", page)
        self.assertIn("when you log out or after 5 min without activity.", page)
        self.assertIn("At most 3 users may switch every 10 minutes.", page)
        self.assertNotIn("next switch possible", page)

    def test_card_when_quota_full_says_when(self):
        self._udm_set_quota(1, 2)
        switch = self.portal_user2._udm_switch_to_internal()
        next_at = switch.start_date + timedelta(minutes=2)
        self._login(self.portal_user)
        page = self._page("/my")
        self.assertIn(
            f"next switch possible at {next_at.strftime('%H:%M')}.",
            page,
        )
        self.assertRegex(page, r'id="udm_switch_button"[^>]*disabled="disabled"')
        # never "again" to someone who never switched
        self.assertNotIn("again", page)

    def test_switched_user_on_my_sees_the_way_back_and_time_left(self):
        switch = self._switch(self.portal_user)
        page = self._page("/my")
        self.assertIn("Go to the backend", page)
        self.assertIn('href="/web"', page)
        # 5 minutes idle time, a few seconds ago: "4 min 5x s" or "5 min"
        self.assertRegex(
            page,
            r"Idle time left: (4 min \d+ s|5 min) \(until "
            + switch.deadline.strftime("%H:%M"),
        )
        self.assertIn("(template UDM Template).", page)
        self.assertNotIn("udm_switch_button", page)

    def test_absolute_end_on_card_and_in_status(self):
        self.portal_user.sudo().udm_max_duration = 30
        switch = self._switch(self.portal_user)
        self.assertTrue(switch.end_deadline)
        status = self.make_jsonrpc_request("/user_dynamic_management/status", {})
        # the countdown's "until 11:40" comes from here (epoch ms)
        self.assertEqual(
            status["end_deadline"],
            int(switch.end_deadline.replace(tzinfo=timezone.utc).timestamp() * 1000),
        )
        page = self._page("/my")
        self.assertIn(
            f"Internal access ends at {switch.end_deadline.strftime('%H:%M')} "
            "at the latest.",
            page,
        )

    def test_status_names_the_switch_and_paces_activity(self):
        self.portal_user.sudo().idle_time = 1
        switch = self._switch(self.portal_user)
        status = self.make_jsonrpc_request("/user_dynamic_management/status", {})
        self.assertEqual(status["switch_id"], switch.id)
        self.assertEqual(status["template_name"], "UDM Template")
        # a third of the idle time: input is reported well before the deadline
        self.assertEqual(status["activity_interval"], 20)
        self.assertEqual(status["idle_seconds"], 60)

    def test_back_to_portal_now(self):
        switch = self._switch(self.portal_user)
        result = self.make_jsonrpc_request(BACK_URL, {})
        self.assertEqual(result, {"redirect": "/my"})
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "user"))
        self.assertTrue(self.portal_user.share)
        self.assertEqual(self.portal_user.groups_id, switch.group_ids)
        # the open tabs are told which switch ended
        message = (
            self.env["bus.bus"]
            .sudo()
            .search(
                [("message", "like", "user_dynamic_management/reverted")],
                order="id desc",
                limit=1,
            )
        )
        self.assertEqual(
            json.loads(message.channel)[1:],
            ["res.partner", self.portal_user.partner_id.id],
        )
        payload = json.loads(message.message)
        self.assertEqual(payload["type"], "user_dynamic_management/reverted")
        self.assertEqual(payload["payload"], {"reason": "user", "switch_id": switch.id})
        page = self._page("/my")
        self.assertIn("You switched back to a portal user.", page)
        self.assertIn("udm_switch_button", page)

    def test_back_to_portal_changes_nothing_for_others(self):
        self._login(self.internal_user)
        groups = self.internal_user.groups_id
        self.assertEqual(self.make_jsonrpc_request(BACK_URL, {}), {"redirect": "/my"})
        self.env.invalidate_all()
        self.assertEqual(self.internal_user.groups_id, groups)
        self.assertFalse(self.internal_user.share)

    @mute_logger("odoo.http")
    def test_back_to_portal_refuses_a_cross_site_form(self):
        """A form of another site can only send form data, never JSON: refused."""
        switch = self._switch(self.portal_user)
        response = self.url_open(BACK_URL, data={"x": "1"}, allow_redirects=False)
        self.assertGreaterEqual(response.status_code, 400)
        self.env.invalidate_all()
        self.assertEqual(switch.state, "active")
        self.assertFalse(self.portal_user.share)

    def test_logout_lands_on_a_page_that_says_why(self):
        switch = self._switch(self.portal_user)
        response = self.url_open("/web/session/logout", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        location = response.headers["Location"]
        self.assertIn("/web/login?udm_reverted=logout", location)
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "logout"))
        page = self._page(location)
        self.assertIn(
            "You were switched back to a portal user when you logged out.", page
        )
        # said once: not again on /my after the next login
        self._login(self.portal_user)
        self.assertNotIn("when you logged out", self._page("/my"))

    def test_logout_of_others_unchanged(self):
        self._login(self.internal_user)
        response = self.url_open("/web/session/logout", allow_redirects=False)
        self.assertNotIn("udm_reverted", response.headers["Location"])

    def test_login_page_explains_known_reasons_only(self):
        self.authenticate(None, None)
        page = self._page("/web/login?udm_reverted=%3Cb%3Ehello%3C%2Fb%3E")
        self.assertNotIn("o_udm_message", page)
        self.assertNotIn("<b>hello", page)

    def test_card_follows_the_switch_policy(self):
        """The card tells the idle time and maximum duration of the policy that will
        apply (template, or the user's own override), not the user's raw fields."""
        self.portal_user.write({"enable_idle_time": False})
        self.template.sudo().write(
            {"enable_idle_time": True, "idle_time": 7, "udm_max_duration": 45}
        )
        self._login(self.portal_user)
        page = self._page("/my")
        self.assertIn("after 7 min without activity.", page)
        self.assertIn("Internal access lasts 45 min at most.", page)

    def test_card_for_users_eligible_by_group_only(self):
        group = self.env["res.groups"].create({"name": "UDM may switch"})
        group.udm_may_switch = True
        user = self._udm_portal_user("udm_portal_group", allowed=False)
        self._login(user)
        self.assertNotIn("udm_switch_button", self._page("/my"))
        user.groups_id = [Command.link(group.id)]
        self.assertIn("udm_switch_button", self._page("/my"))
        # an end date in the past takes the card away again
        user.udm_allowed_until = date(2020, 1, 1)
        self.assertNotIn("udm_switch_button", self._page("/my"))

    def test_card_without_approval_offers_the_request_not_the_switch(self):
        self.portal_user.udm_approval = "required"
        self._login(self.portal_user)
        page = self._page("/my")
        self.assertNotIn('id="udm_switch_form"', page)
        self.assertIn('id="udm_request_form"', page)


@tagged("post_install", "-at_install")
class TestActivityPace(UdmCommon, TransactionCase):
    """With the shortest idle time an active user is never reverted as idle."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.portal_user.sudo().write({"idle_time": 1})

    def test_one_minute_idle_time_accepts_reports_every_twenty_seconds(self):
        uid = self.portal_user.id
        with freeze_time("2026-03-02 10:40:00"):
            switch = self.portal_user._udm_switch_to_internal()
        self.assertEqual(switch._udm_activity_interval(), 20)
        # the client reports at most every 21 s; the server takes reports 1 s early
        with freeze_time("2026-03-02 10:40:18"):
            self.assertFalse(self.Switch._udm_register_activity(uid))
        with freeze_time("2026-03-02 10:40:19"):
            self.assertTrue(self.Switch._udm_register_activity(uid))
        self.assertEqual(switch.deadline, datetime(2026, 3, 2, 10, 41, 19))
        # a click at +36 s is reported by +40 s, and extends the deadline past +61 s
        with freeze_time("2026-03-02 10:40:40"):
            self.assertTrue(self.Switch._udm_register_activity(uid))
        with freeze_time("2026-03-02 10:41:01"):
            self.Switch._cron_revert_idle_switches()
            self.assertFalse(self.Switch._udm_enforce_deadline(uid))
        self.env.invalidate_all()
        self.assertEqual(switch.state, "active")
        self.assertEqual(switch.deadline, datetime(2026, 3, 2, 10, 41, 40))

    def test_quota_refusal_wording(self):
        self._udm_set_quota(1, 2)
        self.portal_user2.sudo().tz = "Europe/Brussels"
        with freeze_time("2026-03-02 10:40:00"):
            self.portal_user._udm_switch_to_internal()
        with freeze_time("2026-03-02 10:40:08"), self.assertRaises(UserError) as error:
            self.portal_user2._udm_switch_to_internal()
        # 10:42 UTC is 11:42 in Brussels
        self.assertIn("You can switch in 1 min 52 s (at 11:42).", str(error.exception))
        self.assertNotIn("again", str(error.exception))
        self.env.invalidate_all()
        self.assertTrue(self.portal_user2.share)
        self.assertFalse(self._udm_active(self.portal_user2))
