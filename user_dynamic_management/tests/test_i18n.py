# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import html

from odoo import http
from odoo.tests import HttpCase, tagged

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestFrench(UdmCommon, HttpCase):
    """The addon's screens and messages in French (Dutch and Indonesian use the same
    mechanism: one .po file per language).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"].search(
            [("name", "=", "user_dynamic_management")]
        )._update_translations(["fr_FR"])
        (cls.portal_user | cls.portal_user2).write({"lang": "fr_FR"})
        cls._udm_confirm_password(cls, False)

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}_pw_123")

    def test_portal_card_in_french(self):
        self._udm_set_quota(3, 10)
        self._login(self.portal_user)
        page = self.url_open("/my").text
        self.assertIn("Passer en utilisateur interne", page)
        self.assertIn("Accès interne", page)
        self.assertIn("après 5 min sans activité.", page)
        self.assertIn("(modèle UDM Template)", page)
        self.assertIn("Au plus 3 utilisateurs peuvent passer en interne toutes", page)
        for english in ("Switch to Internal User", "without activity", "At most"):
            self.assertNotIn(english, page)

    def test_refusal_message_in_french(self):
        self._udm_set_quota(1, 2)
        self.portal_user2._udm_switch_to_internal()
        self._login(self.portal_user)
        self.url_open(
            "/my/switch_to_internal",
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.env.invalidate_all()
        self.assertTrue(self.portal_user.share)
        page = html.unescape(self.url_open("/my").text)
        self.assertIn("Trop d'utilisateurs sont passés en interne récemment", page)
        self.assertIn("Vous pourrez passer en interne dans", page)

    def test_backend_views_in_french(self):
        Users = self.env["res.users"].with_context(lang="fr_FR")
        fields = Users.fields_get(["allow_portal_access_internal", "idle_time"])
        self.assertEqual(
            fields["allow_portal_access_internal"]["string"],
            "Autoriser l'accès interne depuis le portail",
        )
        self.assertEqual(fields["idle_time"]["string"], "Temps d'inactivité")
        settings = (
            self.env["res.config.settings"]
            .with_context(lang="fr_FR")
            .get_views([(False, "form")])
        )
        arch = settings["views"]["form"]["arch"]
        self.assertIn("Utilisateurs du portail passant en interne", arch)
        self.assertNotIn("Portal users switching to internal", arch)
        reason = (
            self.env["portal.internal.switch"]
            .with_context(lang="fr_FR")
            .fields_get(["reason"])["reason"]
        )
        self.assertEqual(reason["string"], "Motif")
        self.assertIn(["idle", "Inactivité"], [list(s) for s in reason["selection"]])
