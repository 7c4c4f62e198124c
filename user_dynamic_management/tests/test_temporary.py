# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Temporary means temporary: maximum duration, exact timing, seats, cockpit."""

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from odoo.addons.user_dynamic_management.models.portal_internal_switch import (
    PARAM_MAX_SEATS,
)

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestTemporary(UdmCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.ICP.set_param(PARAM_MAX_SEATS, 0)
        cls.cron = cls.env.ref("user_dynamic_management.ir_cron_revert_idle_switches")

    def _switch_at(self, user, when):
        with freeze_time(when):
            return user._udm_switch_to_internal()

    # -- maximum duration --------------------------------------------------------

    def test_template_policy_and_user_override(self):
        self.template.udm_max_duration = 60
        switch = self._switch_at(self.portal_user, "2026-03-02 10:40:00")
        self.assertEqual(switch.max_duration, 60)
        self.assertEqual(switch.end_deadline, datetime(2026, 3, 2, 11, 40))
        self.portal_user2.udm_max_duration = 20
        switch2 = self._switch_at(self.portal_user2, "2026-03-02 10:40:00")
        self.assertEqual(switch2.end_deadline, datetime(2026, 3, 2, 11, 0))
        # idle time from the template when the user has none of their own
        self.template.write({"enable_idle_time": True, "idle_time": 7})
        user3 = self._udm_portal_user("udm_tpl_idle", idle=0)
        switch3 = self._switch_at(user3, "2026-03-02 10:40:00")
        self.assertEqual(switch3.idle_time, 7)
        self.assertEqual(switch3.deadline, datetime(2026, 3, 2, 10, 47))

    def test_negative_maximum_refused(self):
        with self.assertRaises(ValidationError):
            self.portal_user.udm_max_duration = -5
        self.assertEqual(self.portal_user.udm_max_duration, 0)

    def test_activity_never_extends_the_maximum(self):
        self.portal_user.write({"udm_max_duration": 8, "idle_time": 5})
        switch = self._switch_at(self.portal_user, "2026-03-02 10:40:00")
        uid = self.portal_user.id
        for minute in (44, 46, 47):
            with freeze_time(f"2026-03-02 10:{minute}:00"):
                self.Switch._udm_register_activity(uid)
                self.Switch._cron_revert_idle_switches()
        self.assertEqual(switch.state, "active")
        self.assertEqual(switch.deadline, datetime(2026, 3, 2, 10, 52))
        self.assertEqual(switch.end_deadline, datetime(2026, 3, 2, 10, 48))
        with freeze_time("2026-03-02 10:47:30"):
            self.assertEqual(
                self.Switch._udm_due_info(uid)["next_check"],
                datetime(2026, 3, 2, 10, 48),
                "never checked later than the absolute end",
            )
        with freeze_time("2026-03-02 10:47:59"):
            self.Switch._cron_revert_idle_switches()
        self.assertEqual(switch.state, "active")
        with freeze_time("2026-03-02 10:48:00"):
            self.Switch._cron_revert_idle_switches()
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "expired"))
        self.assertEqual(switch.end_date, datetime(2026, 3, 2, 10, 48))
        self.assertTrue(self.portal_user.share)

    def test_request_time_check_reverts_expired(self):
        self.portal_user.write({"udm_max_duration": 10, "enable_idle_time": False})
        switch = self._switch_at(self.portal_user, "2026-03-02 10:40:00")
        with freeze_time("2026-03-02 10:50:00"):
            self.assertTrue(self.Switch._udm_enforce_deadline(self.portal_user.id))
        self.assertEqual(switch.reason, "expired")

    def test_status_for_the_client(self):
        self.portal_user.udm_max_duration = 30
        switch = self._switch_at(self.portal_user, "2026-03-02 10:40:00")
        with freeze_time("2026-03-02 10:41:00"):
            status = switch._udm_status()
        self.assertEqual(status["switch_id"], switch.id)
        self.assertEqual(status["template_name"], self.template.name)
        self.assertEqual(status["end_deadline"], 1772449800000)  # 2026-03-02 11:10 UTC
        self.assertEqual(status["deadline"], 1772448300000)  # 10:45
        self.assertTrue(status["active"])

    # -- exact timing --------------------------------------------------------------

    def _triggers(self):
        return (
            self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", self.cron.id)])
        )

    def test_switch_schedules_the_revert_job_at_its_first_deadline(self):
        self.portal_user.udm_max_duration = 3
        before = self._triggers()
        self._switch_at(self.portal_user, "2026-03-02 10:40:00")
        new = self._triggers() - before
        self.assertEqual(new.mapped("call_at"), [datetime(2026, 3, 2, 10, 43)])
        # a deadline closer than the runner's next wake-up: a run now, which waits
        self.portal_user2.write({"udm_max_duration": 1, "enable_idle_time": False})
        before = self._triggers()
        self._switch_at(self.portal_user2, "2026-03-02 10:40:00")
        new = self._triggers() - before
        self.assertEqual(new.mapped("call_at"), [datetime(2026, 3, 2, 10, 40)])

    def _record_wake_ups(self):
        """The timers a run arms (threads are not started in tests)."""
        armed = []
        self.patch(
            type(self.Switch),
            "_udm_start_wake_up_timer",
            lambda model, seconds: armed.append(seconds),
        )
        return armed

    def test_run_before_a_close_deadline_arms_a_wake_up(self):
        self._switch_at(self.portal_user, "2026-03-02 10:40:00")  # idle deadline 10:45
        armed = self._record_wake_ups()
        # a run at 10:43: the deadline is two minutes away, the runner wakes before
        with freeze_time("2026-03-02 10:43:00"):
            before = self._triggers()
            self.Switch._cron_revert_idle_switches(wait_near_deadline=True)
            self.assertEqual(armed, [])
            self.assertEqual(self._triggers(), before)
        # a run at 10:44:20: a timer wakes the job in 40 s, a trigger at the deadline
        # stays as the backstop; the run itself returns at once
        with freeze_time("2026-03-02 10:44:20"):
            self.Switch._cron_revert_idle_switches(wait_near_deadline=True)
            new = self._triggers() - before
        self.assertEqual(armed, [40.0])
        self.assertEqual(new.mapped("call_at"), [datetime(2026, 3, 2, 10, 45)])
        self.assertEqual(self._udm_active(self.portal_user).state, "active")
        # the run at the deadline reverts
        with freeze_time("2026-03-02 10:45:00"):
            self.Switch._cron_revert_idle_switches(wait_near_deadline=True)
        self.assertFalse(self._udm_active(self.portal_user))

    def test_run_that_reverts_arms_the_next_wake_up(self):
        """A run commits its reverts at once (nothing waits inside a transaction) and
        arms the timer of the next close deadline."""
        self._switch_at(self.portal_user, "2026-03-02 10:40:00")  # idle deadline 10:45
        self._switch_at(self.portal_user2, "2026-03-02 10:40:30")  # idle 10:45:30
        armed = self._record_wake_ups()
        with freeze_time("2026-03-02 10:45:00"):
            self.Switch._cron_revert_idle_switches(wait_near_deadline=True)
        self.assertFalse(self._udm_active(self.portal_user))
        self.assertEqual(self._udm_active(self.portal_user2).state, "active")
        self.assertEqual(armed, [30.0])

    def test_wake_up_timers_keep_the_earliest(self):
        """One pending timer per database and process: a later deadline does not
        replace an earlier timer, an earlier one does."""
        from ..models import portal_internal_switch_revert as revert_module

        started = []

        def fake_timer(seconds, function, args):
            started.append((seconds, args))
            return _NotStarted()

        self.patch(revert_module.threading, "Timer", fake_timer)
        timers = revert_module._WakeUpTimers()
        db = self.env.cr.dbname
        timers.arm(db, 12.0)
        timers.arm(db, 30.0)
        timers.arm(db, 5.0)
        self.assertEqual(started, [(12.0, (db,)), (5.0, (db,))])


class _NotStarted:
    """A stand-in for threading.Timer that never runs."""

    daemon = False
    name = ""

    def start(self):
        pass

    def cancel(self):
        pass

    def is_alive(self):
        return True
