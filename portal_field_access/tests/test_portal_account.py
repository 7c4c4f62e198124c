# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo.exceptions import AccessDenied
from odoo.tests import HttpCase, tagged

from .common import STANDARD_RIGHTS, PortalFieldAccessHttpCommon

VALID_SIRET = "73282932000074"
REFUSED = "You are not allowed to change"


@tagged("post_install", "-at_install")
class TestPortalAccountHttp(PortalFieldAccessHttpCommon, HttpCase):
    """/my/account as a portal user, for each field: no right, read, write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_pfa_common()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls._write_portal_address(street2="Bat. A", siret=VALID_SIRET, lang="en_US")

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _login(self):
        self.authenticate("pfa_portal", "pfa_portal_pwd1")

    def _get(self):
        response = self.url_open("/my/account", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        return response.text

    def _post(self, extra, **stock):
        """POST the stock form as the browser would, plus ``extra``."""
        partner = self.portal.partner_id
        data = {
            "name": partner.name,
            "state_id": "",
            "vat": partner.vat or "",
            "company_name": partner.commercial_company_name or "",
        }
        data.update(stock)
        data.update(extra)
        return self._account_post(data)

    def _snapshot(self):
        self.env.invalidate_all()
        partner = self.portal.partner_id
        return {
            "login": self.portal.login,
            "user_lang": self.portal.lang,
            "partner_lang": partner.lang,
            "firstname": partner.firstname,
            "lastname": partner.lastname,
            "name": partner.name,
            "street2": partner.street2,
            "siret": partner.siret,
            "city": partner.city,
            "email": partner.email,
            "phone": partner.phone,
            "country": partner.country_id.id,
        }

    def _assert_refused(self, extra, message=REFUSED, **stock):
        before = self._snapshot()
        response = self._post(extra, **stock)
        self.assertEqual(response.status_code, 200, "refused: no redirect")
        self.assertIn(message, response.text)
        self.assertEqual(self._snapshot(), before, "nothing was saved")
        self._assert_password_is("pfa_portal_pwd1")
        return response

    def _assert_saved(self, extra, **stock):
        response = self._post(extra, **stock)
        self.assertEqual(response.status_code, 303, response.text[-3000:])
        self.assertTrue(response.headers["Location"].endswith("/my/home"))
        self.env.invalidate_all()
        return response

    def _assert_absent(self, html, *names):
        for name in names:
            self.assertNotIn(f'name="{name}"', html)
            self.assertNotIn(f'id="pfa_{name}"', html)

    def _assert_read_only(self, html, name, value):
        self.assertNotIn(f'name="{name}"', html)
        self.assertIn(f'id="pfa_{name}"', html)
        self.assertIn(value, html)

    def _assert_writable(self, html, name):
        self.assertIn(f'name="{name}"', html)

    # ------------------------------------------------------------------
    # login
    # ------------------------------------------------------------------
    def test_login_no_right(self):
        self._grant({"street2": "write"})
        self._login()
        self._assert_absent(self._get(), "login")
        self._assert_refused({"login": "pfa_hacked"})

    def test_login_read_only(self):
        self._grant({"login": "read"})
        self._login()
        self._assert_read_only(self._get(), "login", "pfa_portal")
        self._assert_refused({"login": "pfa_hacked"})

    def test_login_write(self):
        self._grant({"login": "write"})
        self._login()
        self._assert_writable(self._get(), "login")
        self._assert_saved(
            {"login": "pfa_portal_renamed", "login_password": "pfa_portal_pwd1"}
        )
        self.assertEqual(self.portal.login, "pfa_portal_renamed")
        # the login is part of the session token: the session stays valid
        self.assertIn('value="pfa_portal_renamed"', self._get())

    def test_login_taken(self):
        self._grant({"login": "write", "city": "write"})
        self._login()
        response = self._assert_refused(
            {"login": "PFA_Other_Portal", "login_password": "pfa_portal_pwd1"},
            "already taken",
            city="Lyon",
        )
        # the user's input is kept on the page
        self.assertIn('value="PFA_Other_Portal"', response.text)
        self.assertIn('value="Lyon"', response.text)
        self._assert_refused({"login": "  "}, "cannot be empty")

    # ------------------------------------------------------------------
    # password
    # ------------------------------------------------------------------
    def _password_post(self, old="pfa_portal_pwd1", new="pfa_new_pwd_42", confirm=None):
        return {
            "old_password": old,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        }

    def test_password_no_right(self):
        self._grant({"street2": "write"})
        self._login()
        self._assert_absent(self._get(), "old_password", "new_password")
        self._assert_refused(self._password_post())

    def test_password_read_only(self):
        # Read alone on a password gives nothing: the value is never shown
        self._grant({"password": "read"})
        self._login()
        html = self._get()
        self._assert_absent(html, "old_password", "new_password", "password")
        self._assert_refused(self._password_post())

    def test_password_write(self):
        self._grant({"password": "write"})
        self._login()
        self._assert_writable(self._get(), "new_password")
        # an empty password block changes nothing (autofilled current password)
        self._assert_saved(self._password_post(new=""))
        self._assert_password_is("pfa_portal_pwd1")
        self._assert_saved(self._password_post())
        self._assert_password_is("pfa_new_pwd_42")
        with self.assertRaises(AccessDenied):
            self._assert_password_is("pfa_portal_pwd1")
        # the session survives the change (token re-synced)
        self.assertIn('name="new_password"', self._get())

    def test_password_wrong_current(self):
        self._grant({"password": "write", "street2": "write"})
        self._login()
        self._assert_refused(
            dict(self._password_post(old="not my password"), street2="Changed"),
            "current password you provided is incorrect",
        )
        self._assert_refused(
            self._password_post(confirm="something else"), "must be identical"
        )
        self._assert_refused(self._password_post(old=""), "current password")

    # ------------------------------------------------------------------
    # first name / last name
    # ------------------------------------------------------------------
    def test_firstname_no_right(self):
        self._grant({"lastname": "write"})
        self._login()
        self._assert_absent(self._get(), "firstname")
        self._assert_refused({"firstname": "Hacked"})

    def test_firstname_read_only(self):
        self.portal.partner_id.write({"firstname": "Janet", "lastname": "Doe"})
        self._grant({"firstname": "read"})
        self._login()
        self._assert_read_only(self._get(), "firstname", 'value="Janet"')
        self._assert_refused({"firstname": "Hacked"})

    def test_firstname_write(self):
        self.portal.partner_id.write({"firstname": "Janet", "lastname": "Doe"})
        self._grant({"firstname": "write"})
        self._login()
        self._assert_writable(self._get(), "firstname")
        self._assert_saved({"firstname": "Joanna"})
        self.assertEqual(self.portal.partner_id.firstname, "Joanna")
        self.assertEqual(self.portal.partner_id.lastname, "Doe")
        self.assertIn("Joanna", self.portal.partner_id.name)

    def test_lastname_no_right(self):
        self._grant({"firstname": "write"})
        self._login()
        self._assert_absent(self._get(), "lastname")
        self._assert_refused({"lastname": "Hacked"})

    def test_lastname_read_only(self):
        self.portal.partner_id.write({"firstname": "Janet", "lastname": "Doe"})
        self._grant({"lastname": "read"})
        self._login()
        self._assert_read_only(self._get(), "lastname", 'value="Doe"')
        self._assert_refused({"lastname": "Hacked"})

    def test_lastname_write(self):
        self.portal.partner_id.write({"firstname": "Janet", "lastname": "Doe"})
        self._grant({"lastname": "write", "firstname": "write"})
        self._login()
        self._assert_writable(self._get(), "lastname")
        self._assert_saved({"lastname": "Martin"})
        self.assertEqual(self.portal.partner_id.lastname, "Martin")
        self.assertEqual(self.portal.partner_id.firstname, "Janet")
        # a person keeps at least one name
        self._assert_refused({"lastname": "", "firstname": " "}, "first name or a last")

    # ------------------------------------------------------------------
    # language
    # ------------------------------------------------------------------
    def test_lang_no_right(self):
        self._grant({"street2": "write"})
        self._login()
        self._assert_absent(self._get(), "lang")
        self._assert_refused({"lang": "fr_FR"})

    def test_lang_read_only(self):
        self._grant({"lang": "read"})
        self._login()
        self._assert_read_only(self._get(), "lang", "English (US)")
        self._assert_refused({"lang": "fr_FR"})

    def test_lang_write(self):
        self._grant({"lang": "write"})
        self._login()
        html = self._get()
        self._assert_writable(html, "lang")
        self.assertIn('value="fr_FR"', html)
        # inactive languages are not offered
        self.assertNotIn('value="de_DE"', html)
        response = self._assert_saved({"lang": "fr_FR"})
        self.assertEqual(self.portal.lang, "fr_FR")
        self.assertEqual(self.portal.partner_id.lang, "fr_FR")
        self.assertIn("frontend_lang=fr_FR", response.headers.get("Set-Cookie", ""))
        # the next page is in French
        response = self.url_open("/my/home")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/fr/my/home"), response.url)
        self.assertIn('"bundle_params": {"lang": "fr_FR"}', response.text)

    def test_lang_unknown(self):
        self._grant({"lang": "write"})
        self._login()
        self._assert_refused({"lang": "xx_XX"}, "is not available")
        # installed but inactive
        self._assert_refused({"lang": "de_DE"}, "is not available")

    # ------------------------------------------------------------------
    # street 2
    # ------------------------------------------------------------------
    def test_street2_no_right(self):
        self._grant({"siret": "write"})
        self._login()
        html = self._get()
        self._assert_absent(html, "street2")
        self.assertNotIn("Bat. A", html)
        self._assert_refused({"street2": "Hacked"})

    def test_street2_read_only(self):
        self._grant({"street2": "read"})
        self._login()
        self._assert_read_only(self._get(), "street2", 'value="Bat. A"')
        self._assert_refused({"street2": "Hacked"})

    def test_street2_write(self):
        self._grant({"street2": "write", "city": "write"})
        self._login()
        self._assert_writable(self._get(), "street2")
        # stock fields are saved along with ours
        self._assert_saved({"street2": "Bat. B"}, city="Lyon")
        self.assertEqual(self.portal.partner_id.street2, "Bat. B")
        self.assertEqual(self.portal.partner_id.city, "Lyon")

    def test_street2_too_long(self):
        self._grant({"street2": "write"})
        self._login()
        self._assert_refused({"street2": "x" * 500}, "too long")

    # ------------------------------------------------------------------
    # SIRET
    # ------------------------------------------------------------------
    def test_siret_no_right(self):
        self._grant({"street2": "write"})
        self._login()
        html = self._get()
        self._assert_absent(html, "siret")
        self.assertNotIn(VALID_SIRET, html)
        self._assert_refused({"siret": "55210055400013"})

    def test_siret_read_only(self):
        self._grant({"siret": "read"})
        self._login()
        self._assert_read_only(self._get(), "siret", VALID_SIRET)
        self._assert_refused({"siret": "55210055400013"})

    def test_siret_write(self):
        self._grant({"siret": "write"})
        self._login()
        self._assert_writable(self._get(), "siret")
        self._assert_saved({"siret": "552 100 554 00013"})
        self.assertEqual(self.portal.partner_id.siret, "55210055400013")

    def test_siret_invalid(self):
        self._grant({"siret": "write", "street2": "write"})
        self._login()
        response = self._assert_refused(
            {"siret": "12345678901234", "street2": "Changed"}, "is not valid"
        )
        self.assertIn('value="12345678901234"', response.text)
        self.assertIn('value="Changed"', response.text)
        self._assert_refused({"siret": "1234"}, "is not valid")

    # ------------------------------------------------------------------
    # mixed and other users
    # ------------------------------------------------------------------
    def test_forged_field_refuses_whole_form(self):
        """One forbidden field refuses the allowed ones and the stock ones."""
        self._grant({"street2": "write", "siret": "read"})
        self._login()
        self._assert_refused({"street2": "Bat. B", "siret": "55210055400013"}, city="X")

    def test_csrf_required(self):
        self._grant({"street2": "write"})
        self._login()
        data = {"street2": "Bat. B", "csrf_token": "forged"}
        response = self.url_open("/my/account", data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.env.invalidate_all()
        self.assertEqual(self.portal.partner_id.street2, "Bat. A")

    def test_default_rights_keep_stock_form(self):
        """Nobody configured this user: the stock fields, all editable."""
        self.assertEqual(self.portal._portal_field_access(), STANDARD_RIGHTS)
        self._login()
        html = self._get()
        # one Name field, as in stock Odoo (partner_firstname splits it)
        for name in ("name", "email", "phone", "street", "city"):
            self._assert_writable(html, name)
        for name in ("zipcode", "country_id", "state_id", "vat", "company_name"):
            self._assert_writable(html, name)
        self._assert_writable(html, "new_password")
        self._assert_absent(html, "firstname", "lastname")
        self._assert_absent(html, "login", "lang", "street2", "siret")
        self._assert_saved({}, city="Lyon", name="Janet Portalis")
        partner = self.portal.partner_id
        self.assertEqual(partner.city, "Lyon")
        self.assertEqual(partner.name, "Janet Portalis")
        self.assertEqual((partner.firstname, partner.lastname), ("Janet", "Portalis"))

    def test_default_rights_empty_name_refused(self):
        """The stock Name field may not be emptied: a clear message, no change."""
        self._login()
        before = self._snapshot()
        response = self._post({}, name="  ")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Please enter a first name or a last name.", response.text)
        self.assertIn("o_pfa_row_name o_has_error", response.text)
        self.assertEqual(self._snapshot(), before)

    def test_configured_group_shows_first_and_last_name(self):
        """A group of the admin's own (seed 001) shows the two fields, even when
        it grants the same rights as the default group."""
        self._grant({"firstname": "write", "lastname": "write"})
        self._login()
        html = self._get()
        self._assert_writable(html, "firstname")
        self._assert_writable(html, "lastname")
        self._assert_absent(html, "name")

    def test_country_and_state_choices_searched_once(self):
        """The country and state selects list every country and state, from the
        records the stock controller already searched: one search each, as on
        stock My Account."""
        self._grant({"country_id": "write", "state_id": "write"})
        self._login()
        Country = type(self.env["res.country"])
        State = type(self.env["res.country.state"])
        searched = []
        search_fetch = {Country: Country.search_fetch, State: State.search_fetch}

        def counting(model_class):
            def search_fetch_counted(records, domain, *args, **kwargs):
                searched.append(records._name)
                return search_fetch[model_class](records, domain, *args, **kwargs)

            return search_fetch_counted

        with (
            patch.object(Country, "search_fetch", counting(Country)),
            patch.object(State, "search_fetch", counting(State)),
        ):
            html = self._get()
        self.assertEqual(sorted(searched), ["res.country", "res.country.state"])
        belgium = self.env.ref("base.be")
        self.assertIn(f'<option value="{belgium.id}">{belgium.name}</option>', html)
        self.assertIn(f'value="{self.env.ref("base.fr").id}" selected', html)
        state = self.env["res.country.state"].search([], limit=1)
        self.assertIn(f'data-country_id="{state.country_id.id}"', html)

    def test_stock_validation_keeps_our_input(self):
        self._grant({"street2": "write", "email": "write"})
        self._login()
        before = self._snapshot()
        response = self._post({"street2": "Bat. C"}, email="not-an-email")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Invalid Email", response.text)
        self.assertIn('value="Bat. C"', response.text)
        self.assertEqual(self._snapshot(), before)

    def test_internal_user_unaffected(self):
        self._make_group({"street2": "write"}, all_portal_users=True)
        self.internal.partner_id.street2 = "Internal street"
        self.authenticate("pfa_internal", "pfa_internal")
        html = self._get()
        self.assertNotIn("o_portal_field_access", html)
        self.assertNotIn('name="street2"', html)
