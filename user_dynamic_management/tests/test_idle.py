# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestIdle(UdmCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()

    def _switch_at(self, user, when):
        with freeze_time(when):
            return user._udm_switch_to_internal()

    def test_idle_revert_just_before_and_after_deadline(self):
        switch = self._switch_at(self.portal_user, "2026-03-02 10:40:00")
        self.assertEqual(switch.deadline, datetime(2026, 3, 2, 10, 45))
        with freeze_time("2026-03-02 10:44:59"):
            self.assertFalse(self.Switch._udm_enforce_deadline(self.portal_user.id))
            self.Switch._cron_revert_idle_switches()
        self.env.invalidate_all()
        self.assertEqual(switch.state, "active")
        self.assertFalse(self.portal_user.share)
        with freeze_time("2026-03-02 10:45:00"):
            self.assertTrue(self.Switch._udm_enforce_deadline(self.portal_user.id))
        self.env.invalidate_all()
        self.assertEqual(switch.state, "reverted")
        self.assertEqual(switch.reason, "idle")
        self.assertEqual(switch.end_date, datetime(2026, 3, 2, 10, 45))
        self.assertTrue(self.portal_user.share)
        self.assertEqual(self.portal_user.groups_id, switch.group_ids)

    def test_next_check_never_after_deadline(self):
        self._switch_at(self.portal_user, "2026-03-02 10:40:00")
        uid = self.portal_user.id
        with freeze_time("2026-03-02 10:40:00"):
            self.assertEqual(
                self.Switch._udm_check_deadline(uid),
                {
                    "reverted": False,
                    "next_check": datetime(2026, 3, 2, 10, 41),
                    "switched": True,
                },
            )
        with freeze_time("2026-03-02 10:44:30"):
            self.assertEqual(
                self.Switch._udm_check_deadline(uid)["next_check"],
                datetime(2026, 3, 2, 10, 45),
            )
        with freeze_time("2026-03-02 10:45:00"):
            check = self.Switch._udm_check_deadline(uid)
        self.assertTrue(check["reverted"])
        self.assertFalse(check["switched"])
        # not switched: one check a minute is enough (idle time is at least a minute)
        with freeze_time("2026-03-02 10:50:00"):
            self.assertEqual(
                self.Switch._udm_check_deadline(uid),
                {
                    "reverted": False,
                    "next_check": datetime(2026, 3, 2, 10, 51),
                    "switched": False,
                },
            )

    def test_activity_moves_deadline_at_most_once_a_minute(self):
        switch = self._switch_at(self.portal_user, "2026-03-02 10:40:00")
        uid = self.portal_user.id
        with freeze_time("2026-03-02 10:40:30"):
            # within the minute: no write at all
            self.assertFalse(self.Switch._udm_register_activity(uid))
        self.assertEqual(switch.last_activity, datetime(2026, 3, 2, 10, 40))
        with freeze_time("2026-03-02 10:41:10"):
            self.assertTrue(self.Switch._udm_register_activity(uid))
            self.assertFalse(self.Switch._udm_register_activity(uid))
        self.assertEqual(switch.last_activity, datetime(2026, 3, 2, 10, 41, 10))
        self.assertEqual(switch.deadline, datetime(2026, 3, 2, 10, 46, 10))
        with freeze_time("2026-03-02 10:45:30"):
            self.Switch._cron_revert_idle_switches()
        self.assertEqual(switch.state, "active")
        with freeze_time("2026-03-02 10:46:10"):
            self.Switch._cron_revert_idle_switches()
        self.assertEqual(switch.state, "reverted")

    def test_activity_of_a_reverted_user_changes_nothing(self):
        switch = self._switch_at(self.portal_user, "2026-03-02 10:40:00")
        self.portal_user._udm_revert("logout")
        with freeze_time("2026-03-02 10:42:00"):
            self.assertFalse(self.Switch._udm_register_activity(self.portal_user.id))
        self.assertEqual(switch.last_activity, datetime(2026, 3, 2, 10, 40))

    def test_no_idle_time_never_reverts(self):
        user = self._udm_portal_user("udm_no_idle", idle=0)
        switch = self._switch_at(user, "2026-03-02 10:40:00")
        with freeze_time("2026-03-09 10:40:00"):
            self.Switch._cron_revert_idle_switches()
            self.assertFalse(self.Switch._udm_enforce_deadline(user.id))
        self.assertEqual(switch.state, "active")

    def test_cron_reverts_due_switches_only(self):
        due1 = self._switch_at(self.portal_user, "2026-03-02 10:00:00")
        due2 = self._switch_at(self.portal_user2, "2026-03-02 10:01:00")
        user3 = self._udm_portal_user("udm_portal3", idle=30)
        not_due = self._switch_at(user3, "2026-03-02 10:00:00")
        cron = self.env.ref("user_dynamic_management.ir_cron_revert_idle_switches")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "minutes"))
        with freeze_time("2026-03-02 10:10:00"):
            cron.sudo().method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual((due1 | due2).mapped("state"), ["reverted", "reverted"])
        self.assertEqual((due1 | due2).mapped("reason"), ["idle", "idle"])
        self.assertEqual(not_due.state, "active")
        self.assertTrue(self.portal_user.share)
        self.assertTrue(self.portal_user2.share)
        self.assertFalse(user3.share)
        self.assertEqual(self.portal_user.groups_id, due1.group_ids)
        self.assertEqual(self.portal_user2.groups_id, due2.group_ids)

    def _count_cron_queries(self, n_due, n_other=2):
        users = [self._udm_portal_user(f"udm_q{n_due}_{i}") for i in range(n_due)]
        others = [
            self._udm_portal_user(f"udm_q{n_due}_o{i}", idle=60) for i in range(n_other)
        ]
        # heterogeneous snapshots: the count must not depend on them either
        for i, user in enumerate(users):
            if i % 2:
                user.groups_id = [Command.link(self.group_extra_share.id)]
        # each due switch started at its own second: durations differ, and their
        # storing must not cost a query per switch either
        for i, user in enumerate(users):
            self._switch_at(user, f"2026-03-02 10:00:{i:02d}")
        for user in others:
            self._switch_at(user, "2026-03-02 10:00:00")
        self.env.flush_all()
        self.cr.precommit.run()  # nothing pending from the setup may be counted
        self.env.invalidate_all()
        with freeze_time("2026-03-02 10:10:00"):
            before = self.cr.sql_log_count
            self.Switch._cron_revert_idle_switches()
            self.env.flush_all()
            self.cr.precommit.run()  # the bus notifications are part of the job
            count = self.cr.sql_log_count - before
        for user in users:
            self.assertTrue(user.share)
        for user in others:  # still switched, due at 11:00: untouched by both runs
            self.assertFalse(user.share)
        return count

    def test_cron_constant_number_of_queries(self):
        self._count_cron_queries(1)  # warm-up: first-time lookups are not the job's
        small = self._count_cron_queries(2)
        large = self._count_cron_queries(12)
        self.assertEqual(small, large)
        # the groups go through res.users.write (three writes per distinct group set:
        # the set, core's demotion rule, the implied groups); two sets here
        self.assertLess(large, 150)
