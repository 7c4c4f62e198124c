# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager

from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import AccessRightTemplateCommon


@tagged("post_install", "-at_install")
class TestAccessRightTemplate(AccessRightTemplateCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_art_common("art_admin")
        cls.default_template = cls.env.ref(
            "access_right_template.template_internal_from_portal"
        )
        cls.group_user = cls.env.ref("base.group_user")
        cls.group_portal = cls.env.ref("base.group_portal")
        cls.group_partner_manager = cls.env.ref("base.group_partner_manager")
        cls.internal = new_test_user(cls.env, "art_internal", groups="base.group_user")
        cls.portal = new_test_user(cls.env, "art_portal", groups="base.group_portal")
        cls.template_a = cls.Users.with_user(cls.admin).create(
            {
                "name": "Template A",
                "login": "art_template_a",
                "is_access_right_template": True,
                "groups_id": [
                    Command.set([cls.group_user.id, cls.group_partner_manager.id])
                ],
            }
        )

    @contextmanager
    def assertRefused(self, exception, regex):
        """assertRaisesRegex in Odoo's savepoint: the refused write is rolled back."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), regex)
        self.env.invalidate_all()

    def _templates(self):
        return self.Users.search([("is_access_right_template", "=", True)])

    # default template --------------------------------------

    def test_default_template_archived_and_flagged(self):
        tpl = self.default_template
        self.assertFalse(tpl.active)
        self.assertTrue(tpl.is_access_right_template)
        self.assertTrue(tpl.is_default_access_right_template)
        self.assertFalse(tpl.share)
        self.assertIn(self.group_user, tpl.groups_id)
        self.assertNotIn(self.env.ref("base.group_erp_manager"), tpl.groups_id)
        self.assertNotIn(
            tpl,
            self.env["res.users"].search([]),
            "templates are not listed among active users",
        )
        self.assertFalse(tpl.partner_id.active, "a template's contact is archived too")

    def test_exactly_one_default(self):
        self.template_a.with_user(self.admin).is_default_access_right_template = True
        defaults = self._templates().filtered("is_default_access_right_template")
        self.assertEqual(defaults, self.template_a)
        self.assertEqual(self.Users._access_right_template_default(), self.template_a)
        # unticking the only default is refused and changes nothing
        with self.assertRefused(UserError, "always be one default"):
            self.template_a.with_user(
                self.admin
            ).is_default_access_right_template = False
        self.assertTrue(self.template_a.is_default_access_right_template)
        # two defaults at once are refused
        with self.assertRefused(ValidationError, "Only one"):
            (self.template_a | self.default_template).with_user(self.admin).write(
                {"is_default_access_right_template": True}
            )

    def test_default_template_cannot_be_deleted(self):
        with self.assertRefused(
            UserError, "default access right template cannot be deleted"
        ):
            self.default_template.with_user(self.admin).unlink()
        self.assertTrue(self.default_template.exists())
        # another one can be marked default, then the old one deleted
        self.template_a.with_user(self.admin).is_default_access_right_template = True
        self.default_template.unlink()
        self.assertFalse(self.default_template.exists())

    # creation ----------------------------------------------

    def test_create_from_menu_is_archived_and_flagged(self):
        action = self.env.ref("access_right_template.action_access_right_templates")
        ctx = safe_eval(action.context)
        tpl = (
            self.env["res.users"]
            .with_user(self.admin)
            .with_context(**ctx)
            .create({"name": "From menu", "login": "art_from_menu"})
        )
        self.assertTrue(tpl.is_access_right_template)
        self.assertFalse(tpl.active)
        self.assertIn(
            tpl, self.Users.with_user(self.admin).search(safe_eval(action.domain))
        )

    def test_create_template_from_user_copies_groups_exactly(self):
        user = new_test_user(
            self.env,
            "art_source",
            groups="base.group_user,base.group_partner_manager,base.group_multi_currency",
        )
        action = user.with_user(self.admin).action_create_access_right_template()
        tpl = self.Users.browse(action["res_id"])
        self.assertEqual(tpl.groups_id, user.groups_id)
        self.assertEqual(
            tpl._access_right_template_groups(),
            user.groups_id | user.groups_id.trans_implied_ids,
        )
        self.assertTrue(tpl.is_access_right_template)
        self.assertFalse(tpl.is_default_access_right_template)
        self.assertFalse(tpl.active)
        self.assertNotEqual(tpl.login, user.login)
        # the full form (groups, template flags), not the simple one users default to
        self.assertEqual(
            action["views"], [(self.env.ref("base.view_users_form").id, "form")]
        )

    def test_template_login_is_generated(self):
        """The template form hides the login: a template gets a unique one."""
        Users = self.env["res.users"].with_user(self.admin)
        first, second = Users.with_context(
            default_is_access_right_template=True
        ).create([{"name": "No login 1"}, {"name": "No login 2"}])
        self.assertTrue(first.login.startswith("access-right-template-"))
        self.assertNotEqual(first.login, second.login)
        self.assertTrue(first.is_access_right_template)
        self.assertFalse(first.active)
        self.assertFalse(first.partner_id.active)

    def test_create_template_from_portal_user_refused(self):
        with self.assertRefused(UserError, "internal users only"):
            self.portal.with_user(self.admin).action_create_access_right_template()

    def test_create_template_from_admin_user_needs_checkbox(self):
        with self.assertRefused(ValidationError, "Allows administration rights"):
            self.admin.with_user(self.admin).action_create_access_right_template()

    # effective template ------------------------------------

    def test_effective_template_fallback(self):
        self.assertEqual(
            self.portal._access_right_template_effective(), self.default_template
        )
        self.portal.with_user(self.admin).switch_template_id = self.template_a
        self.assertEqual(
            self.portal._access_right_template_effective(), self.template_a
        )
        groups = self.template_a._access_right_template_groups()
        self.assertEqual(
            groups,
            self.template_a.groups_id,
            "groups_id already holds the implied groups",
        )
        self.assertLessEqual(self.group_user | self.group_partner_manager, groups)
        self.assertLessEqual(self.group_user.trans_implied_ids, groups)

    def test_switch_template_must_be_a_template(self):
        with self.assertRefused(
            ValidationError, "cannot be a Template for Switch to Internal"
        ):
            self.portal.with_user(self.admin).switch_template_id = self.internal
        self.assertFalse(self.portal.switch_template_id)

    # validation --------------------------------------------

    def test_template_with_two_user_types_refused(self):
        with self.assertRaises(ValidationError), mute_logger("odoo.sql_db"):
            self.template_a.with_user(self.admin).write(
                {"groups_id": [Command.link(self.group_portal.id)]}
            )
        self.env.invalidate_all()
        self.assertNotIn(self.group_portal, self.template_a.groups_id)

    def test_portal_template_refused(self):
        with self.assertRefused(
            ValidationError, "exactly one user type, Internal User"
        ):
            self.Users.with_user(self.admin).create(
                {
                    "name": "Portal template",
                    "login": "art_portal_tpl",
                    "is_access_right_template": True,
                    "groups_id": [Command.set([self.group_portal.id])],
                }
            )
        self.assertFalse(self.Users.search([("login", "=", "art_portal_tpl")]))

    def test_admin_rights_need_checkbox(self):
        settings = self.env.ref("base.group_system")
        with self.assertRefused(ValidationError, "grants administration rights"):
            self.template_a.with_user(self.admin).write(
                {"groups_id": [Command.link(settings.id)]}
            )
        self.assertNotIn(settings, self.template_a.groups_id)
        # a group implying Access Rights counts too
        implying = self.env["res.groups"].create(
            {
                "name": "Implies admin",
                "implied_ids": [
                    Command.link(self.env.ref("base.group_erp_manager").id)
                ],
            }
        )
        with self.assertRefused(ValidationError, "grants administration rights"):
            self.template_a.with_user(self.admin).write(
                {"groups_id": [Command.link(implying.id)]}
            )
        # with the checkbox it is accepted
        self.template_a.with_user(self.admin).write(
            {
                "allow_administration_rights": True,
                "groups_id": [Command.link(implying.id)],
            }
        )
        self.assertIn(
            self.env.ref("base.group_erp_manager"),
            self.template_a._access_right_template_groups(),
        )
        self.template_a._access_right_template_validate()

    def test_admin_capabilities_need_checkbox(self):
        """A custom group that lets its users edit system parameters is
        administration, even though it implies no administration group."""
        params_editor = self.env["res.groups"].create(
            {
                "name": "System parameters editor",
                "model_access": [
                    Command.create(
                        {
                            "name": "edit parameters",
                            "model_id": self.env.ref(
                                "base.model_ir_config_parameter"
                            ).id,
                            "perm_read": True,
                            "perm_write": True,
                        }
                    )
                ],
            }
        )
        with self.assertRefused(ValidationError, "System Parameter"):
            self.template_a.with_user(self.admin).write(
                {"groups_id": [Command.link(params_editor.id)]}
            )
        self.assertNotIn(params_editor, self.template_a.groups_id)
        self.template_a.with_user(self.admin).write(
            {
                "allow_administration_rights": True,
                "groups_id": [Command.link(params_editor.id)],
            }
        )
        self.assertIn(params_editor, self.template_a.groups_id)
        # the default template (internal user rights) has no such capability
        self.assertFalse(
            self.default_template._access_right_template_admin_capabilities()
        )

    def test_template_stays_archived(self):
        with self.assertRefused(UserError, "stays archived"):
            self.template_a.with_user(self.admin).active = True
        self.assertFalse(self.template_a.active)

    def test_template_has_no_password(self):
        with self.assertRefused(UserError, "cannot have a password"):
            self.template_a.with_user(self.admin).password = "secret-password"

    # security ----------------------------------------------

    def test_internal_user_cannot_see_or_edit_templates(self):
        Users = (
            self.env["res.users"]
            .with_user(self.internal)
            .with_context(active_test=False)
        )
        self.assertFalse(Users.search([("id", "=", self.template_a.id)]))
        with self.assertRaises(AccessError):
            Users.browse(self.template_a.id).read(["name"])
        with self.assertRaises(AccessError):
            Users.search([("is_access_right_template", "=", True)])
        with self.assertRaises(AccessError):
            Users.create(
                {"name": "x", "login": "art_x", "is_access_right_template": True}
            )
        with self.assertRaises(AccessError):
            self.internal.with_user(self.internal).write(
                {"switch_template_id": self.template_a.id}
            )
        self.assertNotIn(
            "switch_template_id", self.env["res.users"].SELF_WRITEABLE_FIELDS
        )

    def test_portal_user_cannot_set_own_template(self):
        with self.assertRaises(AccessError):
            self.portal.with_user(self.portal).write(
                {"switch_template_id": self.template_a.id}
            )
        with self.assertRaises(AccessError):
            self.portal.with_user(self.portal).read(["switch_template_id"])
        with self.assertRaises(AccessError):
            self.env["res.users"].with_user(self.portal).browse(
                self.template_a.id
            ).read(["name"])
        self.assertFalse(self.portal.switch_template_id)

    def test_self_made_template_refused_for_the_right_reason(self):
        """A portal user flagging themselves as a template is refused because the
        field is reserved to administrators, not because the flag would archive them
        ("cannot deactivate yourself" named the wrong cause)."""
        before = self.portal.read(["active", "is_access_right_template"])
        with self.assertRaisesRegex(AccessError, "is_access_right_template"):
            self.portal.with_user(self.portal).write({"is_access_right_template": True})
        self.portal.invalidate_recordset()
        self.assertEqual(
            self.portal.read(["active", "is_access_right_template"]), before
        )

    def test_internal_user_cannot_create_template_from_user(self):
        with self.assertRaises(AccessError):
            self.internal.with_user(self.internal).action_create_access_right_template()

    def test_templates_cannot_authenticate(self):
        # even with a password forced in the database and the template active,
        # login is refused
        self.env.cr.execute(
            "UPDATE res_users SET active = TRUE WHERE id = %s", [self.template_a.id]
        )
        self.template_a.invalidate_recordset(["active"])
        self.env["res.users"].browse(self.template_a.id)._set_encrypted_password(
            self.template_a.id,
            self.env["res.users"]._crypt_context().hash("tpl-password"),
        )
        with (
            self.assertRaises(AccessDenied),
            mute_logger("odoo.addons.access_right_template.models.res_users"),
        ):
            self.env["res.users"].authenticate(
                self.env.cr.dbname, "art_template_a", "tpl-password", {}
            )
        with self.assertRaises(AccessDenied):
            self.env["res.users"].authenticate(
                self.env.cr.dbname,
                "template_internal_from_portal",
                "template_internal_from_portal",
                {},
            )
