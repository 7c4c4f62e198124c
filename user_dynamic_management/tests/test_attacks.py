# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Findings of an attacker: each test failed on the code before its fix."""

from odoo.exceptions import AccessDenied, AccessError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestAttackFindings(UdmCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.Apikeys = cls.env["res.users.apikeys"]

    def _key_user(self, key):
        return self.Apikeys._check_credentials(scope="rpc", key=key)

    def _rpc_auth(self, user, secret):
        """What res.users.check does for an XML-RPC call."""
        user.with_user(user)._check_credentials(secret, {"interactive": False})

    # -- 2. credentials minted while switched ---------------------------------

    def test_api_key_minted_while_switched_is_removed_at_revert(self):
        user = self.portal_user
        # a key held before the switch (portal API keys allowed) is not the switch's
        old_key = self.Apikeys.with_user(user)._generate(None, "Before the switch")
        switch = user._udm_switch_to_internal()
        key = self.Apikeys.with_user(user)._generate(None, "Minted while switched")
        self.assertEqual(self._key_user(key), user.id)
        self._rpc_auth(user, key)

        user._udm_revert("logout")
        self.env.invalidate_all()
        self.assertFalse(self._key_user(key))
        with self.assertRaises(AccessDenied):
            self._rpc_auth(user, key)
        self.assertEqual(self._key_user(old_key), user.id)
        self.assertIn("Minted while switched", switch.removed_credentials)
        self.assertNotIn("Before the switch", switch.removed_credentials)
        # a password reset afterwards does not bring it back either
        user.with_user(self.admin_user).write({"password": "udm_new_pw_456"})
        self.assertFalse(self._key_user(key))

    def test_keys_of_other_users_are_kept(self):
        self.portal_user._udm_switch_to_internal()
        other_key = self.Apikeys.with_user(self.internal_user)._generate(None, "Other")
        self.portal_user._udm_revert("idle")
        self.assertEqual(self._key_user(other_key), self.internal_user.id)

    # -- 3. exact, delta-based revert ------------------------------------------

    def test_revert_keeps_groups_an_admin_changed_during_the_switch(self):
        user = self.portal_user
        added_by_admin = self.env["res.groups"].create(
            {"name": "UDM added by an admin", "share": True}
        )
        switch = user._udm_switch_to_internal()
        self.assertIn(self.group_extra_share, switch.group_ids)
        as_admin = user.with_user(self.admin_user)
        as_admin.write(
            {
                "groups_id": [
                    Command.unlink(self.group_extra_share.id),
                    Command.link(added_by_admin.id),
                ]
            }
        )
        self.assertEqual(switch.state, "active", "still switched")
        user._udm_revert("idle")
        self.env.invalidate_all()
        self.assertNotIn(self.group_extra_share, user.groups_id)
        self.assertIn(added_by_admin, user.groups_id)
        self.assertIn(self.group_portal, user.groups_id)
        self.assertNotIn(self.group_user, user.groups_id)
        self.assertNotIn(self.group_template_extra, user.groups_id)
        self.assertTrue(user.share)
        self.assertFalse(switch.added_group_ids & user.groups_id)

    def test_admin_making_the_user_internal_closes_without_demotion(self):
        user = self.portal_user
        switch = user._udm_switch_to_internal()
        groups = user.groups_id
        user.with_user(self.admin_user).write(
            {"groups_id": [Command.link(self.group_user.id)]}
        )
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "admin"))
        self.assertEqual(user.groups_id, groups)
        self.assertFalse(user.share)
        # nothing left to revert later
        self.assertFalse(user._udm_revert("idle"))
        self.assertFalse(user.share)

    def test_keep_internal_button(self):
        switch = self.portal_user._udm_switch_to_internal()
        with self.assertRaises(AccessError):
            switch.with_user(self.internal_user).action_keep_internal()
        self.assertEqual(switch.state, "active")
        switch.with_user(self.admin_user).action_keep_internal()
        self.assertEqual((switch.state, switch.reason), ("reverted", "admin"))
        self.assertFalse(self.portal_user.share)

    def test_admin_making_the_user_portal_closes_the_switch(self):
        user = self.portal_user
        switch = user._udm_switch_to_internal()
        user.with_user(self.admin_user).write(
            {
                "groups_id": [
                    Command.unlink(self.group_user.id),
                    Command.link(self.group_portal.id),
                ]
            }
        )
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "admin"))
        self.assertTrue(user.share)
        self.assertNotIn(self.group_template_extra, user.groups_id)

    def test_revert_goes_through_res_users_write(self):
        """Other addons' group-change logic (overrides of write) sees the revert."""
        Users = type(self.env["res.users"])
        original = Users.write
        seen = []

        def spy(records, vals):
            if "groups_id" in vals:
                seen.append((set(records.ids), vals["groups_id"]))
            return original(records, vals)

        self.portal_user._udm_switch_to_internal()
        self.portal_user2._udm_switch_to_internal()
        self.patch(Users, "write", spy)
        (self.portal_user | self.portal_user2)._udm_revert("admin")
        targets = {frozenset(ids) for ids, _commands in seen}
        # one write per distinct group set (portal_user has an extra share group)
        self.assertEqual(
            targets, {frozenset(self.portal_user.ids), frozenset(self.portal_user2.ids)}
        )
        for _ids, commands in seen:
            self.assertEqual(commands[0][0], Command.SET)

    # -- 4. administrators' changes end the switch ------------------------------

    def _assert_admin_change_reverts(self, values):
        user = self.portal_user
        switch = user._udm_switch_to_internal()
        user.with_user(self.admin_user).write(values)
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "admin"))
        self.assertTrue(user.share)
        self.assertNotIn(self.group_user, user.groups_id)

    def test_untick_allow_ends_the_switch(self):
        self._assert_admin_change_reverts({"allow_portal_access_internal": False})

    def test_archive_ends_the_switch(self):
        self._assert_admin_change_reverts({"active": False})

    def test_template_change_ends_the_switch(self):
        other = self.env["res.users"].create(
            {
                "name": "UDM other template",
                "login": "udm_other_template",
                "is_access_right_template": True,
                "groups_id": [Command.set(self.group_user.ids)],
            }
        )
        self._assert_admin_change_reverts({"switch_template_id": other.id})

    def test_admin_password_change_ends_the_switch(self):
        self._assert_admin_change_reverts({"password": "udm_reset_pw_789"})

    def test_admin_password_reset_mail_ends_the_switch(self):
        manager = new_test_user(
            self.env,
            "udm_reset_manager",
            groups="base.group_user,base.group_erp_manager,base.group_partner_manager",
        )
        switch = self.portal_user._udm_switch_to_internal()
        self.portal_user.with_user(manager).action_reset_password()
        self.assertEqual((switch.state, switch.reason), ("reverted", "admin"))
        self.assertTrue(self.portal_user.share)

    def test_unrelated_changes_keep_the_switch(self):
        user = self.portal_user
        switch = user._udm_switch_to_internal()
        # the user changes their own password; an admin renames them, rewrites the
        # same template, lengthens the idle time
        user.with_user(user).change_password("udm_portal1_pw_123", "udm_portal1_new")
        manager = new_test_user(
            self.env,
            "udm_rename_manager",
            groups="base.group_user,base.group_erp_manager,base.group_partner_manager",
        )
        user.with_user(manager).write(
            {
                "name": "Renamed",
                "switch_template_id": self.template.id,
                "allow_portal_access_internal": True,
                "idle_time": 50,
            }
        )
        self.assertEqual(switch.state, "active")
        self.assertFalse(user.share)

    # -- 11. the switch history is an immutable log that outlives the user ------

    def test_history_survives_the_user(self):
        user = self._udm_portal_user("udm_deleted")
        name = user.name
        user._udm_switch_to_internal()
        user._udm_revert("logout")
        user._udm_switch_to_internal()
        switches = self.Switch.sudo().search([("user_id", "=", user.id)])
        self.assertEqual(len(switches), 2)
        user.unlink()
        self.env.invalidate_all()
        self.assertTrue(switches.exists())
        self.assertEqual(switches.mapped("user_login"), ["udm_deleted"] * 2)
        self.assertEqual(switches.mapped("user_name"), [name] * 2)
        self.assertEqual(set(switches.mapped("state")), {"reverted"})
        self.assertFalse(switches.user_id)

    def test_nobody_edits_or_deletes_the_history(self):
        switch = self.portal_user._udm_switch_to_internal()
        before = switch.read(["state", "start_date", "reason", "user_id"])
        admin = self.env.ref("base.user_admin")
        for env in (
            self.env(user=self.admin_user),
            self.env(user=admin),
            self.env(user=admin, su=True),  # even the superuser, outside the addon
        ):
            with self.assertRaises(AccessError):
                switch.with_env(env).write({"state": "reverted"})
            with self.assertRaises(AccessError):
                switch.with_env(env).unlink()
            if not env.su:
                # the addon's context key comes with RPC calls too: not enough
                with self.assertRaises(AccessError):
                    switch.with_env(env).with_context(udm_own_write=True).write(
                        {"reason": "admin"}
                    )
            with self.assertRaises(AccessError):
                self.Switch.with_env(env).create(
                    {"user_id": self.portal_user2.id, "start_date": switch.start_date}
                )
        self.env.invalidate_all()
        self.assertEqual(
            switch.read(["state", "start_date", "reason", "user_id"]), before
        )
