# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class PortalInternalSwitchWindow(models.Model):
    """A weekly time window of a template during which its users may switch
    ("Mon-Fri 08:00-18:00"), in the company's timezone, never the user's own. A
    template without windows may be used at any time; a switch ends at the end of
    its window at the latest."""

    _name = "portal.internal.switch.window"
    _description = "Switch Window"
    _order = "template_id, weekday, hour_from"

    template_id = fields.Many2one(
        comodel_name="res.users",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("is_access_right_template", "=", True)],
        context={"active_test": False},
    )
    weekday = fields.Selection(selection=WEEKDAYS, string="Day", required=True)
    hour_from = fields.Float(string="From", required=True, default=8.0)
    hour_to = fields.Float(string="To", required=True, default=18.0)

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for window in self:
            if not 0 <= window.hour_from < window.hour_to <= 24:
                raise ValidationError(
                    _(
                        "A switch window runs from a time of day to a later one, "
                        "between 00:00 and 24:00."
                    )
                )

    def _udm_spans(self, now, days=8):
        """(start, end) of these windows from `now`'s day on, for `days` days, as
        UTC naive datetimes, sorted."""
        # the company's calendar, never the user's own (see _udm_company_tz)
        Switch = self.env["portal.internal.switch"]
        tz = Switch._udm_company_tz()
        today = Switch._udm_company_date(now)
        spans = []
        for offset in range(days):
            day = today + timedelta(days=offset)
            for window in self.filtered(lambda w, d=day: int(w.weekday) == d.weekday()):
                spans.append(
                    tuple(
                        tz.localize(
                            datetime.combine(day, time.min) + timedelta(hours=h)
                        )
                        .astimezone(pytz.utc)
                        .replace(tzinfo=None)
                        for h in (window.hour_from, window.hour_to)
                    )
                )
        return sorted(spans)

    def _udm_current_end(self, now):
        """End of the window of these open at `now`, or None when none is open."""
        ends = [
            end
            for start, end in self._udm_spans(now - timedelta(days=1))
            if start <= now < end
        ]
        return max(ends, default=None)

    def _udm_next_start(self, now):
        """Start of the next window of these after `now`, or None."""
        starts = [start for start, _end in self._udm_spans(now) if start > now]
        return min(starts, default=None)
