# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from ..hooks import uninstall_hook
from ..models.portal_internal_switch import PARAM_MAX_SEATS
from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestSwitch(UdmCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()

    def test_switch_and_revert_restore_groups_exactly(self):
        user = self.portal_user
        before = user.groups_id
        self.assertIn(self.group_extra_share, before)
        self.assertTrue(user.share)
        self.assertEqual(user.notification_type, "email")
        partner = user.partner_id

        with freeze_time("2026-03-02 10:40:00"):
            switch = user._udm_switch_to_internal("10.1.2.3", "Firefox/UDM")
        self.env.invalidate_all()
        self.assertEqual(switch.state, "active")
        self.assertEqual(switch.start_date, datetime(2026, 3, 2, 10, 40))
        self.assertEqual(switch.deadline, datetime(2026, 3, 2, 10, 45))
        self.assertEqual(switch.group_ids, before)
        self.assertEqual(switch.template_id, self.template)
        self.assertEqual(switch.ip_address, "10.1.2.3")
        self.assertEqual(switch.user_agent, "Firefox/UDM")
        self.assertFalse(user.share)
        self.assertFalse(partner.partner_share)
        self.assertTrue(user._is_internal())
        self.assertNotIn(self.group_portal, user.groups_id)
        self.assertIn(self.group_template_extra, user.groups_id)
        self.assertIn(self.group_extra_share, user.groups_id)
        self.assertEqual(user.partner_id, partner)
        self.assertEqual(user.login, "udm_portal1")
        self.assertTrue(user.has_group("base.group_user"))

        # while internal, the user may change things the revert must undo
        user.with_user(user).notification_type = "inbox"
        self.assertEqual(user.notification_type, "inbox")

        reverted = user._udm_revert("logout")
        self.env.invalidate_all()
        self.assertEqual(reverted, switch)
        self.assertEqual(user.groups_id, before)
        self.assertTrue(user.share)
        self.assertTrue(partner.partner_share)
        self.assertEqual(user.notification_type, "email")
        self.assertFalse(user.has_group("base.group_user"))
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertEqual(switch.state, "reverted")
        self.assertEqual(switch.reason, "logout")
        self.assertTrue(switch.end_date)
        # audit notes on the partner, instead of mail's portal access notes
        bodies = partner.message_ids.mapped("body")
        self.assertTrue(any("Switched to an internal user" in b for b in bodies))
        self.assertTrue(
            any("Switched back to a portal user (Logout)" in b for b in bodies)
        )
        self.assertFalse(any("Portal Access" in b for b in bodies))

    def test_switch_and_revert_invalidate_rights_everywhere(self):
        """Each switch and each revert drops the cached rights in this worker and
        marks the 'default' caches for the signal to every other worker at commit
        (Odoo's res.users.write of groups_id does it: the addon clears nothing of its
        own), and no other cache group (templates, assets, routing)."""
        registry = self.env.registry
        user = self.portal_user
        as_user = user.with_user(user)
        # cached as a worker caches them, keyed by user id
        self.assertFalse(as_user.has_group("base.group_user"))
        self.assertFalse(
            self.env["ir.model.access"]
            .with_user(user)
            .check("mail.activity", "create", raise_exception=False)
        )
        registry.signal_changes()  # test mode: resets what was marked so far
        self.assertFalse(registry.cache_invalidated)

        user._udm_switch_to_internal()
        self.assertEqual(registry.cache_invalidated, {"default"})
        self.assertTrue(as_user.has_group("base.group_user"))
        self.assertTrue(
            self.env["ir.model.access"]
            .with_user(user)
            .check("mail.activity", "create", raise_exception=False)
        )
        registry.signal_changes()

        user._udm_revert("logout")
        self.assertEqual(registry.cache_invalidated, {"default"})
        self.assertFalse(as_user.has_group("base.group_user"))
        self.assertFalse(
            self.env["ir.model.access"]
            .with_user(user)
            .check("mail.activity", "create", raise_exception=False)
        )

    def test_settings_read_in_one_query(self):
        """The addon's settings cost one query on a cold cache, and a changed setting
        is seen at once (the change clears the cache)."""
        Switch = self.Switch
        self.ICP.set_param(PARAM_MAX_SEATS, 3)
        self.env.registry.clear_cache()
        with self.assertQueryCount(1):
            self.assertEqual(Switch._udm_max_seats(), 3)
            self.assertEqual(Switch._udm_quota_settings(), (0, 0))
            self.assertFalse(
                Switch.env["portal.internal.switch.request"]._udm_reason_required()
            )
        self.ICP.set_param(PARAM_MAX_SEATS, 4)
        self.assertEqual(Switch._udm_max_seats(), 4)
        # like get_param: a missing setting is the default
        self.ICP.set_param(PARAM_MAX_SEATS, False)
        self.assertEqual(Switch._udm_get_param(PARAM_MAX_SEATS, "x"), "x")

    def test_eligibility_by_group_in_one_query(self):
        """Whether a portal user may switch through a group costs one query (it runs
        on every /my), and follows the group's flag and membership."""
        group = self.env["res.groups"].create({"name": "UDM may switch (query)"})
        user = self.portal_user2
        user.allow_portal_access_internal = False
        user.groups_id = [Command.link(group.id)]
        user.invalidate_recordset()
        user._udm_fetch_policy()  # as _udm_can_switch does: the flag is read there
        with self.assertQueryCount(1):
            self.assertFalse(user._udm_is_eligible())
        group.udm_may_switch = True
        self.assertTrue(user._udm_is_eligible())
        user.groups_id = [Command.unlink(group.id)]
        self.assertFalse(user._udm_is_eligible())

    def test_admin_only_user_fields_share_one_group(self):
        """The suite's admin-only fields on users all use Access Rights: Odoo checks
        each distinct group of res.users' fields with one query when it reads a user
        on a cold cache, which every user does after each switch or revert."""
        suite = {
            "access_right_template",
            "user_dynamic_management",
            "portal_field_access",
        }
        groups = {
            field.groups
            for field in self.env["res.users"]._fields.values()
            if field._module in suite and field.groups
        }
        self.assertEqual(groups, {"base.group_erp_manager"})

    def test_revert_is_idempotent(self):
        self.portal_user._udm_switch_to_internal()
        self.assertTrue(self.portal_user._udm_revert("admin"))
        self.assertFalse(self.portal_user._udm_revert("admin"))
        self.assertFalse(self.portal_user2._udm_revert("logout"))

    def test_switch_again_after_revert(self):
        self.portal_user._udm_switch_to_internal()
        self.portal_user._udm_revert("logout")
        self.portal_user._udm_switch_to_internal()
        self.assertEqual(
            len(self.Switch.sudo().search([("user_id", "=", self.portal_user.id)])), 2
        )

    def test_default_template_applies(self):
        user = self._udm_portal_user("udm_portal_default")
        user.switch_template_id = False
        switch = user._udm_switch_to_internal()
        self.assertEqual(
            switch.template_id,
            self.env.ref("access_right_template.template_internal_from_portal"),
        )
        self.assertFalse(user.share)

    def _assert_refused(self, user, exception, message):
        groups = user.groups_id
        count = self.Switch.sudo().search_count([])
        with self.assertRaises(exception) as catched:
            user._udm_switch_to_internal()
        self.assertIn(message, str(catched.exception))
        self.env.invalidate_all()
        self.assertEqual(user.groups_id, groups)
        self.assertEqual(self.Switch.sudo().search_count([]), count)

    def test_refused_not_allowed(self):
        user = self._udm_portal_user("udm_not_allowed", allowed=False)
        self._assert_refused(user, UserError, "not allowed")

    def test_refused_internal_user(self):
        self._assert_refused(self.internal_user, UserError, "already an internal user")

    def test_refused_public_user(self):
        public = self.env.ref("base.public_user")
        self._assert_refused(public, UserError, "log in")

    def test_switch_is_idempotent(self):
        """A double submit returns the open switch and changes nothing."""
        switch = self.portal_user._udm_switch_to_internal()
        groups = self.portal_user.groups_id
        self.assertEqual(self.portal_user._udm_switch_to_internal(), switch)
        self.env.invalidate_all()
        self.assertEqual(self.portal_user.groups_id, groups)
        self.assertEqual(
            self.Switch.sudo().search_count([("user_id", "=", self.portal_user.id)]), 1
        )

    def test_refused_invalid_template(self):
        # the template was valid when saved; a change made behind the constraints' back
        # (SQL, or a module update of group definitions) gives it administration rights
        self.env.flush_all()
        self.env.cr.execute(
            "INSERT INTO res_groups_users_rel (gid, uid) VALUES (%s, %s)",
            [self.env.ref("base.group_erp_manager").id, self.template.id],
        )
        self.env.invalidate_all()
        self._assert_refused(self.portal_user, ValidationError, "administration rights")

    def test_idle_time_must_be_positive(self):
        with self.assertRaises(ValidationError):
            self.portal_user.write({"enable_idle_time": True, "idle_time": 0})
        # disabled idle time: 0 switches without deadline
        user = self._udm_portal_user("udm_no_idle", idle=0)
        switch = user._udm_switch_to_internal()
        self.assertEqual(switch.idle_time, 0)
        self.assertFalse(switch.deadline)

    def test_admin_revert_now(self):
        switch = self.portal_user._udm_switch_to_internal()
        switch.with_user(self.admin_user).action_revert_now()
        self.assertEqual(switch.state, "reverted")
        self.assertEqual(switch.reason, "admin")
        self.assertTrue(self.portal_user.share)

    def test_revert_notice_shown_once(self):
        self.portal_user._udm_switch_to_internal()
        self.portal_user._udm_revert("idle")
        self.assertEqual(self.portal_user._udm_pop_revert_notice(), "idle")
        self.assertFalse(self.portal_user._udm_pop_revert_notice())

    def test_uninstall_hook_reverts_everyone(self):
        self.portal_user._udm_switch_to_internal()
        self.portal_user2._udm_switch_to_internal()
        uninstall_hook(self.env)
        self.env.invalidate_all()
        self.assertTrue(self.portal_user.share)
        self.assertTrue(self.portal_user2.share)
        self.assertFalse(self.Switch.sudo().search([("state", "=", "active")]))
        self.assertEqual(
            set(
                self.Switch.sudo()
                .search([("user_id", "in", self.portal_user.ids)])
                .mapped("reason")
            ),
            {"uninstall"},
        )
