# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The settings of "Internal access as people plan it" set in a browser as an
administrator sets them (tours of static/tests/tours/policy_admin_tours.js), then met
by the portal user over HTTP: the database holds what was typed, and the switch
follows it."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields, http
from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from ..models.const import PARAM_REQUIRE_TOTP
from ..models.portal_internal_switch_request import PARAM_REQUIRE_APPROVAL
from .common import EXTEND_URL, UdmCommon

SWITCH_URL = "/my/switch_to_internal"
STATUS_URL = "/user_dynamic_management/status"


@tagged("post_install", "-at_install")
class TestPolicyTours(UdmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        # windows and days are read in the company's timezone (UTC+1 in March)
        cls.env.company.partner_id.tz = "Europe/Paris"
        # start_tour logs in with password = login; the browser and the
        # administrator both read dates in UTC. Contact Creation as a stock
        # administrator has it: without it, auth_signup refuses to open a portal
        # user's form (its invitation URL needs write access to the contact)
        cls.policy_admin = new_test_user(
            cls.env,
            "udm_policy_admin",
            groups="base.group_user,base.group_system,base.group_partner_manager",
            tz="UTC",
        )
        # without idle time: only the policy under test ends or limits a switch
        cls.portal_user3 = cls._udm_portal_user("udm_portal3", idle=0)
        cls.volunteer = cls._udm_portal_user(
            "udm_volunteer", idle=0, name="Vera Volunteer"
        )
        (cls.portal_user | cls.portal_user2).enable_idle_time = False

    def setUp(self):
        super().setUp()
        self._udm_confirm_password(False)

    def _admin_tour(self, tour):
        """Run `tour` as the administrator, from the backend's home, and read the
        database afresh afterwards."""
        self.start_tour("/web", tour, login="udm_policy_admin")
        self.env.invalidate_all()

    def _press_switch(self, user, **data):
        """Log in as `user`, open /my and press "Switch to Internal User"."""
        self.authenticate(user.login, f"{user.login}_pw_123")
        self.url_open("/my")
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(SWITCH_URL, data=data, allow_redirects=False)

    def _assert_switched(self, response, user):
        """The switch went through: to the backend, with an active switch."""
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/web"))
        self.env.invalidate_all()
        self.assertFalse(user.share)
        switch = self._udm_active(user)
        self.assertTrue(switch)
        return switch

    def test_require_totp_ticked_in_settings(self):
        self.assertFalse(self.ICP.get_param(PARAM_REQUIRE_TOTP))
        self._admin_tour("udm_policy_require_totp")
        self.assertEqual(self.ICP.get_param(PARAM_REQUIRE_TOTP), "True")
        # a portal user without two-factor authentication cannot switch
        self.assertFalse(self.portal_user.totp_enabled)
        response = self._press_switch(self.portal_user, totp_code="123456")
        self._udm_assert_posted_switch_refused(
            response,
            self.portal_user,
            "Switching needs two-factor authentication: enable it on your Security "
            "page",
        )

    def test_duration_and_extension_typed_on_the_template(self):
        self._admin_tour("udm_policy_template_duration")
        self.assertRecordValues(
            self.template,
            [
                {
                    "udm_max_duration": 60,
                    "udm_max_extension": 30,
                    "udm_extension_step": 15,
                }
            ],
        )
        before = fields.Datetime.now()
        switch = self._assert_switched(
            self._press_switch(self.portal_user), self.portal_user
        )
        # ends 60 minutes after the switch
        self.assertEqual(switch.max_duration, 60)
        self.assertEqual(switch.end_deadline, switch.start_date + timedelta(hours=1))
        self.assertGreaterEqual(switch.start_date, before.replace(microsecond=0))
        # "Extend" offers 15 minutes, twice: 30 minutes in all
        status = self.make_jsonrpc_request(STATUS_URL, {})
        self.assertEqual(status["extension_minutes"], 15)
        for extended in (15, 30):
            result = self.make_jsonrpc_request(EXTEND_URL, {})
            self.assertEqual((result["extended"], result["minutes"]), (True, 15))
            self.env.invalidate_all()
            self.assertEqual(switch.extended_minutes, extended)
        self.assertEqual(switch.end_deadline, switch.start_date + timedelta(minutes=90))
        result = self.make_jsonrpc_request(EXTEND_URL, {})
        self.assertFalse(result["extended"])
        self.assertIn("No extension left", result["message"])
        self.assertEqual(result["status"]["extension_minutes"], 0)

    def test_fairness_typed_on_the_template(self):
        self._admin_tour("udm_policy_template_fairness")
        self.assertRecordValues(
            self.template,
            [{"udm_daily_limit": 2, "udm_cooldown": 20, "udm_template_seats": 1}],
        )
        # Monday 2 March 2026 in Paris: portal user 1 switched twice in the morning
        for start in ("2026-03-02 08:00:00", "2026-03-02 09:00:00"):
            with freeze_time(start):
                self.portal_user._udm_switch_to_internal()
            with freeze_time(datetime.fromisoformat(start) + timedelta(minutes=10)):
                self.portal_user._udm_revert("user")
        # portal user 2's switch ended at 09:50
        with freeze_time("2026-03-02 09:40:00"):
            self.portal_user2._udm_switch_to_internal()
        with freeze_time("2026-03-02 09:50:00"):
            self.portal_user2._udm_revert("user")
        with freeze_time("2026-03-02 10:00:00"):
            self._udm_assert_posted_switch_refused(
                self._press_switch(self.portal_user),
                self.portal_user,
                "You have switched 2 times today, the most allowed per day.",
            )
            self._udm_assert_posted_switch_refused(
                self._press_switch(self.portal_user2),
                self.portal_user2,
                "Your last switch ended less than 20 min ago.",
            )
            # the only seat: portal user 3 takes it, the volunteer finds it taken
            self._assert_switched(
                self._press_switch(self.portal_user3), self.portal_user3
            )
            self._udm_assert_posted_switch_refused(
                self._press_switch(self.volunteer),
                self.volunteer,
                "The only seat of UDM Template is taken.",
            )
        # 20 minutes after its end, portal user 2 may switch again
        with freeze_time("2026-03-02 10:10:00"):
            self.portal_user3._udm_revert("user")
            self._assert_switched(
                self._press_switch(self.portal_user2), self.portal_user2
            )

    def test_windows_typed_on_the_template(self):
        self._admin_tour("udm_policy_template_windows")
        windows = self.template.udm_window_ids
        self.assertEqual(windows.mapped("weekday"), ["0", "1", "2", "3", "4"])
        self.assertEqual(set(windows.mapped("hour_from")), {8.5})
        self.assertEqual(set(windows.mapped("hour_to")), {17.5})
        # Saturday 7 March 2026, 12:00 in Paris: closed
        with freeze_time("2026-03-07 11:00:00"):
            self._udm_assert_posted_switch_refused(
                self._press_switch(self.portal_user),
                self.portal_user,
                "Internal access with UDM Template is open at set times only.",
            )
        # Monday 9 March, 08:20 in Paris: not open yet
        with freeze_time("2026-03-09 07:20:00"):
            self._udm_assert_posted_switch_refused(
                self._press_switch(self.portal_user),
                self.portal_user,
                "Internal access with UDM Template is open at set times only.",
            )
        # Monday 9 March, 16:30 in Paris: open, the switch ends at 17:30 there
        with freeze_time("2026-03-09 15:30:00"):
            switch = self._assert_switched(
                self._press_switch(self.portal_user), self.portal_user
            )
        self.assertEqual(switch.end_deadline, datetime(2026, 3, 9, 16, 30))

    def test_planned_access_typed_on_the_user(self):
        # switches need an approved Full User Request, and the template opens on
        # weekdays only: the planned access bypasses both
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, "True")
        self.template.udm_window_ids = [
            Command.create({"weekday": str(day), "hour_from": 8, "hour_to": 18})
            for day in range(5)
        ]
        self._admin_tour("udm_policy_planned_access")
        self.assertRecordValues(
            self.volunteer.udm_grant_ids,
            [
                {
                    "date_start": datetime(2026, 3, 7, 8, 0),
                    "date_end": datetime(2026, 3, 7, 18, 0),
                    "note": "Saturday's event",
                }
            ],
        )
        # Saturday 7 March 2026, before the planned access
        with freeze_time("2026-03-07 07:59:00"):
            self._udm_assert_posted_switch_refused(
                self._press_switch(self.volunteer),
                self.volunteer,
                "Internal access with UDM Template is open at set times only.",
            )
        # during it: switched without a request, until its end
        with freeze_time("2026-03-07 09:00:00"):
            switch = self._assert_switched(
                self._press_switch(self.volunteer), self.volunteer
            )
        self.assertFalse(switch.request_id)
        self.assertEqual(switch.end_deadline, datetime(2026, 3, 7, 18, 0))
