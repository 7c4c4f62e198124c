# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import xmlrpc.client

from odoo import http
from odoo.exceptions import AccessDenied
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import PASSWORD, PortalFieldAccessHttpCommon

REFUSED = "You are not allowed to change"


@tagged("post_install", "-at_install")
class TestPortalChannels(PortalFieldAccessHttpCommon, HttpCase):
    """One rule on every channel: My Account, /my/security, JSON-RPC, XML-RPC.

    Every request is made as the portal user (the lowest-privileged user who
    may log in); each refusal asserts the message and that nothing changed.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_pfa_common()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls._write_portal_address(firstname="Jane", lastname="Portal", lang="en_US")
        cls.other_portal.partner_id.email = "someone.else@example.com"

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _snapshot(self):
        self.env.invalidate_all()
        partner = self.portal.partner_id
        return {
            "login": self.portal.login,
            "lang": self.portal.lang,
            "name": partner.name,
            "firstname": partner.firstname,
            "lastname": partner.lastname,
            "email": partner.email,
            "phone": partner.phone,
            "city": partner.city,
            "street2": partner.street2,
        }

    def _assert_refused_everywhere(self, model, method, args, message=REFUSED):
        """The same call is refused over JSON-RPC and XML-RPC, changing nothing."""
        before = self._snapshot()
        self.authenticate("pfa_portal", PASSWORD)
        with mute_logger(
            "odoo.http", "odoo.addons.portal_field_access.models.res_users"
        ):
            body = self._jsonrpc(model, method, *args)
        self.assertIn("error", body, body)
        self.assertIn(message, body["error"]["data"]["message"])
        self.assertEqual(self._snapshot(), before)
        with (
            mute_logger(
                "odoo.http", "odoo.addons.portal_field_access.models.res_users"
            ),
            self.assertRaises(xmlrpc.client.Fault) as fault,
        ):
            self._xmlrpc(model, method, *args)
        self.assertIn(message, fault.exception.faultString)
        self.assertEqual(self._snapshot(), before)
        self._assert_password_is(PASSWORD)

    def _notes(self):
        """Bodies of the audit notes on the contact."""
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.portal.partner_id.id),
                ("body", "ilike", "Profile changed"),
            ]
        )
        return "\n".join(str(body) for body in messages.mapped("body"))

    # ------------------------------------------------------------------
    # finding 5: names
    # ------------------------------------------------------------------
    def test_rpc_name_needs_the_name_rights(self):
        self._grant({"firstname": "write", "street2": "write"})
        # the full name splits into a first (allowed) and last name (not)
        self._assert_refused_everywhere(
            "res.users", "write", [[self.portal.id], {"name": "Jane Hacker"}]
        )

    def test_my_account_stock_name_needs_the_name_rights(self):
        self._grant({"firstname": "read", "lastname": "read", "city": "write"})
        self.authenticate("pfa_portal", PASSWORD)
        before = self._snapshot()
        response = self._account_post({"name": "Jane Hacker"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(REFUSED, response.text)
        self.assertIn("Last Name", response.text)
        self.assertEqual(self._snapshot(), before)

    def test_names_are_bounded_on_every_channel(self):
        """Even with the right (default group), 10,000 characters are refused."""
        huge = "x" * 10000
        self._assert_refused_everywhere(
            "res.users", "write", [[self.portal.id], {"name": f"Jane {huge}"}],
            "too long",
        )  # fmt: skip
        before = self._snapshot()
        response = self._account_post({"firstname": "Jane", "lastname": huge})
        self.assertEqual(response.status_code, 200)
        self.assertIn("too long", response.text)
        self.assertEqual(self._snapshot(), before)

    def test_rpc_name_allowed_by_default_and_logged(self):
        self.authenticate("pfa_portal", PASSWORD)
        body = self._jsonrpc(
            "res.users", "write", [self.portal.id], {"name": "Jane Portalis"}
        )
        self.assertTrue(body.get("result"), body)
        self.env.invalidate_all()
        self.assertEqual(self.portal.partner_id.lastname, "Portalis")
        self.assertIn("Portal \N{RIGHTWARDS ARROW} Portalis", self._notes())

    # ------------------------------------------------------------------
    # finding 6: password
    # ------------------------------------------------------------------
    def test_rpc_change_password_needs_the_right(self):
        self._grant({"street2": "write"})
        self._assert_refused_everywhere(
            "res.users", "change_password", [PASSWORD, "pfa_hacked_pwd"]
        )

    def test_my_security_needs_the_right(self):
        self._grant({"street2": "write"})
        self.authenticate("pfa_portal", PASSWORD)
        page = self.url_open("/my/security").text
        self.assertNotIn('name="new1"', page)
        before = self._snapshot()
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "old": PASSWORD,
            "new1": "pfa_hacked_pwd",
            "new2": "pfa_hacked_pwd",
        }
        response = self.url_open("/my/security", data=data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(REFUSED, response.text)
        self.assertEqual(self._snapshot(), before)
        self._assert_password_is(PASSWORD)
        with self.assertRaises(AccessDenied):
            self._assert_password_is("pfa_hacked_pwd")

    def test_my_security_by_default_and_logged(self):
        self.authenticate("pfa_portal", PASSWORD)
        self.assertIn('name="new1"', self.url_open("/my/security").text)
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "old": PASSWORD,
            "new1": "pfa_new_pwd_42",
            "new2": "pfa_new_pwd_42",
        }
        self.assertEqual(self.url_open("/my/security", data=data).status_code, 200)
        self._assert_password_is("pfa_new_pwd_42")
        notes = self._notes()
        self.assertIn("Password changed", notes)
        self.assertNotIn("pfa_new_pwd_42", notes)
        self.assertNotIn(PASSWORD, notes)

    # ------------------------------------------------------------------
    # finding 7: language
    # ------------------------------------------------------------------
    def test_rpc_lang_needs_the_right(self):
        # the default rights do not include the language (stock UI has none)
        self._assert_refused_everywhere(
            "res.users", "write", [[self.portal.id], {"lang": "fr_FR"}]
        )
        self._grant({"lang": "write"})
        self.assertTrue(
            self._xmlrpc("res.users", "write", [self.portal.id], {"lang": "fr_FR"})
        )
        self.env.invalidate_all()
        self.assertEqual(self.portal.lang, "fr_FR")
        # an inactive language is refused, right or not (in the user's new
        # language: the messages are translated)
        self._assert_refused_everywhere(
            "res.users", "write", [[self.portal.id], {"lang": "de_DE"}],
            "La langue de_DE n'est pas disponible.",
        )  # fmt: skip

    # ------------------------------------------------------------------
    # finding 8: login
    # ------------------------------------------------------------------
    def test_login_cannot_take_another_users_login_or_email(self):
        self._grant({"login": "write"})
        self.other_portal.active = False  # archived users count too
        self.authenticate("pfa_portal", PASSWORD)
        for taken in ("SOMEONE.ELSE@example.com", "PFA_Other_Portal"):
            before = self._snapshot()
            response = self._account_post({"login": taken, "login_password": PASSWORD})
            self.assertEqual(response.status_code, 200)
            self.assertIn("already taken", response.text)
            self.assertEqual(self._snapshot(), before)

    def test_login_needs_the_current_password(self):
        self._grant({"login": "write"})
        self.authenticate("pfa_portal", PASSWORD)
        for password, message in (
            ("", "Enter your current password"),
            ("wrong", "current password you provided is incorrect"),
        ):
            before = self._snapshot()
            response = self._account_post(
                {"login": "jane.new@example.com", "login_password": password}
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn(message, response.text)
            self.assertEqual(self._snapshot(), before)

    def test_login_change(self):
        """The e-mail follows an e-mail login (for a user who may change it),
        the old address is warned, the change is logged and confirmed."""
        self._grant({"login": "write", "email": "write"})
        self.authenticate("pfa_portal", PASSWORD)
        response = self._account_post(
            {"login": "Jane.New@example.com", "login_password": PASSWORD}
        )
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        self.env.invalidate_all()
        self.assertEqual(self.portal.login, "Jane.New@example.com")
        self.assertEqual(self.portal.partner_id.email, "Jane.New@example.com")
        notice = self.env["mail.mail"].search([("email_to", "=", "jane@example.com")])
        self.assertEqual(len(notice), 1)
        self.assertIn("Jane.New@example.com", notice.body_html)
        self.assertIn(
            "pfa_portal \N{RIGHTWARDS ARROW} Jane.New@example.com", self._notes()
        )
        # the session survives and the next page confirms
        home = self.url_open("/my/home")
        self.assertTrue(home.url.endswith("/my/home"), home.url)
        self.assertIn("Your login was changed.", home.text)
        self.assertNotIn("Your login was changed.", self.url_open("/my/home").text)

    def test_save_is_confirmed_once(self):
        """An ordinary save says so on the page it lands on, once."""
        self.authenticate("pfa_portal", PASSWORD)
        response = self._account_post({})
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        home = self.url_open("/my/home")
        self.assertIn("Your details were saved.", home.text)
        self.assertNotIn("Your details were saved.", self.url_open("/my/home").text)

    # ------------------------------------------------------------------
    # finding 10 and polish
    # ------------------------------------------------------------------
    def test_refused_form_with_page_variable_keys(self):
        """Keys named like page variables are refused, not a 500."""
        self._grant({"street2": "write", "siret": "read"})
        self.authenticate("pfa_portal", PASSWORD)
        before = self._snapshot()
        for extra in (
            {"user_id": "1", "siret": "55210055400013"},
            {"user_id": "1", "partner": "x", "sales_user": "x", "street2": "B"},
        ):
            response = self._account_post(extra)
            self.assertEqual(response.status_code, 200)
            self.assertIn("alert-danger", response.text)
            self.assertEqual(self._snapshot(), before)

    def test_read_only_empty_value_shows_a_dash(self):
        self._grant({"street2": "read", "siret": "read"})
        self.authenticate("pfa_portal", PASSWORD)
        html = self.url_open("/my/account").text
        self.assertRegex(html, 'id="pfa_street2"[^>]*value="\N{EM DASH}"')

    def test_my_account_changes_are_logged(self):
        self.authenticate("pfa_portal", PASSWORD)
        response = self._account_post(
            {
                "phone": "+33 6 00 00 00 00",
                "old_password": PASSWORD,
                "new_password": "pfa_new_pwd_42",
                "confirm_password": "pfa_new_pwd_42",
            }
        )
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        notes = self._notes()
        self.assertIn(
            "Phone: +33 1 23 45 67 89 \N{RIGHTWARDS ARROW} +33 6 00 00 00 00", notes
        )
        self.assertIn("Password changed", notes)
        self.assertNotIn("pfa_new_pwd_42", notes)
        self.assertIn("Your password was changed.", self.url_open("/my/home").text)

    def test_my_account_in_french(self):
        """The page's own terms are translated (i18n/fr.po)."""
        self.env["ir.module.module"]._load_module_terms(
            ["portal_field_access"], ["fr_FR"]
        )
        self.portal.lang = "fr_FR"
        self.authenticate("pfa_portal", PASSWORD)
        html = self.url_open("/fr/my/account").text
        # the default group's form: one Name field
        for term in (">Nom</label>", "Code postal", "Changer de mot de passe"):
            self.assertIn(term, html)
        self._make_group({"firstname": "write", "lastname": "read"}, users=self.portal)
        html = self.url_open("/fr/my/account").text
        self.assertIn(">Prénom</label>", html)
        self.assertNotIn('name="name"', html)
