# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The company's calendar: "today", midnight and switch windows are read in the
company's timezone (its partner's, else UTC), never in the user's own, which a portal
user may set themselves and so gain up to a day."""

from datetime import datetime, time

import pytz

from odoo import api, fields, models


class PortalInternalSwitch(models.Model):
    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _udm_company_tz(self):
        """The company's timezone (pytz), else UTC: the one calendar of the addon's
        days (switches per day, "Allowed until") and windows."""
        return pytz.timezone(self.env.company.sudo().partner_id.tz or "UTC")

    @api.model
    def _udm_company_date(self, now=None):
        """The company's date at the UTC naive datetime `now` (default: now)."""
        moment = pytz.utc.localize(now or fields.Datetime.now())
        return moment.astimezone(self._udm_company_tz()).date()

    @api.model
    def _udm_day_start(self, now):
        """Midnight of `now`'s day in the company's timezone, as a UTC naive
        datetime."""
        tz = self._udm_company_tz()
        midnight = tz.localize(datetime.combine(self._udm_company_date(now), time.min))
        return midnight.astimezone(pytz.utc).replace(tzinfo=None)
