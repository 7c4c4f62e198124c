# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fairness limits: switches per day, a cooldown after a switch, seats per template.
Each refusal says when the user may try again and changes nothing."""

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from ..models.portal_internal_switch import UdmLimitReached
from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestFairness(UdmCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        # the company's timezone decides the day, whatever the user's own
        cls.env.company.partner_id.tz = "Europe/Paris"

    def _switch_at(self, user, when):
        with freeze_time(when):
            return user._udm_switch_to_internal()

    def _revert_at(self, user, when):
        with freeze_time(when):
            user._udm_revert("user")

    def _assert_refused(self, user, when, message):
        groups = user.groups_id
        count = self.Switch.sudo().search_count([])
        with freeze_time(when), self.assertRaises(UdmLimitReached) as caught:
            user._udm_switch_to_internal()
        self.assertIn(message, str(caught.exception))
        self.assertEqual(user.groups_id, groups)
        self.assertEqual(self.Switch.sudo().search_count([]), count)
        return caught.exception

    def test_switches_per_day_from_the_template(self):
        self.template.udm_daily_limit = 2
        self._switch_at(self.portal_user, "2026-03-02 08:00:00")
        self._revert_at(self.portal_user, "2026-03-02 08:10:00")
        self._switch_at(self.portal_user, "2026-03-02 09:00:00")
        self._revert_at(self.portal_user, "2026-03-02 09:10:00")
        # the user's own timezone does not move the day
        self.portal_user.tz = "Pacific/Kiritimati"
        error = self._assert_refused(
            self.portal_user,
            "2026-03-02 20:00:00",
            "You have switched 2 times today, the most allowed per day.",
        )
        # midnight in Paris: 23:00 UTC
        self.assertEqual(str(error.udm_free_at), "2026-03-02 23:00:00")
        # the next day in Paris
        self._switch_at(self.portal_user, "2026-03-02 23:00:01")

    def test_users_own_limit_overrides_the_templates(self):
        self.template.udm_daily_limit = 1
        self.portal_user.udm_daily_limit = 3
        for hour in (8, 9, 10):
            self._switch_at(self.portal_user, f"2026-03-02 {hour:02d}:00:00")
            self._revert_at(self.portal_user, f"2026-03-02 {hour:02d}:10:00")
        self._assert_refused(
            self.portal_user, "2026-03-02 11:00:00", "You have switched 3 times today"
        )

    def test_cooldown_after_a_switch(self):
        self.template.udm_cooldown = 15
        self._switch_at(self.portal_user, "2026-03-02 10:00:00")
        self._revert_at(self.portal_user, "2026-03-02 10:20:00")
        self._assert_refused(
            self.portal_user,
            "2026-03-02 10:30:00",
            "You can switch again in 5 min (at 10:35).",
        )
        self._switch_at(self.portal_user, "2026-03-02 10:35:00")

    def test_seats_per_template(self):
        self.template.udm_template_seats = 1
        self._switch_at(self.portal_user, "2026-03-02 10:00:00")  # idle until 10:05
        self._assert_refused(
            self.portal_user2,
            "2026-03-02 10:01:00",
            "The only seat of UDM Template is taken. It is expected to free up in "
            "4 min (at 10:05).",
        )
        self._revert_at(self.portal_user, "2026-03-02 10:02:00")
        self._switch_at(self.portal_user2, "2026-03-02 10:02:30")
        self.template.udm_template_seats = 2
        self._switch_at(self.portal_user, "2026-03-02 10:03:00")
        third = self._udm_portal_user("udm_portal3")
        self._assert_refused(
            third, "2026-03-02 10:04:00", "All 2 seats of UDM Template are taken."
        )

    def test_negative_limits_refused(self):
        with self.assertRaisesRegex(Exception, "cannot be negative"):
            self.template.udm_cooldown = -1

    def test_requests_follow_the_limits(self):
        """Each request e-mails the approvers: requests per day and a cooldown after
        a refusal keep one user from flooding them."""
        Request = self.env["portal.internal.switch.request"]
        self.template.write({"udm_daily_limit": 2, "udm_cooldown": 30})
        with freeze_time("2026-03-02 09:00:00"):
            first = Request._udm_file(self.portal_user, "Inventory")
            first.with_user(self.admin_user).action_refuse()
        with freeze_time("2026-03-02 09:10:00"), self.assertRaises(Exception) as caught:
            Request._udm_file(self.portal_user, "Again")
        self.assertIn("You can send another in 20 min", str(caught.exception))
        with freeze_time("2026-03-02 09:40:00"):
            second = Request._udm_file(self.portal_user, "Again")
            second._udm_withdraw()
        count = Request.sudo().search_count([])
        with freeze_time("2026-03-02 09:50:00"), self.assertRaises(Exception) as caught:
            Request._udm_file(self.portal_user, "Third")
        self.assertIn("You have sent 2 requests today", str(caught.exception))
        self.assertEqual(Request.sudo().search_count([]), count)
