# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAccessRightTemplateTour(HttpCase):
    """The documentation's steps 1-2 and the template form, in the browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Users = cls.env["res.users"].with_context(active_test=False)
        # the fixture: the steps under test are done in the browser
        cls.portal = new_test_user(
            cls.env,
            "art_tour_portal",
            name="Portal Seed Customer",
            groups="base.group_portal",
        )

    def test_seed_steps_in_browser(self):
        """Create an internal user, tick a group, save, archive it, then pick it as
        a portal user's Template for Switch to Internal by typing part of its
        name."""
        self.start_tour(
            "/web?debug=1#action=base.action_res_users",
            "access_right_template_seed_steps",
            login="admin",
        )
        template = self.Users.search([("login", "=", "art_seed_template")])
        self.assertEqual(template.name, "Seed Sales Desk")
        self.assertEqual(self.portal.switch_template_id, template)
        self.assertTrue(template.is_access_right_template)
        self.assertFalse(template.active)
        self.assertFalse(template.share)
        self.assertIn(
            self.env.ref("base.group_multi_currency"),
            template._access_right_template_groups(),
        )
        self.assertEqual(self.portal._access_right_template_effective(), template)

    def test_create_template_from_user_in_browser(self):
        """Create Access Right Template lands on the full template form: groups
        and template flags, a Template badge, no invitation or login."""
        user = new_test_user(
            self.env,
            "art_tour_source",
            name="Source Clerk",
            groups="base.group_user,base.group_partner_manager",
        )
        self.start_tour(
            f"/web#id={user.id}&model=res.users&view_type=form"
            f"&action=base.action_res_users",
            "access_right_template_create_from_user",
            login="admin",
        )
        template = self.Users.search(
            [("is_access_right_template", "=", True), ("name", "like", "Source Clerk")]
        )
        self.assertEqual(len(template), 1)
        self.assertEqual(
            template._access_right_template_groups(),
            user.groups_id | user.groups_id.trans_implied_ids,
        )

    def test_new_template_from_menu_in_browser(self):
        """Settings > Users & Companies > Access Right Templates > New opens the
        template form; saving gives an archived template."""
        self.start_tour(
            "/web#action=access_right_template.action_access_right_templates",
            "access_right_template_new_from_menu",
            login="admin",
        )
        template = self.Users.search([("name", "=", "Warehouse Helpers")])
        self.assertEqual(len(template), 1)
        self.assertTrue(template.is_access_right_template)
        self.assertFalse(template.active)
        self.assertFalse(template.share)
        self.assertFalse(template.partner_id.active)
        self.assertTrue(template.login.startswith("access-right-template-"))
