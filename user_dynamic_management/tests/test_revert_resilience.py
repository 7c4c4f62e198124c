# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from .common import UdmCommon

REVERT_LOGGER = (
    "odoo.addons.user_dynamic_management.models.portal_internal_switch_revert"
)


@tagged("post_install", "-at_install")
class TestRevertResilience(UdmCommon, TransactionCase):
    """One switch whose revert fails does not keep every other user internal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()

    def test_a_failing_revert_leaves_the_others_reverted(self):
        with freeze_time("2026-03-02 10:40:00"):
            first = self.portal_user._udm_switch_to_internal()
            second = self.portal_user2._udm_switch_to_internal()
        broken_user = self.portal_user
        close = type(self.Switch)._udm_close_followers

        def _udm_close_followers(switches):
            if broken_user in switches.user_id:
                raise ValueError("a broken override")
            return close(switches)

        self.patch(type(self.Switch), "_udm_close_followers", _udm_close_followers)
        with (
            freeze_time("2026-03-02 10:46:00"),
            self.assertLogs(REVERT_LOGGER, "ERROR") as logged,
            mute_logger("odoo.sql_db"),
        ):
            self.Switch._cron_revert_idle_switches()
        self.env.invalidate_all()
        self.assertEqual(second.state, "reverted")
        self.assertTrue(self.portal_user2.share)
        # the broken one is untouched, for the next run
        self.assertEqual(first.state, "active")
        self.assertFalse(self.portal_user.share)
        self.assertEqual(
            [record.getMessage() for record in logged.records],
            [
                "Reverting 2 switches at once failed: one by one now",
                f"Revert of switch #{first.id} failed",
            ],
        )
