# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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
        cls.portal.partner_id.write(
            {
                "email": "jane@example.com",
                "phone": "+33 1 23 45 67 89",
                "street": "1 rue de la Paix",
                "city": "Paris",
                "zip": "75002",
                "country_id": cls.env.ref("base.fr").id,
                "lang": "en_US",
            }
        )
        # start_tour logs in with the login as password
        cls.portal.password = "pfa_portal"
        cls._make_group({"street2": "write", "lang": "write"}, users=cls.portal)

    def test_tour_street2_and_lang(self):
        self.start_tour(
            "/my/account",
            "portal_field_access_tour",
            login="pfa_portal",
        )
        partner = self.portal.partner_id
        self.env.invalidate_all()
        # the contact shows the new street 2 and language
        self.assertEqual(partner.street2, "Building B, 2nd floor")
        self.assertEqual(partner.lang, "fr_FR")
        self.assertEqual(self.portal.lang, "fr_FR")
