# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import html
import re
from datetime import datetime, timedelta

import pytz

from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.user_dynamic_management.models.portal_internal_switch import (
    _epoch_ms,
)

from .common import UdmCommon

BUTTON_RE = re.compile(r'<button[^>]*id="udm_switch_button"[^>]*>')
FORM_RE = re.compile(r'<form[^>]*id="udm_switch_form"[^>]*>')
PARIS = pytz.timezone("Europe/Paris")


@tagged("post_install", "-at_install")
class TestPortalCardWindow(UdmCommon, HttpCase):
    """The /my card of a template with switch windows: outside them it says when
    the next one opens and the button waits for it; inside one, until when."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.env.company.partner_id.tz = "Europe/Paris"
        # the user's own timezone plays no part (it is theirs to change)
        cls.portal_user.tz = "Pacific/Kiritimati"

    def _paris_today(self):
        return datetime.now(PARIS).date()

    def _my(self):
        self.authenticate(self.portal_user.login, f"{self.portal_user.login}_pw_123")
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        return html.unescape(response.text)

    def _windows(self, *windows):
        self.template.udm_window_ids = [Command.clear()] + [
            Command.create({"weekday": str(day), "hour_from": start, "hour_to": end})
            for day, start, end in windows
        ]

    def test_outside_the_windows_the_card_says_when_the_next_opens(self):
        tomorrow = self._paris_today() + timedelta(days=1)
        self._windows((tomorrow.weekday(), 8, 18))
        opens = (
            (
                PARIS.localize(datetime.combine(tomorrow, datetime.min.time()))
                + timedelta(hours=8)
            )
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        page = self._my()
        self.assertIn(
            "Internal access with UDM Template is open at set times only. The next "
            "window opens at",
            page,
        )
        self.assertRegex(page, r'class="alert alert-warning o_udm_window o_udm_wait"')
        self.assertIn('disabled="disabled"', BUTTON_RE.search(page).group(0))
        # the card's script enables the button when the window opens
        form = FORM_RE.search(page).group(0)
        self.assertIn(f'data-udm-next-at="{_epoch_ms(opens)}"', form)
        self.assertIn('data-udm-free-text="You can switch now."', form)

    def test_inside_a_window_the_card_says_until_when(self):
        today = self._paris_today()
        self._windows((today.weekday(), 0, 24))
        page = self._my()
        self.assertIn("You can switch until", page)
        self.assertIn("the end of this switch window.", page)
        self.assertNotIn("disabled", BUTTON_RE.search(page).group(0))
        self.assertNotIn("data-udm-next-at", FORM_RE.search(page).group(0))

    def test_without_windows_nothing_is_said(self):
        page = self._my()
        self.assertNotIn("o_udm_window", page)
        self.assertNotIn("disabled", BUTTON_RE.search(page).group(0))

    def test_planned_access_opens_the_card_outside_the_windows(self):
        tomorrow = self._paris_today() + timedelta(days=1)
        self._windows((tomorrow.weekday(), 8, 18))
        now = datetime.utcnow().replace(microsecond=0)
        self.env["portal.internal.switch.grant"].create(
            {
                "user_id": self.portal_user.id,
                "date_start": now - timedelta(hours=1),
                "date_end": now + timedelta(hours=1),
            }
        )
        page = self._my()
        self.assertNotIn("o_udm_window", page)
        self.assertNotIn("disabled", BUTTON_RE.search(page).group(0))
