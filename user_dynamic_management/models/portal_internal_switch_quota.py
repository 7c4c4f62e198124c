# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PortalInternalSwitchQuota(models.Model):
    """A single row that every limited switch locks and updates.

    A dedicated table rather than a config parameter: writing an ir.config_parameter
    clears the caches of every worker.
    """

    _name = "portal.internal.switch.quota"
    _description = "Portal Switch Quota Lock"
    _log_access = False

    counter = fields.Integer(
        readonly=True,
        help="Number of limited switch attempts (a lock, not a statistic).",
    )

    def _udm_lock(self):
        """Lock and update the quota row (see switch model's _udm_quota_lock)."""
        # 40001 is the expected outcome for the loser of a race: not a "bad query"
        self.env.cr.execute(
            "UPDATE portal_internal_switch_quota SET counter = counter + 1",
            log_exceptions=False,
        )
        if not self.env.cr.rowcount:
            # the row was deleted by hand: recreate it
            self.sudo().create({"counter": 1})
