# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import xmlrpc.client

from odoo import http
from odoo.exceptions import AccessDenied, AccessError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from .common import (
    PASSWORD,
    PortalFieldAccessCommon,
    PortalFieldAccessHttpCommon,
    _patch_temporarily_internal,
)

REFUSED = "You are not allowed to change"
RESET_REFUSED = "cannot be reset here"
UNSAFE = "contains a line break, a control character or a text direction override"
NUL = "a NUL character is not allowed"
TAKEN = "is already taken"
LONG = "x" * 5000
LOGGERS = (
    "odoo.http",
    "odoo.addons.portal_field_access.models.res_users",
    "odoo.addons.auth_signup.controllers.main",
    "odoo.addons.base.models.res_users",
)


@tagged("post_install", "-at_install")
class TestPortalHostile(PortalFieldAccessHttpCommon, HttpCase):
    """What a hostile portal user tries, on every channel: the login page's
    password reset, My Account, /my/security, /web/login, JSON-RPC, XML-RPC.
    Each refusal asserts the message and that no row changed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_pfa_common()
        cls._write_portal_address(
            firstname="Jane", lastname="Portal", street2="Bat. A", lang="en_US"
        )
        cls.internal.partner_id.email = "internal@example.com"
        cls.env["ir.config_parameter"].set_param("auth_signup.reset_password", "True")

    def setUp(self):
        super().setUp()
        # e-mails actually handed to the mail server (test mode sends none)
        self.sent = []
        IrMailServer = type(self.env["ir.mail_server"])

        def send_email(server, message, *args, **kwargs):
            self.sent.append(message["To"])
            return message["Message-Id"]

        self.patch(IrMailServer, "send_email", send_email)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _rows(self):
        """Every row an attack could change, read from the database."""
        self.env.flush_all()
        self.env.invalidate_all()
        cr = self.env.cr
        cr.execute(
            """SELECT id, login, password, active FROM res_users
                WHERE id IN %s ORDER BY id""",
            [(self.portal.id, self.internal.id, self.other_portal.id)],
        )
        users = cr.fetchall()
        cr.execute(
            """SELECT id, name, firstname, lastname, email, phone, street2, siret,
                      city, lang, signup_token, signup_type, signup_expiration
                 FROM res_partner WHERE id IN %s ORDER BY id""",
            [(self.portal.partner_id.id, self.internal.partner_id.id)],
        )
        partners = cr.fetchall()
        cr.execute("SELECT count(*) FROM mail_mail")
        return {"users": users, "partners": partners, "mails": cr.fetchone()}

    def _signup_type(self, user):
        self.env.invalidate_all()
        return user.partner_id.sudo().signup_type

    def _assert_rpc_refused(self, model, method, args, message, over_xmlrpc=True):
        """JSON-RPC (call_kw of the web client) and XML-RPC refuse the call with
        ``message``, and no row changed."""
        before = self._rows()
        self.authenticate("pfa_portal", PASSWORD)
        with mute_logger(*LOGGERS):
            body = self._jsonrpc(model, method, *args)
        self.assertIn("error", body, body)
        self.assertIn(message, body["error"]["data"]["message"])
        self.assertEqual(self._rows(), before)
        if not over_xmlrpc:
            return
        with mute_logger(*LOGGERS), self.assertRaises(xmlrpc.client.Fault) as fault:
            self._xmlrpc(model, method, *args)
        self.assertIn(message, fault.exception.faultString)
        self.assertEqual(self._rows(), before)

    def _assert_form_refused(self, data, *messages):
        before = self._rows()
        with mute_logger(*LOGGERS):
            response = self._account_post(data)
        self.assertEqual(response.status_code, 200, "refused: the form again")
        for message in messages:
            self.assertIn(message, response.text)
        self.assertEqual(self._rows(), before)
        return response

    def _reset_post(self, login):
        self.authenticate(None, None)
        data = {"login": login, "csrf_token": http.Request.csrf_token(self)}
        with mute_logger(*LOGGERS):
            return self.url_open("/web/reset_password", data=data)

    def _assert_reset_refused(self, login):
        before = self._rows()
        response = self._reset_post(login)
        self.assertEqual(response.status_code, 200)
        self.assertIn(RESET_REFUSED, response.text)
        self.assertIn("No e-mail was sent.", response.text)
        self.assertEqual(self._rows(), before, "no signup token, no e-mail")
        self.assertEqual(self.sent, [])

    # ------------------------------------------------------------------
    # 1. the login page's "Reset password" follows the Password right
    # ------------------------------------------------------------------
    def test_reset_password_refused_without_password_right(self):
        self._grant({"street2": "write", "email": "write"})
        # by login and by e-mail, as auth_signup looks the user up
        self._assert_reset_refused("pfa_portal")
        self._assert_reset_refused("jane@example.com")
        self.assertFalse(self._signup_type(self.portal))
        # the same method over RPC (the portal user on themselves)
        self._assert_rpc_refused(
            "res.users", "reset_password", [[], "pfa_portal"], RESET_REFUSED
        )

    def test_reset_password_read_only_password_refused(self):
        self._grant({"password": "read"})
        self._assert_reset_refused("pfa_portal")

    def test_reset_password_default_group_keeps_stock(self):
        """The default group grants the password: stock behaviour, a token and
        an e-mail."""
        response = self._reset_post("pfa_portal")
        self.assertIn("Password reset instructions sent to your email", response.text)
        self.assertEqual(self._signup_type(self.portal), "reset")
        self.assertEqual(self.sent, ["jane@example.com"])

    def test_reset_password_with_the_right(self):
        self._grant({"password": "write"})
        response = self._reset_post("jane@example.com")
        self.assertIn("Password reset instructions sent to your email", response.text)
        self.assertEqual(self._signup_type(self.portal), "reset")

    def test_reset_password_internal_user_keeps_stock(self):
        # even listed in a group without the right: internal users are not governed
        self._grant({"street2": "write"}, user=self.internal)
        response = self._reset_post("pfa_internal")
        self.assertIn("Password reset instructions sent to your email", response.text)
        self.assertEqual(self._signup_type(self.internal), "reset")

    def test_reset_password_temporarily_internal_refused(self):
        self._grant({"street2": "write"}, user=self.internal)
        _patch_temporarily_internal(self, self.internal)
        self._assert_reset_refused("internal@example.com")

    def test_admin_still_sends_reset_instructions(self):
        """The refusal is the login page's: an administrator's reset works."""
        self._grant({"street2": "write"})
        self.portal.with_user(self.env.ref("base.user_admin")).action_reset_password()
        self.assertEqual(self._signup_type(self.portal), "reset")
        self.assertEqual(self.sent, ["jane@example.com"])

    # ------------------------------------------------------------------
    # 2. an e-mail-shaped login does not rewrite a read-only e-mail
    # ------------------------------------------------------------------
    def test_email_login_keeps_read_only_email_on_my_account(self):
        self._grant({"login": "write", "email": "read"})
        self.authenticate("pfa_portal", PASSWORD)
        response = self._account_post(
            {"login": "jane.new@example.com", "login_password": PASSWORD}
        )
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        self.env.invalidate_all()
        self.assertEqual(self.portal.login, "jane.new@example.com")
        self.assertEqual(self.portal.partner_id.email, "jane@example.com")

    def test_email_login_without_email_right_keeps_email(self):
        self._grant({"login": "write"})
        self.authenticate("pfa_portal", PASSWORD)
        response = self._account_post(
            {"login": "jane.new@example.com", "login_password": PASSWORD}
        )
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        self.env.invalidate_all()
        self.assertEqual(self.portal.partner_id.email, "jane@example.com")

    def test_email_login_over_rpc_keeps_read_only_email(self):
        self._grant({"login": "write", "email": "read"})
        # both at once: the e-mail needs its own right
        self._assert_rpc_refused(
            "res.users",
            "write",
            [[self.portal.id], {"login": "j@example.com", "email": "j@example.com"}],
            "You are not allowed to change: Email",
        )
        # the login alone: stock Odoo lets no user write it over RPC
        self._assert_rpc_refused(
            "res.users",
            "write",
            [[self.portal.id], {"login": "j@example.com"}],
            "You are not allowed to modify 'User'",
        )

    # ------------------------------------------------------------------
    # 3. look-alike logins
    # ------------------------------------------------------------------
    def test_look_alike_logins_are_taken_on_my_account(self):
        self._grant({"login": "write"})
        self.authenticate("pfa_portal", PASSWORD)
        for look_alike in (
            "admin\u200b",  # zero-width space
            "\uff41\uff44\uff4d\uff49\uff4e",  # full-width "admin"
            "pfa_other\u2060_portal",  # word joiner
            "\ufeffPFA_OTHER_PORTAL",  # byte order mark
        ):
            self._assert_form_refused(
                {"login": look_alike, "login_password": PASSWORD}, TAKEN
            )

    def test_look_alike_logins_are_taken_over_rpc(self):
        self._grant({"login": "write"})
        for look_alike in ("\uff41\uff44\uff4d\uff49\uff4e", "admin\u200b"):
            self._assert_rpc_refused(
                "res.users",
                "write",
                [[self.portal.id], {"login": look_alike}],
                "The login admin is already taken",
            )

    def test_login_is_stored_normalized(self):
        self._grant({"login": "write"})
        self.authenticate("pfa_portal", PASSWORD)
        response = self._account_post(
            {"login": "\uff4a\uff41\uff4e\uff45\u200b.new", "login_password": PASSWORD}
        )
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        self.env.invalidate_all()
        self.assertEqual(self.portal.login, "jane.new")
        # the plain form logs in on the login page
        self.authenticate(None, None)
        login = self.url_open(
            "/web/login",
            data={
                "login": "jane.new",
                "password": PASSWORD,
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )
        self.assertEqual(login.status_code, 303, login.text[-2000:])

    # ------------------------------------------------------------------
    # 4. line breaks, direction overrides and NUL bytes
    # ------------------------------------------------------------------
    UNSAFE_VALUES = (
        ("firstname", "First Name", "Jane\r\nBcc: victim@example.com"),
        ("lastname", "Last Name", "Portal\n"),
        ("street2", "Street 2", "Bat.\u202eA"),
        ("street2", "Street 2", "Bat.\u2066A"),
        ("siret", "SIRET", "7328293200\u202d0074"),
        ("login", "Login", "jane\u2067evil"),
        ("email", "Email", "jane@example.com\r\nBcc: x@example.com"),
    )

    def test_unsafe_characters_refused_over_rpc(self):
        self._grant(
            {
                "firstname": "write",
                "lastname": "write",
                "street2": "write",
                "siret": "write",
                "login": "write",
                "email": "write",
            }
        )
        for key, label, value in self.UNSAFE_VALUES:
            self._assert_rpc_refused(
                "res.users",
                "write",
                [[self.portal.id], {key: value}],
                f"{label} {UNSAFE}",
            )
        # the full name too (split into first and last name)
        self._assert_rpc_refused(
            "res.users",
            "write",
            [[self.portal.id], {"name": "Jane\nPortal"}],
            f"Name {UNSAFE}",
        )
        # NUL bytes: a message, not PostgreSQL's error (XML cannot carry one)
        self._assert_rpc_refused(
            "res.users",
            "write",
            [[self.portal.id], {"street2": "Bat.\x00A"}],
            f"Street 2 {UNSAFE}",
            over_xmlrpc=False,
        )
        # the contact directly (same guard)
        self._assert_rpc_refused(
            "res.partner",
            "write",
            [[self.portal.partner_id.id], {"street2": "A\u202eB"}],
            f"Street 2 {UNSAFE}",
        )

    def test_unsafe_characters_refused_on_my_account(self):
        self._grant(
            {
                "firstname": "write",
                "lastname": "write",
                "street2": "write",
                "siret": "write",
                "login": "write",
                "email": "write",
                "city": "write",
            }
        )
        self.authenticate("pfa_portal", PASSWORD)
        for key, label, value in self.UNSAFE_VALUES:
            if key == "lastname":
                value = "Por\ntal"  # a trailing one is trimmed as a space
            data = {key: value, "login_password": PASSWORD}
            if key == "email":
                # core's own e-mail check answers first
                self._assert_form_refused(data, "Invalid Email")
                continue
            self._assert_form_refused(data, f"{label} {UNSAFE}")

    def test_unsafe_name_refused_on_stock_form(self):
        """The default group's form posts one Name field."""
        self.authenticate("pfa_portal", PASSWORD)
        for name in ("Jane\r\nPortal", "Jane \u202eLatroP"):
            response = self._assert_form_refused({"name": name}, UNSAFE)
            self.assertIn("o_pfa_row_name o_has_error", response.text)

    def test_nul_byte_in_any_field_gives_the_form_again(self):
        self._grant({"street2": "write", "city": "write"})
        self.authenticate("pfa_portal", PASSWORD)
        for data in (
            {"city": "Par\x00is"},
            {"street2": "\x00"},
            {"country_id": "\x00"},
            {"phone": "\x00"},  # no right on it
            {"unknown_key": "\x00"},
            {"old_password": "\x00", "new_password": "a\x00"},
        ):
            self._assert_form_refused(data, NUL)

    def test_nul_byte_internal_user_gets_the_form_again(self):
        self.authenticate("pfa_internal", "pfa_internal")
        before = self._rows()
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "name": "Internal",
            "email": "internal@example.com",
            "phone": "1",
            "street": "1 rue",
            "city": "Pa\x00ris",
            "zipcode": "75002",
            "country_id": "\x00",
        }
        response = self.url_open("/my/account", data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"City, Country: {NUL}", response.text)
        self.assertEqual(self._rows(), before)

    def test_nul_byte_on_the_login_page_and_its_reset(self):
        """No login holds a NUL byte: an answer, not PostgreSQL's error."""
        before = self._rows()
        self.authenticate(None, None)
        data = {
            "login": "pfa_\x00portal",
            "password": PASSWORD,
            "csrf_token": http.Request.csrf_token(self),
        }
        with mute_logger(*LOGGERS):
            response = self.url_open("/web/login", data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Wrong login/password", response.text)
        response = self._reset_post("jane@\x00example.com")
        self.assertEqual(response.status_code, 200)
        self.assertIn("No account found for this login", response.text)
        self.assertEqual(self._rows(), before)
        self.assertEqual(self.sent, [])

    # ------------------------------------------------------------------
    # 5. a 5,000-character password is an answer, not a server error
    # ------------------------------------------------------------------
    def test_long_passwords_on_my_account(self):
        self._grant({"password": "write", "login": "write"})
        self.authenticate("pfa_portal", PASSWORD)
        new = "n3w_pwd!"
        self._assert_form_refused(
            {"old_password": LONG, "new_password": new, "confirm_password": new},
            "current password you provided is incorrect",
        )
        self._assert_form_refused(
            {"old_password": PASSWORD, "new_password": LONG, "confirm_password": LONG},
            "Password is too long",
        )
        self._assert_form_refused(
            {"login": "jane.long", "login_password": LONG},
            "current password you provided is incorrect",
        )
        self._assert_password_is(PASSWORD)

    def test_long_passwords_on_my_security(self):
        self.authenticate("pfa_portal", PASSWORD)
        for old, new, message in (
            (LONG, "n3w_pwd!", "old password you provided is incorrect"),
            (PASSWORD, LONG, "Password is too long"),
        ):
            before = self._rows()
            data = {
                "csrf_token": http.Request.csrf_token(self),
                "old": old,
                "new1": new,
                "new2": new,
            }
            with mute_logger(*LOGGERS):
                response = self.url_open("/my/security", data=data)
            self.assertEqual(response.status_code, 200)
            self.assertIn(message, response.text)
            self.assertEqual(self._rows(), before)
        self._assert_password_is(PASSWORD)

    def test_long_password_internal_user(self):
        """Everyone: passlib would raise on it."""
        self.authenticate("pfa_internal", "pfa_internal")
        before = self._rows()
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "old": "pfa_internal",
            "new1": LONG,
            "new2": LONG,
        }
        response = self.url_open("/my/security", data=data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("The new password is too long (4096 characters", response.text)
        self.assertEqual(self._rows(), before)

    def test_long_password_on_the_login_page_and_rpc(self):
        self.authenticate(None, None)
        before = self._rows()
        data = {
            "login": "pfa_portal",
            "password": LONG,
            "csrf_token": http.Request.csrf_token(self),
        }
        with mute_logger(*LOGGERS):
            response = self.url_open("/web/login", data=data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Wrong login/password", response.text)
        self.assertEqual(self._rows(), before)
        self._assert_rpc_refused(
            "res.users", "change_password", [PASSWORD, LONG], "Password is too long"
        )
        with self.assertRaises(AccessDenied):
            self._assert_password_is(LONG)


@tagged("post_install", "-at_install")
class TestTemporarilyInternal(PortalFieldAccessCommon, TransactionCase):
    """A portal user temporarily given internal rights (``_is_temporarily_
    internal``, overridden by the addon that switches users) stays governed by
    their Portal Access Groups."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_pfa_common()
        cls.internal.partner_id.email = "internal@example.com"

    def test_hook_defaults_to_false(self):
        self.assertFalse(self.internal._is_temporarily_internal())
        self.assertFalse(self.internal._pfa_governed())
        self.assertTrue(self.portal._pfa_governed())

    def test_own_email_write_refused(self):
        self._make_group(
            {"email": "read", "firstname": "write", "lastname": "write"},
            users=self.internal,
        )
        user = self.internal.with_user(self.internal)
        # not governed: an internal user's own write is stock
        user.write({"email": "internal2@example.com"})
        _patch_temporarily_internal(self, self.internal)
        self.assertTrue(self.internal._pfa_governed())
        self.assertEqual(
            self.internal._portal_field_access(),
            {"email": "read", "firstname": "write", "lastname": "write"},
        )
        with (
            mute_logger("odoo.addons.portal_field_access.models.res_users"),
            self.assertRaises(AccessError) as exc,
        ):
            user.write({"email": "hacked@example.com"})
        self.assertIn("You are not allowed to change: Email", exc.exception.args[0])
        self.env.invalidate_all()
        self.assertEqual(self.internal.email, "internal2@example.com")
        # what the group allows still works
        user.write({"name": "Internal Renamed"})
        self.assertEqual(self.internal.partner_id.lastname, "Renamed")

    def test_own_password_change_refused(self):
        self._make_group({"street2": "write"}, users=self.internal)
        _patch_temporarily_internal(self, self.internal)
        with (
            mute_logger("odoo.addons.portal_field_access.models.res_users"),
            self.assertRaises(AccessError),
        ):
            self.internal.with_user(self.internal).change_password(
                "pfa_internal", "pfa_hacked_pwd"
            )
        self.env["res.users"].with_user(self.internal)._check_credentials(
            "pfa_internal", {"interactive": True}
        )

    def test_my_account_rows(self):
        self._make_group({"street2": "write", "siret": "read"}, users=self.internal)
        self.assertEqual(self.internal._pfa_account_rows(), [])
        _patch_temporarily_internal(self, self.internal)
        rows = self.internal._pfa_account_rows()
        self.assertEqual(
            [(row["key"], row["right"]) for row in rows],
            [("street2", "write"), ("siret", "read")],
        )
