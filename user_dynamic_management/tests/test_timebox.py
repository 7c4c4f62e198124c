# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import html
import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import http
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from odoo.addons.user_dynamic_management.controllers.portal import (
    UserDynamicManagementPortal,
)
from odoo.addons.user_dynamic_management.models.portal_internal_switch import (
    OWN_WRITE_CONTEXT,
    PARAM_MAX_SEATS,
)
from odoo.addons.user_dynamic_management.models.portal_internal_switch_request import (
    PARAM_REQUIRE_REASON,
)

from .common import UdmCommon

SWITCH_URL = "/my/switch_to_internal"
OPTION_RE = re.compile(r"<option([^>]*)>([^<]*)</option>")
ICON = "user_dynamic_management,static/description/icon.png"


@tagged("post_install", "-at_install")
class TestTimebox(UdmCommon, HttpCase):
    """Internal access as people plan it: a duration chosen at the switch, a preview
    of the template's apps on /my, and the report (durations, refusals, peak of users
    internal at once).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.ICP.set_param(PARAM_MAX_SEATS, 0)
        cls.group_app = cls.env["res.groups"].create({"name": "UDM Timebox app"})
        # the template gets group_app through an implied group
        cls.group_app_user = cls.env["res.groups"].create(
            {
                "name": "UDM Timebox app user",
                "implied_ids": [Command.link(cls.group_app.id)],
            }
        )
        cls.group_other = cls.env["res.groups"].create({"name": "UDM Timebox other"})
        cls.timebox_template = cls.env["res.users"].create(
            {
                "name": "UDM Timebox Template",
                "login": "udm_timebox_template",
                "is_access_right_template": True,
                "udm_max_duration": 60,
                "groups_id": [Command.set([cls.group_user.id, cls.group_app_user.id])],
            }
        )
        Menu = cls.env["ir.ui.menu"]
        cls.app = Menu.create(
            {
                "name": "UDM Timebox App",
                "web_icon": ICON,
                "groups_id": [Command.set(cls.group_app.ids)],
            }
        )
        cls.open_app = Menu.create({"name": "UDM Timebox Open App", "web_icon": ICON})
        cls.hidden_app = Menu.create(
            {
                "name": "UDM Timebox Hidden App",
                "web_icon": ICON,
                "groups_id": [Command.set(cls.group_other.ids)],
            }
        )
        cls.debug_app = Menu.create(
            {
                "name": "UDM Timebox Debug App",
                "web_icon": ICON,
                "groups_id": [Command.set(cls.env.ref("base.group_no_one").ids)],
            }
        )
        Menu.create({"name": "UDM Timebox No Icon"})
        Menu.create(
            {"name": "UDM Timebox Submenu", "web_icon": ICON, "parent_id": cls.app.id}
        )
        # an app is listed when one of its menus opens something the template may
        # read; an app whose menus all need another group is not
        cls.empty_app = Menu.create({"name": "UDM Timebox Empty App", "web_icon": ICON})
        action = cls.env["ir.actions.act_window"].create(
            {"name": "UDM Timebox Contacts", "res_model": "res.partner"}
        )
        for app in (cls.app, cls.open_app, cls.hidden_app, cls.debug_app):
            Menu.create(
                {
                    "name": f"{app.name} Contacts",
                    "parent_id": app.id,
                    "action": f"ir.actions.act_window,{action.id}",
                }
            )
        Menu.create(
            {
                "name": "UDM Timebox Empty App Contacts",
                "parent_id": cls.empty_app.id,
                "action": f"ir.actions.act_window,{action.id}",
                "groups_id": [Command.set(cls.group_other.ids)],
            }
        )
        for user in (cls.portal_user, cls.portal_user2):
            user.switch_template_id = cls.timebox_template
        # start_tour logs in with password = login
        cls.tour_user = new_test_user(
            cls.env, "udm_timebox", groups="base.group_portal", tz="UTC"
        )
        cls.tour_user.write(
            {
                "allow_portal_access_internal": True,
                "enable_idle_time": True,
                "idle_time": 5,
                "switch_template_id": cls.timebox_template.id,
            }
        )
        cls.Refusal = cls.env["portal.internal.switch.refusal"].sudo()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}_pw_123")

    def _my_page(self):
        response = self.url_open("/my", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        return html.unescape(response.text)

    def _durations(self, page):
        """The card's durations: [(value, label)], and the selected value."""
        select = re.search(
            r'<select[^>]*name="duration"[^>]*>(.*?)</select>', page, re.S
        )
        self.assertTrue(select, "no duration on the card")
        options = OPTION_RE.findall(select.group(1))
        selected = [
            re.search(r'value="([^"]*)"', attrs).group(1)
            for attrs, _label in options
            if "selected" in attrs
        ]
        return [
            (re.search(r'value="([^"]*)"', attrs).group(1), label.strip())
            for attrs, label in options
        ], selected

    def _post_switch(self, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(SWITCH_URL, data=data, allow_redirects=False)

    def _assert_refused(self, response, user, message, form=True):
        """Refused: back to /my, which says `message` and shows the form again
        (`form`: unless the user may not switch); nothing switched; the refusal
        logged. Returns the log line."""
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.env.invalidate_all()
        self.assertTrue(user.share)
        self.assertFalse(self._udm_active(user))
        page = self._my_page()
        self.assertIn(message, page)
        if form:
            self.assertIn('id="udm_switch_form"', page)
        refusal = self.Refusal.search([("user_id", "=", user.id)], limit=1)
        self.assertTrue(refusal, "the refusal is not logged")
        self.assertIn(message, refusal.message)
        return refusal

    # ------------------------------------------------------------------
    # 1. Duration at the switch
    # ------------------------------------------------------------------

    def test_card_offers_durations_up_to_the_maximum(self):
        self._login(self.portal_user)
        durations, selected = self._durations(self._my_page())
        self.assertEqual(durations, [("15", "15 min"), ("30", "30 min"), ("60", "1 h")])
        self.assertEqual(selected, ["60"])
        # a maximum between two steps is offered as it is, and is the default
        self.timebox_template.udm_max_duration = 90
        durations, selected = self._durations(self._my_page())
        self.assertEqual(
            [label for _value, label in durations],
            ["15 min", "30 min", "1 h", "1 h 30 min"],
        )
        self.assertEqual(selected, ["90"])
        # the user's own maximum overrides the template's
        self.portal_user.udm_max_duration = 10
        self.assertEqual(self._durations(self._my_page()), ([("10", "10 min")], ["10"]))

    def test_card_without_maximum_offers_no_limit(self):
        self.timebox_template.udm_max_duration = 0
        self._login(self.portal_user)
        durations, selected = self._durations(self._my_page())
        self.assertEqual(
            durations,
            [
                ("15", "15 min"),
                ("30", "30 min"),
                ("60", "1 h"),
                ("120", "2 h"),
                ("240", "4 h"),
                ("480", "8 h"),
                ("0", "No limit"),
            ],
        )
        self.assertEqual(selected, ["0"])

    def test_switch_ends_at_the_chosen_time(self):
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        response = self._post_switch(duration="30")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/web"))
        self.env.invalidate_all()
        switch = self._udm_active(self.portal_user)
        self.assertEqual(switch.max_duration, 30)
        self.assertEqual(switch.end_deadline - switch.start_date, timedelta(minutes=30))
        status = self.make_jsonrpc_request("/user_dynamic_management/status", {})
        self.assertEqual(status["max_seconds"], 30 * 60)
        left = status["end_deadline"] - status["server_time"]
        self.assertGreater(left, 29 * 60 * 1000)
        self.assertLessEqual(left, 30 * 60 * 1000)
        self.assertFalse(self.Refusal.search([("user_id", "=", self.portal_user.id)]))

    def test_no_duration_sent_is_the_maximum(self):
        """A form of before this change (or a script) sends no duration."""
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        self._post_switch()
        self.env.invalidate_all()
        switch = self._udm_active(self.portal_user)
        self.assertEqual(switch.max_duration, 60)
        self.assertEqual(switch.end_deadline - switch.start_date, timedelta(hours=1))

    def test_no_limit_or_a_step_without_maximum(self):
        self.timebox_template.udm_max_duration = 0
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        self._post_switch(duration="0")
        self.env.invalidate_all()
        switch = self._udm_active(self.portal_user)
        self.assertEqual((switch.max_duration, switch.end_deadline), (0, False))
        self._login(self.portal_user2)
        self._post_switch(duration="480")
        self.env.invalidate_all()
        switch = self._udm_active(self.portal_user2)
        self.assertEqual(switch.end_deadline - switch.start_date, timedelta(hours=8))

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal")
    def test_bad_durations_refused(self):
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        at_least = "The duration must be at least 1 minute."
        at_most = "Internal access lasts 60 min at most: choose a shorter duration."
        not_a_number = "The duration must be a whole number of minutes."
        for duration, message in [
            ("0", at_least),
            ("-5", at_least),
            ("-99999999999999999999", at_least),
            ("61", at_most),
            ("99999999999999999999", at_most),
            ("abc", not_a_number),
            ("1.5", not_a_number),
            ("", not_a_number),
        ]:
            with self.subTest(duration=duration):
                refusal = self._assert_refused(
                    self._post_switch(duration=duration), self.portal_user, message
                )
                self.assertEqual(refusal.kind, "other")
        self.assertEqual(
            self.Refusal.search_count([("user_id", "=", self.portal_user.id)]), 8
        )

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal")
    def test_too_long_without_maximum_refused(self):
        self.timebox_template.udm_max_duration = 0
        self._udm_confirm_password(False)
        self._login(self.portal_user)
        self._assert_refused(
            self._post_switch(duration=str(2**31)),
            self.portal_user,
            "The duration is too long.",
        )

    # ------------------------------------------------------------------
    # 2. Preview of the template's apps
    # ------------------------------------------------------------------

    def test_card_previews_the_templates_apps(self):
        self._login(self.portal_user)
        page = self._my_page()
        preview = re.search(r'class="card-text o_udm_apps">([^<]*)<', page)
        self.assertTrue(preview, "no preview of the apps on the card")
        text = preview.group(1)
        self.assertTrue(
            text.startswith("With template UDM Timebox Template you will use: "), text
        )
        apps = text.split(": ", 1)[1].rstrip(".").split(", ")
        # a group implied by the template's, and no group at all
        self.assertIn("UDM Timebox App", apps)
        self.assertIn("UDM Timebox Open App", apps)
        # Discuss needs Internal User, which the template has
        self.assertIn("Discuss", apps)
        for name in (
            "UDM Timebox Hidden App",
            "UDM Timebox Debug App",
            "UDM Timebox No Icon",
            "UDM Timebox Submenu",
            "UDM Timebox Empty App",
        ):
            self.assertNotIn(name, apps)
        self.assertLess(
            apps.index("UDM Timebox App"), apps.index("UDM Timebox Open App")
        )

    def test_preview_computed_once_per_render(self):
        calls = []
        compute = UserDynamicManagementPortal._udm_compute_template_apps

        def _count(template):
            calls.append(template.id)
            return compute(template)

        self.patch(
            UserDynamicManagementPortal,
            "_udm_compute_template_apps",
            staticmethod(_count),
        )
        self._login(self.portal_user)
        self._my_page()
        self.assertEqual(calls, [self.timebox_template.id])
        # a new request computes again: a change of the template is seen at once
        self.group_other.users = [Command.link(self.timebox_template.id)]
        self.assertIn("UDM Timebox Hidden App", self._my_page())
        self.assertEqual(len(calls), 2)

    def test_preview_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.app.with_context(lang="fr_FR").name = "Appli Timebox UDM"
        self.portal_user.lang = "fr_FR"
        self._login(self.portal_user)
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        page = html.unescape(response.text)
        self.assertIn("Appli Timebox UDM", page)
        self.assertNotIn("UDM Timebox App,", page)

    # ------------------------------------------------------------------
    # 3. Report: refusals logged by kind
    # ------------------------------------------------------------------

    @mute_logger("odoo.addons.user_dynamic_management.controllers.portal")
    def test_refusals_logged_by_kind(self):
        self._udm_confirm_password(False)
        # quota: one switch every 2 minutes
        self._udm_set_quota(1, 2)
        self.portal_user._udm_switch_to_internal()
        self._login(self.portal_user2)
        refusal = self._assert_refused(
            self._post_switch(duration="30"), self.portal_user2, "Too many users"
        )
        self.assertEqual(refusal.kind, "quota")
        self.assertEqual(refusal.user_login, self.portal_user2.login)
        self._udm_set_quota(0, 0)
        # seats: the only one is taken
        self.ICP.set_param(PARAM_MAX_SEATS, 1)
        refusal = self._assert_refused(
            self._post_switch(), self.portal_user2, "The only seat"
        )
        self.assertEqual(refusal.kind, "seats")
        self.ICP.set_param(PARAM_MAX_SEATS, 0)
        # approval required, none given
        self.portal_user2.udm_approval = "required"
        refusal = self._assert_refused(
            self._post_switch(),
            self.portal_user2,
            "Switching needs an approval",
            form=False,
        )
        self.assertEqual(refusal.kind, "approval")
        self.portal_user2.udm_approval = "default"
        # a reason is required and missing: another kind
        self.ICP.set_param(PARAM_REQUIRE_REASON, "True")
        refusal = self._assert_refused(
            self._post_switch(), self.portal_user2, "Please say why"
        )
        self.assertEqual(refusal.kind, "other")
        self.ICP.set_param(PARAM_REQUIRE_REASON, "False")
        # not allowed
        self.portal_user2.allow_portal_access_internal = False
        refusal = self._assert_refused(
            self._post_switch(), self.portal_user2, "not allowed", form=False
        )
        self.assertEqual(refusal.kind, "not_allowed")
        self.assertEqual(
            self.Refusal.search([("user_id", "=", self.portal_user2.id)]).mapped(
                "kind"
            ),
            ["not_allowed", "other", "approval", "seats", "quota"],
        )

    def test_refusal_log_is_read_only(self):
        logged = self.Refusal.with_context(**OWN_WRITE_CONTEXT).create(
            {"user_id": self.portal_user.id, "kind": "quota", "message": "Full"}
        )
        refusal = self.Refusal.browse(logged.id)
        # sudo alone is not the addon's own code
        with self.assertRaises(AccessError):
            self.Refusal.create({"user_id": self.portal_user.id, "message": "Forged"})
        with self.assertRaises(AccessError):
            refusal.write({"message": "Changed"})
        with self.assertRaises(AccessError):
            refusal.unlink()
        # Access Rights administrators read it, nobody else
        self.assertEqual(
            self.Refusal.with_user(self.admin_user).search([("id", "=", refusal.id)]),
            refusal,
        )
        for user in (self.internal_user, self.portal_user):
            with self.assertRaises(AccessError):
                self.env["portal.internal.switch.refusal"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["portal.internal.switch.peak"].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.env["portal.internal.switch.refusal"].with_user(
                self.admin_user
            ).create({"message": "Forged"})

    # ------------------------------------------------------------------
    # 3. Report: durations and the peak per day, at frozen times
    # ------------------------------------------------------------------

    def _switch_between(self, user, start, end=None):
        with freeze_time(start):
            switch = user._udm_switch_to_internal()
        if end:
            with freeze_time(end):
                switch._udm_revert("user")
        return switch

    def _users(self, count):
        """Portal users whose switches have no deadline."""
        return [
            self._udm_portal_user(f"udm_timebox_{index}", idle=0)
            for index in range(count)
        ]

    def test_duration_stored_once_ended(self):
        (user,) = self._users(1)
        switch = self._switch_between(user, "2020-03-02 10:00:00")
        self.assertEqual(switch.duration_minutes, 0)
        with freeze_time("2020-03-02 10:42:30"):
            switch._udm_revert("user")
        self.assertEqual(switch.duration_minutes, 42.5)
        self.env.flush_all()
        groups = self.Switch.sudo().read_group(
            [("id", "=", switch.id)],
            ["duration_minutes:sum"],
            ["template_id", "user_id", "start_date:month"],
            lazy=False,
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["duration_minutes"], 42.5)
        self.assertEqual(groups[0]["start_date:month"], "March 2020")

    def test_peak_per_day(self):
        a, b, c, d = self._users(4)
        # 2 March: a 09:00-11:00, b 10:00-12:00, c from 11:00 (a's end) to 11:30,
        # d from 23:00 to 4 March 01:00
        self._switch_between(a, "2020-03-02 09:00:00", "2020-03-02 11:00:00")
        self._switch_between(b, "2020-03-02 10:00:00", "2020-03-02 12:00:00")
        self._switch_between(c, "2020-03-02 11:00:00", "2020-03-02 11:30:00")
        self._switch_between(d, "2020-03-02 23:00:00", "2020-03-04 01:00:00")
        self.env.flush_all()
        Peak = self.env["portal.internal.switch.peak"].with_user(self.admin_user)
        peaks = Peak.search([("date", "<=", "2020-03-06")], order="date")
        self.assertEqual(
            [(str(peak.date), peak.peak) for peak in peaks],
            [
                # a ends when c starts: never 3 at once
                ("2020-03-02", 2),
                # no start nor end that day: d is carried over midnight
                ("2020-03-03", 1),
                ("2020-03-04", 1),
                ("2020-03-05", 0),
                ("2020-03-06", 0),
            ],
        )
        # by month in the graph: the highest day
        (month,) = Peak.read_group(
            [("date", "<", "2020-04-01")], ["peak:max"], ["date:month"]
        )
        self.assertEqual(month["peak"], 2)

    def test_peak_counts_open_switches_until_now(self):
        (user,) = self._users(1)
        yesterday = datetime.utcnow().replace(microsecond=0) - timedelta(days=1)
        self._switch_between(user, yesterday)
        self.env.flush_all()
        peaks = self.env["portal.internal.switch.peak"].search(
            [("date", ">=", yesterday.date())], order="date"
        )
        self.assertEqual(peaks.mapped("peak"), [1, 1])

    # ------------------------------------------------------------------
    # 3. Report: views and menus
    # ------------------------------------------------------------------

    def test_report_views_and_menus(self):
        action = self.env.ref("user_dynamic_management.action_portal_internal_switch")
        self.assertEqual(action.view_mode, "tree,form,pivot,graph")
        Switch = self.env["portal.internal.switch"].with_user(self.admin_user)
        views = Switch.get_views([(False, "pivot"), (False, "graph")])["views"]
        self.assertIn('name="duration_minutes"', views["pivot"]["arch"])
        self.assertIn('name="template_id"', views["pivot"]["arch"])
        self.assertIn('name="user_id"', views["pivot"]["arch"])
        refusals = self.env["portal.internal.switch.refusal"].with_user(self.admin_user)
        refusals.get_views([(False, "tree"), (False, "pivot"), (False, "search")])
        self.env["portal.internal.switch.peak"].with_user(self.admin_user).get_views(
            [(False, "tree"), (False, "graph"), (False, "search")]
        )
        switches_menu = self.env.ref(
            "user_dynamic_management.menu_portal_internal_switch"
        )
        manager = self.env.ref("base.group_erp_manager")
        for xmlid in (
            "menu_portal_internal_switch_refusal",
            "menu_portal_internal_switch_peak",
        ):
            menu = self.env.ref(f"user_dynamic_management.{xmlid}")
            self.assertEqual(menu.parent_id, switches_menu.parent_id)
            self.assertEqual(menu.groups_id, manager)
            self.assertTrue(menu.action)

    # ------------------------------------------------------------------
    # 1. and 2. in a browser
    # ------------------------------------------------------------------

    def test_tour_pick_30_minutes(self):
        self._udm_confirm_password(False)
        self.start_tour("/my", "user_dynamic_management_timebox", login="udm_timebox")
        self.env.invalidate_all()
        switch = self._udm_active(self.tour_user)
        self.assertTrue(switch, "the tour user is not switched")
        self.assertEqual(switch.max_duration, 30)
        self.assertEqual(switch.end_deadline - switch.start_date, timedelta(minutes=30))
        self.assertFalse(self.tour_user.share)
