# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Internal access as people plan it: a running switch with a maximum duration
extended by its user ("Extend by 30 minutes"), within the policy's maximum
extension."""

from datetime import datetime, timedelta, timezone

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from ..models.portal_internal_switch_request import PARAM_REQUIRE_APPROVAL
from .common import EXTEND_URL, UdmCommon

START = datetime(2026, 3, 2, 10, 0)


@tagged("post_install", "-at_install")
class TestExtension(UdmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        # a maximum duration of 1 h, extended by 30 min at a time (the default step),
        # 1 h of extension in all
        cls.template.write({"udm_max_duration": 60, "udm_max_extension": 60})
        # without idle time: only the maximum duration ends their switches
        (cls.portal_user | cls.portal_user2).enable_idle_time = False
        # start_tour logs in with password = login
        cls.tour_user = new_test_user(
            cls.env, "udm_extension", groups="base.group_portal", tz="UTC"
        )
        cls.tour_user.write(
            {
                "allow_portal_access_internal": True,
                "enable_idle_time": True,
                "idle_time": 5,
                "switch_template_id": cls.template.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.triggers = []
        trigger = type(self.Switch)._udm_trigger_revert_job

        def _udm_trigger_revert_job(switch, at=None):
            self.triggers.append(at)
            return trigger(switch, at=at)

        self.patch(
            type(self.Switch), "_udm_trigger_revert_job", _udm_trigger_revert_job
        )

    def _switch(self, user=None):
        with freeze_time(START):
            return (user or self.portal_user)._udm_switch_to_internal()

    def _extend(self, user=None, minutes_later=10):
        with freeze_time(START + timedelta(minutes=minutes_later)):
            return self.Switch._udm_extend((user or self.portal_user).id)

    def _state(self, switch):
        switch.invalidate_recordset()
        return (switch.end_deadline, switch.max_duration, switch.extended_minutes)

    def _notes(self, user):
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", user.partner_id.id),
                ("body", "ilike", "extended by"),
            ]
        )

    # ------------------------------------------------------------------
    # The model
    # ------------------------------------------------------------------

    def test_extend_by_the_step_up_to_the_bound(self):
        switch = self._switch()
        end = START + timedelta(minutes=60)
        self.assertEqual(self._state(switch), (end, 60, 0))
        self.assertEqual(self._extend(), 30)
        self.assertEqual(self._state(switch), (end + timedelta(minutes=30), 90, 30))
        self.assertEqual(self._extend(minutes_later=50), 30)
        self.assertEqual(self._state(switch), (end + timedelta(minutes=60), 120, 60))
        self.assertEqual(switch.state, "active")
        # the policy's hour of extension is used up
        with self.assertRaises(UserError) as caught:
            self._extend(minutes_later=70)
        self.assertEqual(
            str(caught.exception),
            "No extension left: your internal access was already extended by 60 min, "
            "the most allowed. It ends at 12:00 (50 min left).",
        )
        self.assertEqual(self._state(switch), (end + timedelta(minutes=60), 120, 60))
        self.assertEqual(len(self._notes(self.portal_user)), 2)

    def test_last_extension_stops_at_the_bound(self):
        self.template.udm_max_extension = 45
        switch = self._switch()
        self.assertEqual(self._extend(), 30)
        # 15 min left of the 45: never past the bound
        self.assertEqual(self._extend(), 15)
        self.assertEqual(switch.extended_minutes, 45)
        self.assertEqual(switch.end_deadline, START + timedelta(minutes=105))
        with self.assertRaisesRegex(UserError, "No extension left"):
            self._extend()

    def test_user_policy_overrides_the_templates(self):
        self.template.udm_extension_step = 20
        self.portal_user.write({"udm_max_extension": 10, "udm_extension_step": 4})
        switch = self._switch()
        self.assertEqual([self._extend(), self._extend(), self._extend()], [4, 4, 2])
        self.assertEqual(switch.extended_minutes, 10)
        with self.assertRaisesRegex(UserError, "extended by 10 min"):
            self._extend()
        # no step of their own: the template's, and 30 minutes when it sets none
        user = self.portal_user2
        user.udm_max_extension = 100
        switch2 = self._switch(user)
        self.assertEqual(self._extend(user), 20)
        self.template.udm_extension_step = 0
        self.assertEqual(self._extend(user), 30)
        self.assertEqual(switch2.extended_minutes, 50)

    def test_refusals_change_nothing(self):
        switch = self._switch()
        before = self._state(switch)
        self.triggers.clear()
        self.template.udm_max_extension = 0
        with self.assertRaises(UserError) as caught:
            self._extend()
        self.assertEqual(
            str(caught.exception),
            "Your internal access cannot be extended. It ends at 11:00 (50 min left).",
        )
        self.template.udm_max_extension = 60
        # the policy requires an approval: an approver must extend the access
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, "True")
        with self.assertRaises(UserError) as caught:
            self._extend()
        self.assertEqual(
            str(caught.exception),
            "An approver must extend your access: ask them. It ends at 11:00 "
            "(50 min left).",
        )
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, "False")
        self.portal_user.udm_approval = "required"
        with self.assertRaisesRegex(UserError, "An approver must extend your access"):
            self._extend()
        self.portal_user.udm_approval = "default"
        # past the end (not reverted yet): nothing to extend
        with self.assertRaisesRegex(UserError, "You have no internal access to extend"):
            self._extend(minutes_later=61)
        self.assertEqual(self._state(switch), before)
        self.assertEqual(self.triggers, [])
        self.assertFalse(self._notes(self.portal_user))

    def test_not_switched_or_without_end(self):
        with self.assertRaisesRegex(UserError, "You have no internal access to extend"):
            self._extend(self.internal_user)
        self.template.udm_max_duration = 0
        switch = self._switch()
        self.assertFalse(switch.end_deadline)
        with self.assertRaises(UserError) as caught:
            self._extend()
        self.assertEqual(
            str(caught.exception),
            "Your internal access has no end time: there is nothing to extend.",
        )
        self.assertEqual(switch.extended_minutes, 0)

    def test_revert_job_rescheduled_at_the_first_deadline(self):
        # idle deadline at 10:05 first: the job stays due then
        self.portal_user.enable_idle_time = True
        self._switch()
        self.triggers.clear()
        self._extend(minutes_later=2)
        self.assertEqual(self.triggers, [START + timedelta(minutes=5)])
        # without idle time the new end is the first deadline
        switch = self._switch(self.portal_user2)
        self.triggers.clear()
        self._extend(self.portal_user2)
        new_end = START + timedelta(minutes=90)
        self.assertEqual(self.triggers, [new_end])
        cron = self.env.ref("user_dynamic_management.ir_cron_revert_idle_switches")
        self.assertTrue(
            self.env["ir.cron.trigger"].search(
                [("cron_id", "=", cron.id), ("call_at", "=", new_end)]
            )
        )
        # the job reverts at the new end, not at the former one
        with freeze_time(START + timedelta(minutes=61)):
            self.Switch._cron_revert_idle_switches()
        self.assertEqual(switch.state, "active")
        with freeze_time(new_end):
            self.Switch._cron_revert_idle_switches()
        self.assertEqual((switch.state, switch.reason), ("reverted", "expired"))

    def test_capped_by_planned_access(self):
        # planned access until 11:10: the switch ends at 11:00 (maximum duration) and
        # may be extended up to 11:10, never past it
        self.env["portal.internal.switch.grant"].create(
            {
                "user_id": self.portal_user.id,
                "date_start": START - timedelta(hours=1),
                "date_end": START + timedelta(minutes=70),
            }
        )
        switch = self._switch()
        self.assertEqual(self._extend(), 10)
        self.assertEqual(switch.end_deadline, START + timedelta(minutes=70))
        with self.assertRaises(UserError) as caught:
            self._extend()
        self.assertIn(
            "Your internal access cannot go past 11:10, the end of its switch window "
            "or planned access.",
            str(caught.exception),
        )
        self.assertEqual(switch.extended_minutes, 10)

    def test_chatter_note_and_status(self):
        switch = self._switch()
        with freeze_time(START):
            status = switch._udm_status()
        self.assertEqual(
            (status["extension_minutes"], status["extension_note"]), (30, "")
        )
        self._extend()
        note = self._notes(self.portal_user)
        self.assertEqual(len(note), 1)
        self.assertIn(
            "Internal access extended by 30 min (30 min in all): it ends at 11:30 "
            "(UTC).",
            note.body,
        )
        self._extend()
        with freeze_time(START):
            status = switch._udm_status()
        self.assertEqual(status["extension_minutes"], 0)
        self.assertEqual(
            status["extension_note"],
            "No extension left: your internal access was already extended by 60 min, "
            "the most allowed.",
        )
        # a policy without extensions says nothing about them
        self.template.udm_max_extension = 0
        with freeze_time(START):
            status = switch._udm_status()
        self.assertEqual(
            (status["extension_minutes"], status["extension_note"]), (0, "")
        )

    def test_settings_never_negative(self):
        for values in ({"udm_max_extension": -1}, {"udm_extension_step": -5}):
            with self.assertRaises(ValidationError):
                self.template.write(values)

    # ------------------------------------------------------------------
    # The route
    # ------------------------------------------------------------------

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}_pw_123")

    def test_route_switched_user_extends(self):
        self.portal_user.enable_idle_time = False
        switch = self.portal_user._udm_switch_to_internal()
        end = switch.end_deadline
        self._login(self.portal_user)
        result = self.make_jsonrpc_request(EXTEND_URL, {})
        self.assertTrue(result["extended"])
        self.assertEqual(result["minutes"], 30)
        self.env.invalidate_all()
        self.assertEqual(switch.end_deadline, end + timedelta(minutes=30))
        self.assertEqual(switch.extended_minutes, 30)
        # the countdown shows the new end at once
        status = result["status"]
        self.assertTrue(status["active"])
        self.assertEqual(status["switch_id"], switch.id)
        end_ms = switch.end_deadline.replace(tzinfo=timezone.utc).timestamp() * 1000
        self.assertEqual(status["end_deadline"], int(end_ms))
        self.assertEqual(status["max_seconds"], 90 * 60)
        self.assertEqual(status["extension_minutes"], 30)
        # nothing is taken from the request: the step is the policy's
        with mute_logger("odoo.http"):
            result = self.make_jsonrpc_request(EXTEND_URL, {"minutes": 600})
        self.assertEqual(result["minutes"], 30)
        self.env.invalidate_all()
        self.assertEqual(switch.extended_minutes, 60)
        # used up: refused, with what is left
        result = self.make_jsonrpc_request(EXTEND_URL, {})
        self.assertFalse(result["extended"])
        self.assertIn("No extension left", result["message"])
        self.assertIn(" left).", result["message"])
        self.assertTrue(result["status"]["active"])
        self.assertEqual(result["status"]["extension_minutes"], 0)
        self.env.invalidate_all()
        self.assertEqual(switch.extended_minutes, 60)

    def test_route_refused_when_not_switched(self):
        self.authenticate(self.internal_user.login, "udm_internal_pw_123")
        result = self.make_jsonrpc_request(EXTEND_URL, {})
        self.assertEqual(
            result,
            {
                "extended": False,
                "message": "You have no internal access to extend.",
                "status": {
                    "active": False,
                    "server_time": result["status"]["server_time"],
                },
            },
        )

    def test_route_refused_after_the_revert(self):
        switch = self.portal_user._udm_switch_to_internal()
        self._login(self.portal_user)
        switch._udm_revert("admin")
        self.assertTrue(self.portal_user.share)
        result = self.make_jsonrpc_request(EXTEND_URL, {})
        self.assertFalse(result["extended"])
        self.assertEqual(result["message"], "You have no internal access to extend.")
        self.assertFalse(result["status"]["active"])
        self.assertEqual(switch.extended_minutes, 0)
        self.assertFalse(self._notes(self.portal_user))

    def test_route_refused_past_the_end(self):
        # past the end: the request reverts the user first, then refuses
        switch = self.portal_user._udm_switch_to_internal()
        switch._udm_own().write(
            {"end_deadline": fields.Datetime.now() - timedelta(seconds=1)}
        )
        self._login(self.portal_user)
        result = self.make_jsonrpc_request(EXTEND_URL, {})
        self.assertFalse(result["extended"])
        self.assertFalse(result["status"]["active"])
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "expired"))
        self.assertEqual(switch.extended_minutes, 0)

    # ------------------------------------------------------------------
    # In a browser
    # ------------------------------------------------------------------

    def test_tour_extend_from_the_warning_and_the_menu(self):
        switch = self.tour_user._udm_switch_to_internal()
        # the end comes in 30 to 50 s: its warning shows at once. Away from a turn of
        # the minute, so that the minute shown does not depend on the second or so the
        # browser's clock offset is estimated to
        end = fields.Datetime.now() + timedelta(seconds=30)
        while not 10 <= end.second <= 50:
            end += timedelta(seconds=10)
        switch._udm_own().write({"end_deadline": end})
        self.start_tour(
            "/web", "user_dynamic_management_extension", login="udm_extension"
        )
        self.env.invalidate_all()
        self.assertEqual(switch.state, "active")
        self.assertEqual(switch.extended_minutes, 60)
        self.assertEqual(switch.end_deadline, end + timedelta(minutes=60))
        self.assertEqual(len(self._notes(self.tour_user)), 2)
