# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import html
import json
import re
from datetime import timedelta

import odoo
from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import Opener

from odoo.addons.user_dynamic_management.controllers.portal import (
    UserDynamicManagementPortal,
)
from odoo.addons.user_dynamic_management.models.ir_http import SESSION_NEXT_CHECK
from odoo.addons.user_dynamic_management.models.portal_internal_switch import (
    PARAM_MAX_SEATS,
    _epoch_ms,
)
from odoo.addons.user_dynamic_management.models.portal_internal_switch_request import (
    PARAM_REQUIRE_REASON,
)

from .common import UdmCommon

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
ANOTHER_BROWSER = "You logged out in another browser: your internal access ended."


@tagged("post_install", "-at_install")
class TestPortalCard(UdmCommon, HttpCase):
    """The "Internal access" card on /my in daily use: refusals that keep what was
    typed, a full quota that frees while the page is open, full seats said before the
    click, and a logout in another browser explained. Each browser is a cookie jar
    that logs in through the login form, as a person does.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.ICP.set_param(PARAM_MAX_SEATS, 0)
        cls.portal_user3 = cls._udm_portal_user("udm_portal3")
        # start_tour logs in with password = login
        cls.tour_user = cls._udm_portal_user("udm_card_tour")
        cls.tour_user.password = "udm_card_tour"

    # ------------------------------------------------------------------
    # A person's browser
    # ------------------------------------------------------------------

    def _browser(self, user):
        """A new browser (its own cookies) where `user` logs in with the login form;
        returns its cookie jar, the current one of url_open."""
        self.opener = Opener(self.cr)
        self._log_in(user)
        return self.opener

    def _log_in(self, user):
        page = self._get("/web/login")
        response = self.url_open(
            "/web/login",
            data={
                "login": user.login,
                "password": f"{user.login}_pw_123",
                "csrf_token": CSRF_RE.search(page).group(1),
            },
        )
        # a portal user lands on /my
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/my"), response.url)
        return html.unescape(response.text)

    def _get(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return html.unescape(response.text)

    def _click_switch(self, reason=None, password=None):
        """Fill the card's form on /my and press "Switch to Internal User"; return
        where the browser lands (URL, page)."""
        page = self._get("/my")
        form = re.search(r'<form[^>]*id="udm_switch_form".*?</form>', page, re.S)
        self.assertTrue(form, "no switch form on /my")
        data = {"csrf_token": CSRF_RE.search(form.group(0)).group(1)}
        if reason is not None:
            data["reason"] = reason
        if password is not None:
            data["password"] = password
        response = self.url_open("/my/switch_to_internal", data=data)
        self.env.invalidate_all()
        return response.url, html.unescape(response.text)

    def _form_tag(self, page):
        return re.search(r'<form[^>]*id="udm_switch_form"[^>]*>', page).group(0)

    def _password_tag(self, page):
        return re.search(r'<input[^>]*id="udm_password"[^>]*>', page).group(0)

    def _minute_passes(self):
        """This browser's session stops trusting its "no check needed" mark (at most a
        minute, see ir_http)."""
        store = odoo.http.root.session_store
        session = store.get(self.opener.cookies["session_id"])
        if SESSION_NEXT_CHECK in session:
            session[SESSION_NEXT_CHECK]["next_check"] = 0
        store.save(session)

    def _backend_rpc(self):
        """A JSON-RPC of the web client, as an open backend tab sends."""
        response = self.url_open(
            "/web/dataset/call_kw/res.partner/search_read",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "res.partner",
                        "method": "search_read",
                        "args": [[]],
                        "kwargs": {"fields": ["name"], "limit": 1},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def _set_seats(self, seats):
        self.ICP.set_param(PARAM_MAX_SEATS, seats)

    # ------------------------------------------------------------------
    # 1. A refused switch keeps the reason; the page says when to try again
    # ------------------------------------------------------------------

    def test_quota_refusal_keeps_the_reason_not_the_password(self):
        self._udm_confirm_password("True")
        self.ICP.set_param(PARAM_REQUIRE_REASON, "True")
        self._udm_set_quota(1, 2)
        other = self.portal_user2._udm_switch_to_internal(reason_text="Payroll")
        next_at = other.start_date + timedelta(minutes=2)
        self._browser(self.portal_user)
        url, page = self._click_switch("Month-end closing", "udm_portal1_pw_123")
        self.assertTrue(url.endswith("/my"))
        self.assertTrue(self.portal_user.share)
        self.assertIn("Too many users switched to internal recently", page)
        # the reason comes back in the form (written in the textarea by the card's
        # script), the password never: its field is empty, and has the focus
        form = self._form_tag(page)
        self.assertIn('data-udm-reason="Month-end closing"', form)
        password = self._password_tag(page)
        self.assertIn('autofocus="autofocus"', password)
        self.assertNotIn("value=", password)
        self.assertNotIn("udm_portal1_pw_123", page)
        session = odoo.http.root.session_store.get(self.opener.cookies["session_id"])
        self.assertNotIn("udm_portal1_pw_123", json.dumps(dict(session)))
        # the button waits, disabled, until the server's next_at (its clock: the
        # script counts from the page's server time)
        self.assertRegex(page, r'id="udm_switch_button"[^>]*disabled="disabled"')
        self.assertIn(f'data-udm-next-at="{_epoch_ms(next_at)}"', form)
        server_now = int(re.search(r'data-udm-server-now="(\d+)"', form).group(1))
        self.assertLessEqual(server_now, _epoch_ms(next_at))
        self.assertIn('data-udm-free-text="You can switch now."', form)
        self.assertIn(f"next switch possible at {next_at.strftime('%H:%M')}.", page)
        # kept for one display only
        page = self._get("/my")
        self.assertNotIn("data-udm-reason", self._form_tag(page))
        self.assertNotIn("autofocus", self._password_tag(page))

    def test_wrong_password_keeps_the_reason(self):
        self._udm_confirm_password("True")
        self.ICP.set_param(PARAM_REQUIRE_REASON, "True")
        self._browser(self.portal_user)
        url, page = self._click_switch("Audit of the ledger", "not my password")
        self.assertIn("Wrong password: you were not switched.", page)
        self.assertIn('data-udm-reason="Audit of the ledger"', self._form_tag(page))
        self.assertIn('autofocus="autofocus"', self._password_tag(page))
        # then typed right: switched, with that reason
        url, page = self._click_switch("Audit of the ledger", "udm_portal1_pw_123")
        self.assertTrue(url.endswith("/web"), url)
        self.assertEqual(
            self._udm_active(self.portal_user).reason_text, "Audit of the ledger"
        )

    def test_other_messages_focus_nothing(self):
        """A page without a refused switch keeps its focus and its data alone."""
        self._udm_confirm_password("True")
        self._browser(self.portal_user)
        page = self._get("/my")
        self.assertNotIn("autofocus", self._password_tag(page))
        form = self._form_tag(page)
        for attribute in ("data-udm-reason", "data-udm-next-at", "data-udm-server"):
            self.assertNotIn(attribute, form)

    def test_quota_frees_while_waiting_on_my(self):
        """In a browser: the quota fills between the page load and the click; the
        refusal keeps the reason and focuses the empty password field; the button
        comes back by itself when the quota frees, and the switch then succeeds.
        """
        self._udm_confirm_password("True")
        self.ICP.set_param(PARAM_REQUIRE_REASON, "True")
        self._udm_set_quota(1, 1)
        original = UserDynamicManagementPortal._udm_card_values
        tour_user, other = self.tour_user, self.portal_user2

        def card_then_someone_switches(portal, user):
            card = original(portal, user)
            Switch = user.env["portal.internal.switch"].sudo()
            if user == tour_user and not Switch._udm_active_for_user(other.id):
                # Another portal user switches just after the page was shown. Dated
                # 45 s back, so that the quota (1 a minute) frees 15 s later and the
                # tour does not wait a whole minute
                switch = other.with_env(user.env)._udm_switch_to_internal(
                    reason_text="Payroll"
                )
                switch._udm_own().write(
                    {"start_date": fields.Datetime.now() - timedelta(seconds=45)}
                )
            return card

        self.patch(
            UserDynamicManagementPortal,
            "_udm_card_values",
            card_then_someone_switches,
        )
        self.start_tour("/my", "portal_card_quota", login="udm_card_tour", timeout=90)
        self.env.invalidate_all()
        switch = self._udm_active(self.tour_user)
        self.assertTrue(switch, "the second click did not switch")
        self.assertEqual(switch.reason_text, "Month-end closing")
        self.assertGreater(switch.start_date, self._udm_active(other).start_date)

    # ------------------------------------------------------------------
    # 2. Seats: the card says it before the click, in the right number
    # ------------------------------------------------------------------

    def test_the_only_seat(self):
        self._set_seats(1)
        self._udm_confirm_password(False)
        other = self.portal_user2._udm_switch_to_internal()
        self._browser(self.portal_user)
        page = self._get("/my")
        self.assertIn(
            "The only seat is taken; it should free up at about "
            f"{other.deadline.strftime('%H:%M')}.",
            page,
        )
        self.assertRegex(page, r'class="alert alert-warning o_udm_seats"')
        # a seat may free up any time (a logout): the button stays
        self.assertNotRegex(page, r'id="udm_switch_button"[^>]*disabled')
        url, page = self._click_switch()
        self.assertTrue(url.endswith("/my"))
        self.assertIn(
            "The only seat for internal users is taken. It is expected to free up in ",
            page,
        )
        self.assertNotIn("All 1 seats", page)
        self.assertTrue(self.portal_user.share)

    def test_the_only_seat_without_deadline(self):
        self._set_seats(1)
        self._udm_confirm_password(False)
        self.portal_user2.write({"enable_idle_time": False})
        self.portal_user2._udm_switch_to_internal()
        self._browser(self.portal_user)
        self.assertIn(
            "The only seat is taken; it frees up when its user switches back to "
            "portal.",
            self._get("/my"),
        )
        url, page = self._click_switch()
        self.assertIn(
            "The only seat for internal users is taken. It frees up when its user "
            "switches back to portal.",
            page,
        )

    def test_all_seats(self):
        self._set_seats(2)
        self._udm_confirm_password(False)
        self.portal_user2._udm_switch_to_internal()
        self._browser(self.portal_user)
        self.assertNotIn("o_udm_seats", self._get("/my"), "a seat is left")
        first = self.portal_user3._udm_switch_to_internal()
        page = self._get("/my")
        self.assertIn(
            "All seats are taken; one should free up at about "
            f"{first.deadline.strftime('%H:%M')}.",
            page,
        )
        url, page = self._click_switch()
        self.assertIn("All 2 seats for internal users are taken.", page)

    def test_seats_and_quota_both_said_readably(self):
        self._set_seats(1)
        self._udm_set_quota(1, 10)
        self._udm_confirm_password(False)
        self.portal_user2._udm_switch_to_internal()
        self._browser(self.portal_user)
        page = self._get("/my")
        self.assertRegex(
            page, r'class="alert alert-warning o_udm_quota[^"]*"[^>]*>\s*Too'
        )
        self.assertIn("The only seat is taken;", page)
        self.assertNotIn("text-warning", page)

    def test_quota_not_full_is_plain_text(self):
        self._udm_set_quota(3, 10)
        self._browser(self.portal_user)
        page = self._get("/my")
        self.assertRegex(page, r'class="card-text text-600 o_udm_quota"')
        self.assertNotIn("o_udm_seats", page)

    def test_seats_tour(self):
        """In a browser: the only seat is taken, the card says so before the click;
        the refusal keeps the reason typed and focuses the empty password field."""
        self._set_seats(1)
        self._udm_confirm_password("True")
        self.ICP.set_param(PARAM_REQUIRE_REASON, "True")
        self.portal_user2._udm_switch_to_internal(reason_text="Payroll")
        self.start_tour("/my", "portal_card_seats", login="udm_card_tour")
        self.env.invalidate_all()
        self.assertTrue(self.tour_user.share)
        self.assertFalse(self._udm_active(self.tour_user))

    # ------------------------------------------------------------------
    # 3. A logout in another browser
    # ------------------------------------------------------------------

    def _switched_in_two_browsers(self):
        """The user switches in browser A, then works in the backend in browser B."""
        self._udm_confirm_password(False)
        browser_b = self._browser(self.portal_user)
        browser_a = self._browser(self.portal_user)
        url, _page = self._click_switch()
        self.assertTrue(url.endswith("/web"), url)
        switch = self._udm_active(self.portal_user)
        # B, open before the switch, works in the backend for a while
        self.opener = browser_b
        self._minute_passes()
        response = self.url_open("/web", allow_redirects=False)
        self.assertEqual(response.status_code, 200, "B is not in the backend")
        return switch, browser_a, browser_b

    def _log_out(self):
        response = self.url_open("/web/session/logout")
        self.env.invalidate_all()
        return html.unescape(response.text)

    def test_logout_in_another_browser_is_told(self):
        switch, browser_a, browser_b = self._switched_in_two_browsers()
        self.opener = browser_a
        page = self._log_out()
        self.assertIn("You were switched back to a portal user when you logged", page)
        self.assertEqual((switch.state, switch.reason), ("reverted", "logout"))
        # B's open backend tab is told by the bus and goes to /my
        self.opener = browser_b
        page = self._get("/my")
        self.assertIn(ANOTHER_BROWSER, page)
        self.assertIn("Switch to Internal User", page)
        self.assertNotIn(ANOTHER_BROWSER, self._get("/my"), "said twice")
        # A logs in again: told on its login page already, not again on /my
        self.opener = browser_a
        page = self._log_in(self.portal_user)
        self.assertNotIn(ANOTHER_BROWSER, page)
        self.assertNotIn("when you logged out", page)

    def test_logout_told_after_a_backend_request(self):
        """B's backend tab sends a request first (answered "session expired"); the
        web client reloads /web, which sends the portal user to /my."""
        switch, browser_a, browser_b = self._switched_in_two_browsers()
        self.opener = browser_a
        self._log_out()
        # told once, in the browser that did not log out, even if A comes back first
        page = self._log_in(self.portal_user)
        self.assertNotIn(ANOTHER_BROWSER, page)
        self.opener = browser_b
        self._minute_passes()
        self.assertEqual(self._backend_rpc()["error"]["code"], 100)
        response = self.url_open("/web")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertIn(ANOTHER_BROWSER, html.unescape(response.text))

    def test_own_logout_told_on_the_login_page_only(self):
        self._udm_confirm_password(False)
        self._browser(self.portal_user)
        self._click_switch()
        page = self._log_out()
        self.assertIn("when you logged out", page)
        page = self._log_in(self.portal_user)
        self.assertNotIn("o_udm_message", page)
        # another user logging in later in this browser is not concerned
        self._log_out()
        self.portal_user2._udm_switch_to_internal()
        self.portal_user2._udm_revert("logout")
        self.assertIn(ANOTHER_BROWSER, self._log_in(self.portal_user2))
