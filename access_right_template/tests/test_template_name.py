# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.access_right_template.hooks import post_init_hook

FRENCH_NAME = "Modèle pour utilisateur interne depuis le portail"


@tagged("post_install", "-at_install")
class TestTemplateName(TransactionCase):
    """A template names a set of access rights: in the database's language, whole."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True))
        cls.Users = cls.env["res.users"].with_context(active_test=False)
        cls.default_template = cls.env.ref(
            "access_right_template.template_internal_from_portal"
        )
        cls.admin_user = cls.env.ref("base.user_admin")
        cls.manager = new_test_user(
            cls.env,
            "art_name_manager",
            groups="base.group_user,base.group_erp_manager",
        )

    def _install_hook(self, lang):
        """The installation's hook, on a database whose administrator uses `lang`."""
        self.admin_user.lang = lang
        post_init_hook(self.env)

    @mute_logger("odoo.addons.base.models.res_lang")
    def test_default_template_named_in_the_database_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.default_template.name = "Template for Internal from Portal"
        self._install_hook("fr_FR")
        self.assertEqual(self.default_template.name, FRENCH_NAME)

    @mute_logger("odoo.addons.base.models.res_lang")
    def test_a_renamed_default_template_keeps_its_name(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.default_template.name = "Volunteers"
        self._install_hook("fr_FR")
        self.assertEqual(self.default_template.name, "Volunteers")

    def test_english_database_keeps_the_english_name(self):
        self.default_template.name = "Template for Internal from Portal"
        self._install_hook("en_US")
        self.assertEqual(
            self.default_template.name, "Template for Internal from Portal"
        )


@tagged("post_install", "-at_install")
class TestTemplateNameWhole(TransactionCase):
    """Where partner_firstname splits contacts' names (portal_field_access brings it),
    a template's name stays whole."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True))
        cls.Users = cls.env["res.users"].with_context(active_test=False)
        cls.manager = new_test_user(
            cls.env,
            "art_whole_manager",
            groups="base.group_user,base.group_erp_manager,base.group_partner_manager",
        )

    def setUp(self):
        super().setUp()
        if "firstname" not in self.env["res.partner"]._fields:
            self.skipTest("partner_firstname is not installed")

    def _names(self, user):
        return user.partner_id.firstname, user.partner_id.lastname

    def test_new_template_name_stays_whole(self):
        template = self.Users.with_user(self.manager).create(
            {
                "name": "Sales Team Template",
                "login": "art_name_sales",
                "is_access_right_template": True,
            }
        )
        self.assertEqual(self._names(template), (False, "Sales Team Template"))
        self.assertEqual(template.name, "Sales Team Template")

    def test_renamed_template_stays_whole(self):
        template = self.Users.with_user(self.manager).create(
            {
                "name": "Helpdesk",
                "login": "art_name_help",
                "is_access_right_template": True,
            }
        )
        template.with_user(self.manager).name = "Helpdesk Second Line"
        self.assertEqual(self._names(template), (False, "Helpdesk Second Line"))

    def test_person_names_are_still_split(self):
        person = new_test_user(self.env, "art_name_person", name="Jane Doe")
        self.assertEqual(self._names(person), ("Jane", "Doe"))
