# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Extension requests: when the policy requires an approval, "Extend by N minutes"
asks the approvers, who decide as on a Full User Request; approved, the switch is
extended at once and the countdown learns it."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from ..models.const import BUS_EXTENSION_DECIDED
from ..models.portal_internal_switch_request import PARAM_REQUIRE_APPROVAL
from .common import EXTEND_URL, UdmCommon

START = datetime(2026, 3, 2, 10, 0)


@tagged("post_install", "-at_install")
class TestExtensionRequests(UdmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        # 1 h at most, 30 min at a time, 1 h of extension in all; approval required
        cls.template.write(
            {
                "udm_max_duration": 60,
                "udm_max_extension": 60,
                "udm_approval": "not_required",
            }
        )
        cls.portal_user.enable_idle_time = False
        cls.approver = new_test_user(
            cls.env,
            "udm_ext_approver",
            groups="base.group_user,user_dynamic_management.group_request_approver",
            tz="UTC",
        )
        cls.Request = cls.env["portal.internal.switch.request"]

    def setUp(self):
        super().setUp()
        self.bus = []
        send = type(self.env["bus.bus"])._sendmany

        def _sendmany(bus, notifications):
            self.bus.extend(n for n in notifications if n[1] == BUS_EXTENSION_DECIDED)
            return send(bus, notifications)

        self.patch(type(self.env["bus.bus"]), "_sendmany", _sendmany)

    def _switch(self, frozen=True):
        if frozen:
            with freeze_time(START):
                switch = self.portal_user._udm_switch_to_internal()
        else:
            switch = self.portal_user._udm_switch_to_internal()
        # approval is asked once switched: extensions need one
        self.portal_user.udm_approval = "required"
        return switch

    def _ask(self, minutes_later=10):
        with freeze_time(START + timedelta(minutes=minutes_later)):
            return self.Switch._udm_extend_or_ask(self.portal_user.id)

    def _requests(self):
        return self.Request.sudo().search([("kind", "=", "extension")])

    def _state(self, switch):
        switch.invalidate_recordset()
        return (switch.end_deadline, switch.max_duration, switch.extended_minutes)

    def test_asked_then_approved_extends_at_once(self):
        switch = self._switch()
        before = self._state(switch)
        self.assertEqual(self._ask(), {"requested": 30})
        request = self._requests()
        self.assertEqual(
            (request.user_id, request.extension_of_id, request.duration, request.state),
            (self.portal_user, switch, 30, "pending"),
        )
        # asking extends nothing; the approver has an activity and the message
        self.assertEqual(self._state(switch), before)
        self.assertIn(self.approver, request.activity_ids.user_id)
        self.assertEqual(
            set(request.activity_ids.mapped("summary")),
            {f"Extension request of {self.portal_user.name}"},
        )
        self.assertIn(
            f"{self.portal_user.name} asks to extend their internal access by 30 "
            "minutes (it ends at 11:00 UTC; extended by 0 min so far).",
            request.message_ids[0].body,
        )
        # the countdown says it waits and offers no second request
        with freeze_time(START + timedelta(minutes=11)):
            status = switch._udm_status()
        self.assertEqual(
            (status["extension_minutes"], status["extension_approval"]), (0, False)
        )
        self.assertEqual(
            status["extension_note"],
            "Extension of 30 min asked: waiting for an approver.",
        )
        with self.assertRaisesRegex(UserError, "You already asked for an extension"):
            self._ask(minutes_later=12)
        with freeze_time(START + timedelta(minutes=20)):
            request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "used")
        self.assertFalse(request.activity_ids)
        self.assertEqual(self._state(switch), (START + timedelta(minutes=90), 90, 30))
        self.assertEqual(
            [(n[0], n[2]["granted"], n[2]["switch_id"]) for n in self.bus],
            [(self.portal_user.partner_id, True, switch.id)],
        )
        self.assertEqual(
            self.bus[0][2]["message"],
            "An approver extended your internal access by 30 minutes.",
        )

    def test_refused_with_a_reason_changes_nothing(self):
        switch = self._switch()
        before = self._state(switch)
        self._ask()
        request = self._requests()
        request.with_user(self.approver).action_refuse("Not during the audit.")
        self.assertEqual(request.state, "refused")
        self.assertEqual(self._state(switch), before)
        self.assertEqual(
            self.bus[0][2],
            {
                "switch_id": switch.id,
                "granted": False,
                "message": "Your extension request was refused: Not during the audit.",
            },
        )
        # no e-mail to the user: they are in the backend
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("recipient_ids", "in", self.portal_user.partner_id.ids)])
        )

    def test_approval_after_the_switch_ended_is_refused(self):
        switch = self._switch()
        self._ask()
        request = self._requests()
        self.portal_user._udm_revert("idle")
        # the revert closed the waiting request
        self.assertEqual(request.state, "expired")
        self.assertFalse(request.activity_ids)
        with self.assertRaisesRegex(UserError, "already decided, or has expired"):
            request.with_user(self.approver).action_approve()
        self.assertEqual(switch.extended_minutes, 0)

    def test_approval_within_what_the_policy_still_allows(self):
        switch = self._switch()
        self._ask()
        request = self._requests()
        # meanwhile the template allows 10 minutes of extension in all
        self.template.udm_max_extension = 10
        with freeze_time(START + timedelta(minutes=20)):
            request.with_user(self.approver).action_approve()
        self.assertEqual(self._state(switch), (START + timedelta(minutes=70), 70, 10))

    def test_only_approvers_decide_never_the_requester(self):
        switch = self._switch()
        self._ask()
        request = self._requests()
        with self.assertRaises(AccessError):
            request.with_user(self.internal_user).action_approve()
        # the switched user, whatever their template grants
        with self.assertRaises(AccessError):
            request.with_user(self.portal_user).action_approve()
        self.assertEqual(request.state, "pending")
        self.assertEqual(switch.extended_minutes, 0)

    def test_portal_page_and_full_user_requests_ignore_extensions(self):
        self._switch()
        self._ask()
        # the /my card's request and the "one request at a time" rule are about
        # switching: an extension request is neither
        self.assertFalse(self.Request._udm_for_portal(self.portal_user))
        self.assertFalse(self.Request._udm_lock_usable(self.portal_user))

    def test_route_asks_the_approvers(self):
        switch = self._switch(frozen=False)
        self.authenticate(self.portal_user.login, f"{self.portal_user.login}_pw_123")
        result = self.make_jsonrpc_request(EXTEND_URL, {})
        self.assertEqual(
            (result["extended"], result["requested"], result["minutes"]),
            (False, True, 30),
        )
        self.assertEqual(
            result["message"],
            "The approvers were asked to extend your internal access by 30 minutes. "
            "The new end shows here as soon as one approves it.",
        )
        self.assertEqual(
            result["status"]["extension_note"],
            "Extension of 30 min asked: waiting for an approver.",
        )
        self.assertEqual(len(self._requests()), 1)
        # a second click: refused, nothing more filed
        with mute_logger("odoo.http"):
            result = self.make_jsonrpc_request(EXTEND_URL, {})
        self.assertFalse(result["extended"])
        self.assertIn("You already asked for an extension", result["message"])
        self.assertEqual(len(self._requests()), 1)
        self.assertEqual(switch.extended_minutes, 0)
        # the switch ends (the request's requester does not follow it: no access
        # error at the revert), the request expires with it
        self.portal_user._udm_revert("idle")
        self.assertEqual(switch.state, "reverted")
        self.assertEqual(self._requests().state, "expired")
        self.assertTrue(self.portal_user.share)

    def test_refused_once_no_second_ask_in_that_switch(self):
        """A refusal is the answer for the rest of the switch: the countdown says
        so instead of offering to ask, and asking again (the route too) is refused
        without notifying the approvers again. The next switch may ask."""
        switch = self._switch(frozen=False)
        self.Switch._udm_extend_or_ask(self.portal_user.id)
        request = self._requests()
        request.with_user(self.approver).action_refuse("Not during the audit.")
        messages = self.env["mail.message"].sudo().search_count([])
        activities = self.env["mail.activity"].sudo().search_count([])
        refused = "Your extension request was refused: Not during the audit."
        status = switch._udm_status()
        self.assertEqual(
            (status["extension_minutes"], status["extension_approval"]), (0, False)
        )
        self.assertEqual(status["extension_note"], refused)
        with self.assertRaisesRegex(UserError, refused):
            self.Switch._udm_extend_or_ask(self.portal_user.id)
        self.authenticate(self.portal_user.login, f"{self.portal_user.login}_pw_123")
        with mute_logger("odoo.http"):
            result = self.make_jsonrpc_request(EXTEND_URL, {})
        self.assertEqual((result["extended"], result["message"]), (False, refused))
        self.assertEqual(self._requests(), request)
        self.assertEqual(
            (
                self.env["mail.message"].sudo().search_count([]),
                self.env["mail.activity"].sudo().search_count([]),
            ),
            (messages, activities),
        )
        self.assertEqual(switch.extended_minutes, 0)
        # a new switch starts afresh
        self.portal_user._udm_revert("idle")
        self.portal_user.udm_approval = "not_required"
        self._switch(frozen=False)
        self.assertEqual(
            self.Switch._udm_extend_or_ask(self.portal_user.id), {"requested": 30}
        )
        self.assertEqual(len(self._requests()), 2)

    def test_revert_removes_follows_of_models_the_user_cannot_read(self):
        switch = self._switch(frozen=False)
        # while switched, the user follows a Full User Request (a model portal users
        # have no access to at all)
        other = self.Request.sudo().create({"user_id": self.portal_user2.id})
        self.env["mail.followers"].sudo().create(
            {
                "res_model": other._name,
                "res_id": other.id,
                "partner_id": self.portal_user.partner_id.id,
            }
        )
        self.assertIn(self.portal_user.partner_id, other.message_partner_ids)
        self.portal_user._udm_revert("idle")
        self.assertEqual(switch.state, "reverted")
        self.assertNotIn(self.portal_user.partner_id, other.message_partner_ids)

    def test_without_approval_extend_still_extends(self):
        switch = self._switch()
        self.portal_user.udm_approval = "not_required"
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, "False")
        self.assertEqual(self._ask(), {"extended": 30})
        self.assertEqual(switch.extended_minutes, 30)
        self.assertFalse(self._requests())
