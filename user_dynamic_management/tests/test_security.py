# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import Form, TransactionCase, new_test_user

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestSecurity(UdmCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()

    def test_fields_not_self_writeable(self):
        for field in ("allow_portal_access_internal", "enable_idle_time", "idle_time"):
            self.assertNotIn(field, self.env["res.users"].SELF_WRITEABLE_FIELDS)
        not_allowed = self._udm_portal_user("udm_sneaky", allowed=False)
        with self.assertRaises(AccessError):
            not_allowed.with_user(not_allowed).write(
                {"allow_portal_access_internal": True}
            )
        with self.assertRaises(AccessError):
            self.portal_user.with_user(self.portal_user).write({"idle_time": 999})
        self.env.invalidate_all()
        self.assertFalse(not_allowed.allow_portal_access_internal)
        self.assertEqual(self.portal_user.idle_time, 5)

    def test_internal_user_cannot_configure(self):
        with self.assertRaises(AccessError):
            self.portal_user.with_user(self.internal_user).write(
                {"allow_portal_access_internal": False}
            )

    def test_switch_methods_are_private(self):
        """No JSON-RPC path (call_kw rejects methods starting with _)."""
        from odoo.models import check_method_name

        for method in (
            "_udm_switch_to_internal",
            "_udm_revert",
            "_udm_pop_revert_notice",
            "_udm_register_activity",
            "_cron_revert_idle_switches",
        ):
            with self.assertRaises(AccessError):
                check_method_name(method)

    def test_revert_now_requires_access_rights_admin(self):
        switch = self.portal_user._udm_switch_to_internal()
        for user in (self.internal_user, self.portal_user2, self.portal_user):
            with self.assertRaises(AccessError):
                switch.with_user(user).action_revert_now()
        self.env.invalidate_all()
        self.assertEqual(switch.state, "active")
        self.assertFalse(self.portal_user.share)

    def test_switch_records_are_read_only(self):
        switch = self.portal_user._udm_switch_to_internal()
        with self.assertRaises(AccessError):
            switch.with_user(self.admin_user).write({"state": "reverted"})
        with self.assertRaises(AccessError):
            self.Switch.with_user(self.internal_user).search([])
        self.assertEqual(self.Switch.with_user(self.admin_user).search([]), switch)

    def test_user_form(self):
        manager = new_test_user(
            self.env,
            "udm_manager",
            groups="base.group_user,base.group_erp_manager,base.group_partner_manager",
        )
        with Form(
            self.portal_user2.with_user(manager), view="base.view_users_form"
        ) as form:
            form.allow_portal_access_internal = True
            form.enable_idle_time = True
            form.idle_time = 12
        self.assertEqual(self.portal_user2.idle_time, 12)
