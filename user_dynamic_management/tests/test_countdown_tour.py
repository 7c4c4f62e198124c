# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
import time
from datetime import datetime, timedelta

from odoo import fields, http
from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser, new_test_user

from odoo.addons.web.tests.test_js import qunit_error_checker

from .common import UdmCommon

STATUS_ROUTES = (
    "/user_dynamic_management/status",
    "/user_dynamic_management/heartbeat",
)


@tagged("post_install", "-at_install")
class TestCountdownTour(UdmCommon, HttpCase):
    """The backend countdown in a browser: unsaved work at the maximum duration, a tab
    whose session ended elsewhere, the systray's text and colours; and the unit tests
    of its clock arithmetic and service (QUnit).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.contacts_template = cls.env["res.users"].create(
            {
                "name": "UDM Contacts Template",
                "login": "udm_contacts_template",
                "is_access_right_template": True,
                "groups_id": [
                    Command.set(
                        [
                            cls.group_user.id,
                            cls.env.ref("base.group_partner_manager").id,
                        ]
                    )
                ],
            }
        )
        # start_tour logs in with password = login
        cls.tour_user = new_test_user(
            cls.env, "udm_countdown", groups="base.group_portal", tz="UTC"
        )
        cls.tour_user.write(
            {
                "allow_portal_access_internal": True,
                "enable_idle_time": True,
                "idle_time": 5,
                "switch_template_id": cls.contacts_template.id,
            }
        )

    def _switch(self, end_in=None):
        """Switch the tour user; the maximum duration ends in `end_in` seconds."""
        switch = self.tour_user._udm_switch_to_internal()
        if end_in:
            switch._udm_own().write(
                {"end_deadline": fields.Datetime.now() + timedelta(seconds=end_in)}
            )
        return switch

    def _record_requests(self):
        """Every request the server receives from now on: (UTC time, path)."""
        requests = []
        lock = threading.Lock()
        serve_db = http.Request._serve_db

        def _serve_db(request):
            with lock:
                requests.append((datetime.utcnow(), request.httprequest.path))
            return serve_db(request)

        self.patch(http.Request, "_serve_db", _serve_db)
        return requests

    def test_qunit(self):
        """Clock arithmetic and service (session expired, sibling tabs, saves before
        the end, warnings) with Odoo's QUnit runner."""
        self.browser_js(
            "/web/tests?filter=user_dynamic_management",
            "",
            "",
            login="admin",
            timeout=900,
            error_checker=qunit_error_checker,
        )

    def test_typed_contact_saved_before_the_end(self):
        switch = self._switch(end_in=50)
        self.start_tour(
            "/web#action=base.action_partner_form&view_type=list",
            "user_dynamic_management_countdown_save",
            login="udm_countdown",
            timeout=180,
        )
        self.env.invalidate_all()
        partner = self.env["res.partner"].search(
            [("name", "=", "UDM Countdown Contact")]
        )
        self.assertEqual(len(partner), 1)
        self.assertEqual(partner.create_uid, self.tour_user)
        self.assertLess(partner.create_date, switch.end_deadline)
        self.assertEqual((switch.state, switch.reason), ("reverted", "expired"))
        self.assertTrue(self.tour_user.share)

    def test_unsaved_changes_named_after_the_end(self):
        requests = self._record_requests()
        switch = self._switch(end_in=40)
        self.start_tour(
            "/web#action=base.action_partner_form&view_type=list",
            "user_dynamic_management_countdown_unsaved",
            login="udm_countdown",
            timeout=180,
        )
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "expired"))
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "udm.unsaved@example.com")])
        )
        # the tab asked once at zero, then waited for the user without polling
        status = [(at, path) for at, path in requests if path in STATUS_ROUTES]
        after_revert = [
            path for at, path in status if at > switch.end_date + timedelta(seconds=1)
        ]
        self.assertEqual(after_revert, [], status)
        self.assertLessEqual(
            len([p for _at, p in status if p == STATUS_ROUTES[0]]), 2, status
        )

    def _open_second_tab_first(self, requests):
        """Before the tour's tab opens, the browser opens a second tab of the same
        session (a tour cannot open one: popups need a real click), and waits until its
        web client is up: it started before the tour did, so it does not run the tour.
        The second tab then stays in the background, as an open tab does.
        """
        navigate_to = ChromeBrowser.navigate_to

        def _navigate_to(browser, url, wait_stop=False):
            browser._websocket_request("Target.createTarget", params={"url": url})
            deadline = time.monotonic() + 30
            while not any(path == "/web/action/load" for _at, path in requests):
                self.assertLess(time.monotonic(), deadline, "second tab not loaded")
                time.sleep(0.2)
            time.sleep(1)
            # a tab in the background does not render: the tour's tab comes first
            browser._websocket_request("Page.bringToFront")
            return navigate_to(browser, url, wait_stop=wait_stop)

        self.patch(ChromeBrowser, "navigate_to", _navigate_to)

    def test_logout_elsewhere(self):
        requests = self._record_requests()
        self._open_second_tab_first(requests)
        switch = self._switch()
        self.start_tour(
            "/web",
            "user_dynamic_management_countdown_logout",
            login="udm_countdown",
            timeout=180,
        )
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "logout"))
        logout_at = next(at for at, path in requests if path == "/web/session/logout")
        after = [path for at, path in requests if at >= logout_at]
        # no polling: at most one check per tab
        self.assertLessEqual(len([p for p in after if p in STATUS_ROUTES]), 2, after)
        # each tab went to the portal once (which asks to log in)
        self.assertEqual(after.count("/my"), 2, after)
