# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Scheduled access: weekly windows on a template (company timezone) and planned
internal access for one user (no request, outside the windows)."""

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from ..models.portal_internal_switch_request import PARAM_REQUIRE_APPROVAL
from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestWindows(UdmCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.env.company.partner_id.tz = "Europe/Paris"  # UTC+1 in March
        # Monday to Friday, 08:00-18:00 in Paris
        cls.template.udm_window_ids = [
            Command.create({"weekday": str(day), "hour_from": 8, "hour_to": 18})
            for day in range(5)
        ]
        cls.portal_user.write({"enable_idle_time": False, "tz": "Pacific/Kiritimati"})

    def test_switch_inside_a_window_ends_with_it(self):
        # Monday 2026-03-02 16:30 in Paris
        with freeze_time("2026-03-02 15:30:00"):
            switch = self.portal_user._udm_switch_to_internal()
        self.assertEqual(switch.end_deadline, datetime(2026, 3, 2, 17, 0))
        self.assertEqual(switch.max_duration, 90)

    def test_switch_outside_the_windows_says_when_the_next_opens(self):
        groups = self.portal_user.groups_id
        # Saturday 2026-03-07 12:00 in Paris: the next window is Monday 08:00 Paris
        with freeze_time("2026-03-07 11:00:00"), self.assertRaises(UserError) as caught:
            self.portal_user._udm_switch_to_internal()
        self.assertIn(
            "Internal access with UDM Template is open at set times only.",
            str(caught.exception),
        )
        # told in the user's own timezone (Monday 07:00 UTC = 21:00 there)
        self.assertIn("3/9/26", str(caught.exception))
        self.assertEqual(self.portal_user.groups_id, groups)
        self.assertFalse(self._udm_active(self.portal_user))

    def test_planned_access_on_a_saturday_without_request(self):
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, "True")
        self.env["portal.internal.switch.grant"].create(
            {
                "user_id": self.portal_user.id,
                "date_start": "2026-03-07 07:00:00",  # 08:00 in Paris
                "date_end": "2026-03-07 17:00:00",  # 18:00
                "note": "Saturday's event",
            }
        )
        with freeze_time("2026-03-07 06:59:00"), self.assertRaises(UserError):
            self.portal_user._udm_switch_to_internal()
        with freeze_time("2026-03-07 09:00:00"):
            switch = self.portal_user._udm_switch_to_internal()
        self.assertEqual(switch.end_deadline, datetime(2026, 3, 7, 17, 0))
        self.assertFalse(switch.request_id, "no Full User Request needed")

    def test_bad_windows_and_periods_refused(self):
        with self.assertRaises(ValidationError):
            self.template.udm_window_ids = [
                Command.create({"weekday": "5", "hour_from": 18, "hour_to": 8})
            ]
        with self.assertRaises(ValidationError):
            self.env["portal.internal.switch.grant"].create(
                {
                    "user_id": self.portal_user.id,
                    "date_start": "2026-03-07 17:00:00",
                    "date_end": "2026-03-07 07:00:00",
                }
            )

    def test_chosen_duration_never_passes_the_window(self):
        # Monday 2026-03-02 17:30 in Paris: 30 minutes of window left
        with freeze_time("2026-03-02 16:30:00"):
            switch = self.portal_user._udm_switch_to_internal(duration=120)
        self.assertEqual(switch.end_deadline, datetime(2026, 3, 2, 17, 0))
