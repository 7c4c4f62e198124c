# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""E-mails to the Portal switch managers, and the cockpit over HTTP."""

from odoo import http
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.user_dynamic_management.models.portal_internal_switch import (
    PARAM_MAX_SEATS,
    PARAM_NOTIFY_MANAGERS,
    PARAM_NOTIFY_USER,
)

from .common import UdmCommon


class UdmNotifyCommon(UdmCommon):
    @classmethod
    def _udm_notify_setup(cls):
        cls._udm_setup()
        cls.ICP.set_param(PARAM_MAX_SEATS, 0)
        cls.manager = new_test_user(
            cls.env,
            "udm_switch_manager",
            groups="base.group_user",
            email="manager@example.com",
        )
        cls.manager.groups_id = [
            Command.link(
                cls.env.ref("user_dynamic_management.group_portal_switch_manager").id
            )
        ]
        cls.portal_user.email = "portal1@example.com"

    def _mails(self, partner):
        return (
            self.env["mail.mail"].sudo().search([("recipient_ids", "in", partner.ids)])
        )


@tagged("post_install", "-at_install")
class TestNotify(UdmNotifyCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_notify_setup()

    def test_off_by_default(self):
        self.ICP.set_param(PARAM_NOTIFY_MANAGERS, False)
        self.portal_user._udm_switch_to_internal()
        self.portal_user._udm_revert("logout")
        self.assertFalse(self._mails(self.manager.partner_id))

    def test_each_recipient_reads_their_own_timezone(self):
        """One e-mail per language and timezone: the manager in Paris reads Paris
        time, named, whatever the switching user's timezone."""
        self.ICP.set_param(PARAM_NOTIFY_MANAGERS, "True")
        self.ICP.set_param(PARAM_NOTIFY_USER, "True")
        self.manager.tz = "Europe/Paris"
        self.portal_user.tz = "America/New_York"
        self.portal_user._udm_switch_to_internal()
        manager_mail = self._mails(self.manager.partner_id)
        user_mail = self._mails(self.portal_user.partner_id)
        self.assertEqual(len(manager_mail), 1)
        self.assertNotEqual(manager_mail, user_mail)
        self.assertIn("(Europe/Paris)", manager_mail.body_html)
        self.assertIn("(America/New_York)", user_mail.body_html)

    def test_switch_revert_and_refusal_mails(self):
        self.ICP.set_param(PARAM_NOTIFY_MANAGERS, "True")
        self.portal_user._udm_switch_to_internal()
        mails = self._mails(self.manager.partner_id)
        self.assertEqual(len(mails), 1)
        self.assertIn("switched to an internal user", mails.subject)
        self.assertFalse(self._mails(self.portal_user.partner_id), "no copy by default")
        self.portal_user._udm_revert("idle")
        mails = self._mails(self.manager.partner_id) - mails
        self.assertIn("switched back to a portal user", mails.subject)
        self.assertIn("Idle", mails.body_html)
        # a seat refusal, e-mailed after the refused transaction rolled back
        self.ICP.set_param(PARAM_MAX_SEATS, 1)
        self.ICP.set_param(PARAM_NOTIFY_USER, "True")
        self.portal_user2._udm_switch_to_internal()
        before = self._mails(self.manager.partner_id)
        with self.assertRaises(UserError) as caught:
            self.portal_user._udm_switch_to_internal()
        self.Switch._udm_notify_refused(self.portal_user, str(caught.exception))
        refused = self._mails(self.manager.partner_id) - before
        self.assertIn("could not switch", refused.subject)
        self.assertIn("seat for internal users is taken", refused.body_html)
        self.assertIn(self.portal_user.partner_id, refused.recipient_ids)


@tagged("post_install", "-at_install")
class TestCockpitHttp(UdmNotifyCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_notify_setup()
        cls._udm_confirm_password(cls, False)

    def _switch(self, user):
        self.authenticate(user.login, f"{user.login}_pw_123")
        response = self.url_open(
            "/my/switch_to_internal",
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        return response

    def test_revert_and_log_out_ends_the_session(self):
        response = self._switch(self.portal_user)
        self.assertTrue(response.headers["Location"].endswith("/web"))
        self.assertEqual(self.url_open("/web", allow_redirects=False).status_code, 200)
        self.portal_user.with_user(self.admin_user).action_udm_revert_logout()
        self.env.flush_all()
        response = self.url_open("/web", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        self.assertTrue(self.portal_user.share)

    def test_seat_refusal_over_http_is_mailed(self):
        self.ICP.set_param(PARAM_NOTIFY_MANAGERS, "True")
        self.ICP.set_param(PARAM_MAX_SEATS, 1)
        self.portal_user2._udm_switch_to_internal()
        before = self._mails(self.manager.partner_id)
        response = self._switch(self.portal_user)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.env.invalidate_all()
        self.assertTrue(self.portal_user.share)
        refused = self._mails(self.manager.partner_id) - before
        self.assertEqual(len(refused), 1)
        self.assertIn("could not switch", refused.subject)
