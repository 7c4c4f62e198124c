# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestQuota(UdmCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        # long idle time: portal user 1 "still stays in internal"
        cls.portal_user.idle_time = 600
        cls.portal_user2.idle_time = 600

    def _refused_at(self, user, when, next_time):
        with freeze_time(when), self.assertRaises(UserError) as catched:
            user._udm_switch_to_internal()
        self.assertIn(next_time, str(catched.exception))
        self.env.invalidate_all()
        self.assertTrue(user.share, f"refused at {when} but switched")
        self.assertFalse(self._udm_active(user))

    def test_seed_example_minute_by_minute(self):
        """M = 1, T = 2: user 1 switches at 10:40; user 2 is refused from 10:40 to
        10:42; after 10:42 user 2 may switch although user 1 is still internal.
        """
        self._udm_set_quota(1, 2)
        with freeze_time("2026-03-02 10:40:00"):
            self.portal_user._udm_switch_to_internal()
        for when in (
            "2026-03-02 10:40:00",
            "2026-03-02 10:40:30",
            "2026-03-02 10:41:00",
            "2026-03-02 10:41:30",
            "2026-03-02 10:41:59",
        ):
            self._refused_at(self.portal_user2, when, "(at 10:42)")
        with freeze_time("2026-03-02 10:42:00"):
            self.portal_user2._udm_switch_to_internal()
        self.env.invalidate_all()
        self.assertFalse(self.portal_user.share, "user 1 is still internal")
        self.assertFalse(self.portal_user2.share)

    def test_reverted_switches_still_count(self):
        """The window counts switch starts: a revert does not free the slot."""
        self._udm_set_quota(1, 2)
        with freeze_time("2026-03-02 10:40:00"):
            self.portal_user._udm_switch_to_internal()
            self.portal_user._udm_revert("logout")
        self._refused_at(self.portal_user2, "2026-03-02 10:41:00", "(at 10:42)")

    def test_sliding_window_with_two_slots(self):
        self._udm_set_quota(2, 10)
        user3 = self._udm_portal_user("udm_portal3")
        with freeze_time("2026-03-02 10:00:00"):
            self.portal_user._udm_switch_to_internal()
        with freeze_time("2026-03-02 10:05:00"):
            self.portal_user2._udm_switch_to_internal()
        # the oldest of the two latest starts (10:00) leaves the window at 10:10
        self._refused_at(user3, "2026-03-02 10:09:59", "(at 10:10)")
        with freeze_time("2026-03-02 10:10:00"):
            user3._udm_switch_to_internal()
        self.assertFalse(user3.share)

    def test_zero_means_unlimited(self):
        self._udm_set_quota(0, 2)
        users = [self._udm_portal_user(f"udm_unlimited{i}") for i in range(5)]
        with freeze_time("2026-03-02 10:40:00"):
            for user in users + [self.portal_user, self.portal_user2]:
                user._udm_switch_to_internal()
        self.assertEqual(self.Switch.sudo().search_count([("state", "=", "active")]), 7)

    def test_settings(self):
        settings = self.env["res.config.settings"].create(
            {"udm_max_portal_user": 1, "udm_time_limit": 2}
        )
        settings.execute()
        self.assertEqual(self.Switch._udm_quota_settings(), (1, 2))
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create(
                {"udm_max_portal_user": 3, "udm_time_limit": 0}
            )
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"udm_max_portal_user": -1})

    def test_confirm_password_setting_defaults_to_on(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.udm_confirm_password)
        settings.udm_confirm_password = False
        settings.execute()
        self.assertFalse(
            self.env["res.config.settings"].create({}).udm_confirm_password
        )
