# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import AccessRightTemplateCommon


@tagged("post_install", "-at_install")
class TestTemplateSelector(AccessRightTemplateCommon, TransactionCase):
    """Documentation step 1 ("create an internal user, set its groups, archive it:
    this user is used for template purpose only") followed by step 2 (choose it as
    the portal user's Template for Switch to Internal)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_art_common("sel_admin")
        cls.portal = new_test_user(cls.env, "sel_portal", groups="base.group_portal")
        cls.archived = new_test_user(
            cls.env,
            "sel_archived",
            name="Sales Desk Template",
            groups="base.group_user,base.group_partner_manager",
        )
        cls.archived.action_archive()
        cls.default_template = cls.env.ref(
            "access_right_template.template_internal_from_portal"
        )

    def _selector(self, name=""):
        """What the web client's autocomplete gets: name_search with the field's
        domain, under the view's context, as the administrator."""
        form = self.env.ref("base.view_users_form")
        view = (
            self.env["res.users"].with_user(self.admin).get_views([(form.id, "form")])
        )
        field = view["models"]["res.users"]["switch_template_id"]
        arch = view["views"]["form"]["arch"]
        self.assertIn("'active_test': False", arch)
        Users = (
            self.env["res.users"]
            .with_user(self.admin)
            .with_context(active_test=False, access_right_template_selector=True)
        )
        domain = field["domain"]
        if isinstance(domain, str):
            domain = safe_eval(domain)
        return dict(Users.name_search(name, domain, limit=None))

    def test_selector_offers_templates_and_archived_internal_users(self):
        offered = self._selector()
        self.assertIn(self.default_template.id, offered)
        self.assertIn(self.archived.id, offered)
        self.assertIn("becomes a template", offered[self.archived.id])
        self.assertEqual(offered[self.default_template.id], self.default_template.name)
        # never the superuser nor the template of new users, nor active or portal users
        for user in (
            self.Users.browse(SUPERUSER_ID),
            self.env.ref("base.default_user"),
            self.admin,
            self.portal,
        ):
            self.assertNotIn(user.id, offered)
        # typing part of the name finds it
        self.assertEqual(list(self._selector("Desk")), [self.archived.id])

    def test_choosing_an_archived_user_makes_it_a_template(self):
        self.portal.with_user(self.admin).switch_template_id = self.archived
        self.assertEqual(self.portal.switch_template_id, self.archived)
        self.assertTrue(self.archived.is_access_right_template)
        self.assertFalse(self.archived.active)
        self.assertFalse(self.archived.partner_id.active)
        self.assertEqual(self.portal._access_right_template_effective(), self.archived)
        self.assertTrue(self.archived._access_right_template_validate())
        self.assertIn(
            self.env.ref("base.group_partner_manager"),
            self.archived._access_right_template_groups(),
        )

    def test_archived_administrator_refused_and_nothing_changes(self):
        archived_admin = new_test_user(
            self.env, "sel_old_admin", groups="base.group_user,base.group_system"
        )
        archived_admin.action_archive()
        with self.assertRaises(ValidationError) as cm:
            self.portal.with_user(self.admin).switch_template_id = archived_admin
        self.assertIn("grants administration rights", str(cm.exception))
        self.assertIn("Allows administration rights", str(cm.exception))
        self.env.invalidate_all()
        self.assertFalse(self.portal.switch_template_id)
        self.assertFalse(archived_admin.is_access_right_template)
        # once its administrator deliberately allows it, it can be chosen
        archived_admin.with_user(self.admin).write(
            {"is_access_right_template": True, "allow_administration_rights": True}
        )
        self.portal.with_user(self.admin).switch_template_id = archived_admin
        self.assertEqual(self.portal.switch_template_id, archived_admin)

    def test_active_or_reserved_users_refused(self):
        for user in (
            self.admin,
            self.Users.browse(SUPERUSER_ID),
            self.env.ref("base.default_user"),
        ):
            with self.subTest(user=user.login):
                with self.assertRaises(ValidationError) as cm:
                    self.portal.with_user(self.admin).switch_template_id = user
                self.assertIn(
                    "cannot be a Template for Switch to Internal", str(cm.exception)
                )
                self.env.invalidate_all()
                self.assertFalse(self.portal.switch_template_id)
                self.assertFalse(user.is_access_right_template)

    def test_use_as_template_button(self):
        self.archived.with_user(self.admin).action_use_as_access_right_template()
        self.assertTrue(self.archived.is_access_right_template)
        self.assertFalse(self.archived.partner_id.active)
        action = self.env.ref("access_right_template.action_access_right_templates")
        listed = self.Users.with_user(self.admin).search(safe_eval(action.domain))
        self.assertIn(self.archived, listed)
        # an active user is refused, and stays what it was
        with self.assertRaises(UserError) as cm:
            self.admin.with_user(self.admin).action_use_as_access_right_template()
        self.assertIn("Only an archived internal user", str(cm.exception))
        self.assertFalse(self.admin.is_access_right_template)
        self.assertTrue(self.admin.active)

    def test_templates_list_shows_archived_internal_users(self):
        action = self.env.ref("access_right_template.action_access_right_templates")
        listed = self.Users.with_user(self.admin).search(safe_eval(action.domain))
        self.assertIn(self.archived, listed)
        self.assertIn(self.default_template, listed)
        self.assertNotIn(self.env.ref("base.default_user"), listed)
        self.assertNotIn(self.portal, listed)
        self.assertNotIn(self.admin, listed)

    def test_internal_user_cannot_adopt(self):
        internal = new_test_user(self.env, "sel_internal", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.portal.with_user(internal).write(
                {"switch_template_id": self.archived.id}
            )
        with self.assertRaises(AccessError):
            self.archived.with_user(internal).action_use_as_access_right_template()
        self.env.invalidate_all()
        self.assertFalse(self.archived.is_access_right_template)
        self.assertFalse(self.portal.switch_template_id)
