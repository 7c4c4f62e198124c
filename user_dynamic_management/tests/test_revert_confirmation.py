# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from .common import UdmCommon

WIZARD = "portal.internal.switch.revert"


@tagged("post_install", "-at_install")
class TestRevertConfirmation(UdmCommon, TransactionCase):
    """ "Revert now" and "Revert and log out" ask first, naming the user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()

    def _dialog(self, action):
        self.assertEqual(action["res_model"], WIZARD)
        self.assertEqual(action["target"], "new")
        return self.env[WIZARD].with_user(self.admin_user).browse(action["res_id"])

    def test_revert_now_names_the_user_then_reverts_on_confirm(self):
        switch = self.portal_user._udm_switch_to_internal()
        dialog = self._dialog(switch.with_user(self.admin_user).action_confirm_revert())
        self.assertEqual(
            dialog.message,
            f"Switch {self.portal_user.name} back to a portal user now? Their unsaved "
            "work in the backend is lost.",
        )
        # asking changes nothing
        self.assertEqual(switch.state, "active")
        self.assertFalse(self.portal_user.share)
        result = dialog.action_confirm()
        self.assertEqual(switch.state, "reverted")
        self.assertEqual(switch.reason, "admin")
        self.assertTrue(self.portal_user.share)
        self.assertIn(self.portal_user.name, result["params"]["message"])

    def test_revert_and_log_out_from_the_user_form(self):
        switch = self.portal_user._udm_switch_to_internal()
        epoch = self.portal_user.udm_session_epoch
        form_user = self.portal_user.with_user(self.admin_user)
        dialog = self._dialog(form_user.action_udm_confirm_revert_logout())
        self.assertIn(f"Switch {self.portal_user.name} back", dialog.message)
        self.assertIn("end all their sessions", dialog.message)
        self.assertEqual(self.portal_user.udm_session_epoch, epoch)
        dialog.action_confirm()
        self.assertEqual(switch.state, "reverted")
        self.assertEqual(self.portal_user.udm_session_epoch, epoch + 1)

    def test_revert_now_from_the_user_form(self):
        switch = self.portal_user._udm_switch_to_internal()
        form_user = self.portal_user.with_user(self.admin_user)
        dialog = self._dialog(form_user.action_udm_confirm_revert())
        self.assertFalse(dialog.log_out)
        dialog.action_confirm()
        self.assertEqual(switch.state, "reverted")

    def test_only_access_rights_administrators_are_asked(self):
        switch = self.portal_user._udm_switch_to_internal()
        with self.assertRaisesRegex(AccessError, "Only Access Rights administrators"):
            switch.with_user(self.internal_user).action_confirm_revert()
        with self.assertRaisesRegex(AccessError, "Only Access Rights administrators"):
            self.portal_user.with_user(self.internal_user).action_udm_confirm_revert()
        self.assertFalse(self.env[WIZARD].sudo().search([]))
        self.assertEqual(switch.state, "active")

    def test_a_switch_that_ended_is_not_offered(self):
        switch = self.portal_user._udm_switch_to_internal()
        self.portal_user._udm_revert("idle")
        with self.assertRaisesRegex(UserError, "no longer switched to internal"):
            switch.with_user(self.admin_user).action_confirm_revert()
        with self.assertRaisesRegex(UserError, "no longer switched to internal"):
            self.portal_user.with_user(self.admin_user).action_udm_confirm_revert()

    def test_dialog_confirmed_after_the_switch_ended_elsewhere(self):
        switch = self.portal_user._udm_switch_to_internal()
        dialog = self._dialog(switch.with_user(self.admin_user).action_confirm_revert())
        self.portal_user._udm_revert("idle")
        result = dialog.action_confirm()
        self.assertEqual(
            result["params"]["message"],
            "Nothing to revert: the switch had already ended.",
        )
        self.assertEqual(switch.reason, "idle")
