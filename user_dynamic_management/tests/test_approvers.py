# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Full User Requests in daily use: approvers find their work (activity due today,
Inbox or e-mail, their own menu, named in Settings), only those who may decide see
the buttons, a refusal says why, and the user who asked is told."""

import html
import re
from datetime import date

from freezegun import freeze_time

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from odoo.addons.user_dynamic_management.models.portal_internal_switch_request import (
    APPROVERS_XMLID,
    PARAM_APPROVER_GROUP,
    PARAM_REQUIRE_APPROVAL,
)

from .test_request import UdmRequestCommon

MENU_XMLID = "user_dynamic_management.menu_full_user_requests_root"


@tagged("post_install", "-at_install")
class TestApprovers(UdmRequestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_request_setup()
        cls.named_group = cls.env.ref(APPROVERS_XMLID)
        cls.menu = cls.env.ref(MENU_XMLID)
        # a team lead: to be named approver, never an administrator (password =
        # login, for start_tour); Odoo's notifications in their Inbox
        cls.lead = new_test_user(
            cls.env,
            "udm_appr_lead",
            groups="base.group_user",
            tz="Asia/Jakarta",
            notification_type="inbox",
        )
        cls.portal_user.email = "udm.portal1@example.com"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _settings(self, **values):
        """Save the settings as the form does (create, then execute)."""
        self.env["res.config.settings"].create(values).execute()
        self.env.invalidate_all()

    def _name_lead(self):
        self._settings(udm_approver_user_ids=[Command.set(self.lead.ids)])
        self.assertIn(self.lead, self.named_group.users)

    def _file_from_my(self, user, reason, duration="0"):
        """The portal user sends a Full User Request from /my; return it."""
        self.authenticate(user.login, f"{user.login}_pw_123")
        response = self.url_open(
            "/my/switch_request",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "reason": reason,
                "duration": duration,
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        return self.Request.sudo().search(
            [("user_id", "=", user.id), ("state", "=", "pending")]
        )

    def _my_text(self):
        """/my as the logged-in user reads it: tags removed, spaces collapsed."""
        page = self.url_open("/my").text
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
        return re.sub(r" ([,.)])", r"\1", text)

    def _mails_to(self, partner, request):
        return self.env["mail.mail"].search(
            [
                ("model", "=", request._name),
                ("res_id", "=", request.id),
                ("recipient_ids", "in", partner.ids),
            ]
        )

    def _sees_menu(self, user):
        return (
            self.menu.id in self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        )

    # ------------------------------------------------------------------
    # 1. Approvers find their work
    # ------------------------------------------------------------------

    def test_activity_due_today_in_each_approvers_timezone(self):
        self._name_lead()
        west = new_test_user(
            self.env, "udm_appr_west", groups="base.group_user", tz="America/New_York"
        )
        self._settings(udm_approver_user_ids=[Command.set((self.lead | west).ids)])
        # 20:00 UTC: 03:00 the next day in Jakarta, 15:00 in New York
        with freeze_time("2026-03-02 20:00:00"):
            request = self.Request._udm_file(self.portal_user, "Closing", 0)
            deadlines = {a.user_id: a.date_deadline for a in request.activity_ids}
            self.assertEqual(deadlines[self.lead], date(2026, 3, 3))
            self.assertEqual(deadlines[west], date(2026, 3, 2))
            self.assertEqual(deadlines[self.approver], date(2026, 3, 2))  # UTC
            self.assertEqual(set(request.activity_ids.mapped("state")), {"today"})
            # the systray counter counts what is due today
            groups = self.env["res.users"].with_user(self.lead).systray_get_activities()
            group = next(g for g in groups if g["model"] == request._name)
            self.assertEqual((group["total_count"], group["today_count"]), (1, 1))
        # still unanswered the day after: overdue, still counted
        with freeze_time("2026-03-03 20:00:00"):
            request.activity_ids.invalidate_recordset(["state"])
            self.assertEqual(set(request.activity_ids.mapped("state")), {"overdue"})

    def test_approvers_told_once_in_their_inbox_or_by_email(self):
        self._name_lead()
        self.assertEqual(self.approver.notification_type, "email")
        request = self._file_from_my(self.portal_user, "Month-end closing")
        Notification = self.env["mail.notification"]
        # the lead (Inbox): one unread notification carrying the reason
        inbox = Notification.search([("res_partner_id", "=", self.lead.partner_id.id)])
        self.assertEqual(len(inbox), 1)
        self.assertEqual(inbox.notification_type, "inbox")
        self.assertFalse(inbox.is_read)
        self.assertEqual(inbox.mail_message_id.res_id, request.id)
        self.assertIn("Month-end closing", inbox.mail_message_id.body)
        needaction = (
            self.env["mail.message"]
            .with_user(self.lead)
            .search([("needaction", "=", True)])
        )
        self.assertEqual(needaction, inbox.mail_message_id)
        # the administrator approver (e-mail): one e-mail, the same message
        email = Notification.search(
            [("res_partner_id", "=", self.approver.partner_id.id)]
        )
        self.assertEqual(len(email), 1)
        self.assertEqual(email.notification_type, "email")
        self.assertEqual(email.mail_message_id, inbox.mail_message_id)
        # the user who asks is never told as an approver
        self.assertFalse(
            Notification.search(
                [("res_partner_id", "=", self.portal_user.partner_id.id)]
            )
        )

    def test_name_approvers_in_settings(self):
        request = self.Request._udm_file(self.portal_user, "Closing", 0)
        self.assertFalse(self._sees_menu(self.lead))
        self.assertFalse(self.named_group.users)
        # the settings form, as an administrator fills it in
        settings = Form(self.env["res.config.settings"])
        self.assertFalse(settings.udm_approver_group_id)
        settings.udm_approver_user_ids.add(self.lead)
        settings.save().execute()
        self.env.invalidate_all()
        self.assertIn(self.lead, self.named_group.users)
        self.assertIn(self.lead, self.Request._udm_approvers())
        # asked about the request already waiting, shown the menu, may decide
        self.assertIn(self.lead, request.activity_ids.user_id)
        self.assertIn(self.lead.partner_id, request.message_partner_ids)
        self.assertTrue(self._sees_menu(self.lead))
        self.assertFalse(self._sees_menu(self.internal_user))
        self.assertTrue(request.with_user(self.lead).can_decide)
        # the Access Rights administrators stay approvers
        self.assertIn(self.approver, self.Request._udm_approvers())
        # removed: no activity left, no menu, no decision
        settings = Form(self.env["res.config.settings"])
        self.assertIn(self.lead, settings.udm_approver_user_ids[:])
        settings.udm_approver_user_ids.remove(self.lead.id)
        settings.save().execute()
        self.env.invalidate_all()
        self.assertNotIn(self.lead, self.named_group.users)
        self.assertNotIn(self.lead, request.activity_ids.user_id)
        self.assertFalse(self._sees_menu(self.lead))
        with self.assertRaises(AccessError):
            request.with_user(self.lead).action_approve()
        self.assertEqual(request.state, "pending")

    def test_settings_refuse_portal_users_and_offer_internal_groups_only(self):
        with self.assertRaises(UserError) as caught:
            self._settings(udm_approver_user_ids=[Command.set(self.portal_user.ids)])
        self.assertIn("only internal users", str(caught.exception))
        self.assertFalse(self.named_group.users)
        # a portal user switched to internal is a portal user
        self.portal_user.udm_approval = "not_required"
        self.portal_user._udm_switch_to_internal()
        with self.assertRaises(UserError):
            self._settings(udm_approver_user_ids=[Command.set(self.portal_user.ids)])
        # the approvers group: internal groups only, nothing created from there
        Settings = self.env["res.config.settings"]
        field = Settings.fields_get(["udm_approver_group_id"])["udm_approver_group_id"]
        self.assertEqual(field["domain"], [("share", "=", False)])
        self.assertIn("Access Rights administrators when empty", field["help"])
        arch = Settings.get_views([(False, "form")])["views"]["form"]["arch"]
        tag = re.search(r"<field name=\"udm_approver_group_id\"[^>]*>", arch).group(0)
        self.assertIn('placeholder="Access Rights administrators"', tag)
        self.assertIn("'no_create': True", tag)

    def test_saving_settings_keeps_the_eligible_groups(self):
        # an administrator names an approver: the groups whose portal users may
        # switch are shown as they are, and kept
        self.group_extra_share.udm_may_switch = True
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.udm_eligible_group_ids[:], self.group_extra_share)
        settings.udm_approver_user_ids.add(self.lead)
        settings.save().execute()
        self.env.invalidate_all()
        self.assertTrue(self.group_extra_share.udm_may_switch)

    def test_members_of_the_chosen_group_get_the_menu(self):
        leads = self.env["res.groups"].create({"name": "UDM team leads"})
        leads.users = [Command.link(self.lead.id)]
        self._settings(udm_approver_group_id=leads.id)
        self.assertTrue(self._sees_menu(self.lead))
        self.assertTrue(self._sees_menu(self.admin_user))  # to withdraw approvals
        self.assertFalse(self._sees_menu(self.internal_user))
        self._settings(udm_approver_group_id=False)
        self.assertFalse(self._sees_menu(self.lead))
        self.assertTrue(self._sees_menu(self.admin_user))

    def test_only_who_may_decide_sees_the_buttons(self):
        leads = self.env["res.groups"].create({"name": "UDM team leads"})
        leads.users = [Command.link(self.lead.id)]
        self.ICP.set_param(PARAM_APPROVER_GROUP, leads.id)
        request = self.Request._udm_file(self.portal_user, "Closing", 0)
        self.assertTrue(request.with_user(self.lead).can_decide)
        # an administrator outside the approvers group: no buttons, and a clear
        # message if they call them anyway
        self.assertFalse(request.with_user(self.admin_user).can_decide)
        for method in ("action_approve", "action_refuse", "action_open_refuse_wizard"):
            with self.subTest(method=method), self.assertRaises(AccessError) as caught:
                getattr(request.with_user(self.admin_user), method)()
            self.assertIn(
                "An administrator names the approvers in Settings",
                str(caught.exception),
            )
        self.assertEqual(request.state, "pending")
        # they may still withdraw it
        self.assertFalse(request.with_user(self.internal_user).can_decide)
        # decided: no more buttons, for anyone
        request.with_user(self.lead).action_approve()
        request.invalidate_recordset(["can_decide"])
        self.assertFalse(request.with_user(self.lead).can_decide)
        request.with_user(self.admin_user).action_withdraw()
        self.assertEqual(request.state, "withdrawn")
        # never on one's own request
        own = self.Request.sudo().create({"user_id": self.lead.id})
        self.assertFalse(own.with_user(self.lead).can_decide)
        # the buttons follow can_decide
        views = self.Request.get_views([(False, "list"), (False, "form")])["views"]
        for view in ("list", "form"):
            arch = views[view]["arch"]
            for button in ("action_approve", "action_open_refuse_wizard"):
                tag = re.search(rf"<button name=\"{button}\"[^>]*>", arch).group(0)
                self.assertIn('invisible="not can_decide"', tag)

    # ------------------------------------------------------------------
    # 2. The user who asked is told
    # ------------------------------------------------------------------

    def test_refusal_needs_a_reason_and_the_user_reads_it(self):
        self._name_lead()
        request = self.Request._udm_file(self.portal_user, "Closing", 0)
        action = request.with_user(self.lead).action_open_refuse_wizard()
        Wizard = self.env[action["res_model"]].with_user(self.lead)
        wizard = Form(Wizard.with_context(**action["context"]))
        self.assertEqual(wizard.request_id, request)
        with self.assertRaises(AssertionError):
            wizard.save()  # the reason is required
        blank = Wizard.create({"request_id": request.id, "refusal_reason": "  "})
        with self.assertRaises(UserError) as caught:
            blank.action_refuse()
        self.assertIn("say why", str(caught.exception))
        self.assertEqual(request.state, "pending")
        wizard.refusal_reason = "Not during the audit"
        wizard.save().action_refuse()
        self.assertEqual(request.state, "refused")
        self.assertEqual(request.refusal_reason, "Not during the audit")
        self.assertEqual(request.approver_id, self.lead)
        self.assertFalse(request.activity_ids)
        # the e-mail
        mail = self._mails_to(self.portal_user.partner_id, request)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Your Full User Request was refused")
        self.assertIn("Not during the audit", mail.body_html)
        # and /my
        self.authenticate(self.portal_user.login, "udm_portal1_pw_123")
        text = self._my_text()
        self.assertIn("Refused", text)
        self.assertIn("Reason: Not during the audit", text)
        self.assertNotIn("waiting for an approver", text)

    def test_approval_is_e_mailed_to_the_user(self):
        with freeze_time("2026-03-02 10:00:00"):
            request = self.Request._udm_file(self.portal_user, "Closing", 0)
            request.with_user(self.approver).action_approve()
        mail = self._mails_to(self.portal_user.partner_id, request)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Your Full User Request was approved")
        self.assertIn("03/03/2026 10:00", mail.body_html)  # the approval's expiry
        self.assertIn("/my", mail.body_html)
        self.assertNotIn("Reason", mail.body_html)

    def test_unticking_approval_closes_pending_requests(self):
        request = self.Request._udm_file(self.portal_user, "Closing", 0)
        # this user's own setting still requires an approval
        self.portal_user2.udm_approval = "required"
        other = self.Request._udm_file(self.portal_user2, "Audit", 0)
        self._settings(udm_require_approval=False)
        self.assertFalse(self.Request._udm_approval_required())
        self.assertEqual(request.state, "cancelled")
        self.assertFalse(request.activity_ids)
        self.assertEqual(other.state, "pending")
        mail = self._mails_to(self.portal_user.partner_id, request)
        self.assertEqual(mail.subject, "Your Full User Request is no longer needed")
        self.assertIn("switch to an internal user from your", mail.body_html)
        self.assertFalse(self._mails_to(self.portal_user2.partner_id, other))
        # the user just switches
        self.assertTrue(self.portal_user._udm_switch_to_internal())
        self.assertFalse(request.switch_id)
        # a template or a user no longer requiring one: closed by the cron
        self.portal_user2.udm_approval = "not_required"
        self.Request._cron_expire_requests()
        self.assertEqual(other.state, "cancelled")
        # ticked again: a new request may be sent
        self.ICP.set_param(PARAM_REQUIRE_APPROVAL, "True")
        self.portal_user2.udm_approval = "default"
        self.assertEqual(
            self.Request._udm_file(self.portal_user2, "B", 0).state, "pending"
        )

    def test_my_says_when_sent_and_when_the_request_expires(self):
        request = self._file_from_my(self.portal_user, "Closing")
        sent = request.create_date.strftime("%H:%M")  # the user's timezone is UTC
        expiry = request.expiry_date.strftime("%m/%d/%Y %H:%M")
        self.assertIn(
            f"Sent at {sent}, waiting for an approver (the request expires on "
            f"{expiry}).",
            self._my_text(),
        )

    # ------------------------------------------------------------------
    # In a browser, as people do it
    # ------------------------------------------------------------------

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal_request")
    def test_tour_lead_named_finds_and_refuses_with_a_reason(self):
        # the administrator names the team lead, without developer mode
        self.start_tour(
            "/web#action=base_setup.action_general_configuration",
            "approver_name_in_settings",
            login="admin",
        )
        self.env.invalidate_all()
        self.assertIn(self.lead, self.named_group.users)
        # the portal user sends a request
        request = self._file_from_my(self.portal_user, "Month-end closing", "20")
        self.assertEqual(len(request), 1)
        # the lead sees the counters, opens their app and refuses, saying why
        self.start_tour("/web", "approver_refuse_with_reason", login="udm_appr_lead")
        self.env.invalidate_all()
        self.assertEqual(request.state, "refused")
        self.assertEqual(request.approver_id, self.lead)
        self.assertEqual(
            request.refusal_reason, "Not during the audit, ask again next week"
        )
        # the portal user is told: by e-mail, and on /my
        mail = self._mails_to(self.portal_user.partner_id, request)
        self.assertIn("Not during the audit", mail.body_html)
        self.authenticate(self.portal_user.login, "udm_portal1_pw_123")
        self.assertIn(
            "Reason: Not during the audit, ask again next week", self._my_text()
        )
