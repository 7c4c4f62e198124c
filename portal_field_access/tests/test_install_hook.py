# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.portal_field_access.hooks import post_init_hook


@tagged("post_install", "-at_install")
class TestInstallHook(TransactionCase):
    """Installing this addon installs partner_firstname, which splits every contact's
    name; access right templates (when installed) get theirs back whole."""

    def test_split_template_name_mended_at_install(self):
        template = self.env.ref(
            "access_right_template.template_internal_from_portal",
            raise_if_not_found=False,
        )
        if not template:
            self.skipTest("access_right_template is not installed")
        name = template.name
        first, last = name.split(" ", 1)
        # what partner_firstname's installation does to every name it finds
        template.partner_id.write({"firstname": first, "lastname": last})
        person = self.env["res.partner"].create({"name": "Jane Doe"})
        post_init_hook(self.env)
        self.assertEqual(template.partner_id.firstname, False)
        self.assertEqual(template.partner_id.lastname, name)
        self.assertEqual(template.name, name)
        self.assertEqual((person.firstname, person.lastname), ("Jane", "Doe"))
