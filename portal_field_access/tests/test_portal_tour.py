# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import PortalFieldAccessCommon


@tagged("post_install", "-at_install")
class TestPortalFieldAccessTour(PortalFieldAccessCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_pfa_common()
        cls.env["res.lang"]._activate_lang("fr_FR")
        # French terms of the portal pages, to see the language on the page
        cls.env["ir.module.module"]._load_module_terms(["portal"], ["fr_FR"])
        cls._write_portal_address(lang="en_US")
        # start_tour logs in with the login as password
        cls.portal.password = "pfa_portal"

    def test_default_rights_tour(self):
        """A fresh install: a portal user nobody configured edits My Account."""
        self.start_tour(
            "/my/account", "portal_field_access_default_rights", login="pfa_portal"
        )
        partner = self.portal.partner_id
        self.env.invalidate_all()
        self.assertEqual(
            (partner.firstname, partner.lastname, partner.phone, partner.city),
            ("Janet", "Portalis", "+33 6 11 22 33 44", "Lyon"),
        )

    def test_seed_001_tour(self):
        """Seed 001: the admin creates a group from its form, then the portal
        user sees Read fields and edits Write fields on My Account."""
        self.start_tour(
            "/web#action=portal_field_access.portal_access_group_action",
            "portal_field_access_group_form",
            login="admin",
        )
        group = self.env["portal.access.group"].search(
            [("name", "=", "Customers seed 001")]
        )
        self.assertEqual(group.user_ids, self.portal)
        self.assertEqual(
            self.portal._portal_field_access(),
            {
                "login": "read",
                "firstname": "write",
                "lastname": "read",
                "street2": "write",
                "lang": "write",
            },
        )
        self.start_tour("/my/account", "portal_field_access_tour", login="pfa_portal")
        partner = self.portal.partner_id
        self.env.invalidate_all()
        # the contact shows the new first name, street 2 and language
        self.assertEqual(partner.firstname, "Janet")
        self.assertEqual(partner.lastname, "Portal")
        self.assertEqual(partner.street2, "Building B, 2nd floor")
        self.assertEqual(partner.lang, "fr_FR")
        self.assertEqual(self.portal.lang, "fr_FR")
