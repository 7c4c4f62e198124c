# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL


class PortalInternalSwitch(models.Model):
    """The switches as a report (pivot and graph of Portal Switches): how long they
    lasted."""

    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    duration_minutes = fields.Float(
        string="Duration (minutes)",
        compute="_compute_duration_minutes",
        store=True,
        digits=(16, 2),
        help="How long the switch lasted, once it has ended (0 while it is open).",
    )

    @api.depends("start_date", "end_date")
    def _compute_duration_minutes(self):
        for switch in self:
            ended = switch.start_date and switch.end_date
            switch.duration_minutes = (
                (switch.end_date - switch.start_date).total_seconds() / 60
                if ended
                else 0.0
            )


class PortalInternalSwitchPeak(models.Model):
    """Per day (UTC), the largest number of portal users internal at the same time.

    A view over the switches: each start counts +1, each end -1, a running sum over
    these events in time order is the number of users internal after each of them,
    and a mark at every midnight carries the users still internal from the day
    before. A switch still open counts until now.
    """

    _name = "portal.internal.switch.peak"
    _description = "Portal Switches: Peak per Day"
    _auto = False
    _order = "date desc"
    _rec_name = "date"

    date = fields.Date(string="Day (UTC)", readonly=True)
    peak = fields.Integer(
        string="Peak of Internal Users",
        readonly=True,
        group_operator="max",
        help="The largest number of portal users switched to internal at the same "
        "time that day.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    WITH events AS (
                        SELECT start_date AS at, 1 AS delta
                          FROM portal_internal_switch
                         UNION ALL
                        SELECT end_date, -1
                          FROM portal_internal_switch
                         WHERE end_date IS NOT NULL
                         UNION ALL
                        SELECT day, 0
                          FROM generate_series(
                                   (SELECT date_trunc('day', MIN(start_date))
                                      FROM portal_internal_switch),
                                   date_trunc('day', now() AT TIME ZONE 'UTC'),
                                   interval '1 day'
                               ) AS day
                    ),
                    running AS (
                        -- at the same instant, ends count before the midnight mark
                        -- and the mark before starts
                        SELECT at,
                               SUM(delta) OVER (
                                   ORDER BY at, delta ROWS UNBOUNDED PRECEDING
                               ) AS internal
                          FROM events
                    )
                    SELECT (date_trunc('day', at)::date - DATE '2000-01-01') AS id,
                           date_trunc('day', at)::date AS date,
                           MAX(internal)::integer AS peak
                      FROM running
                  GROUP BY date_trunc('day', at)::date
                )
                """,
                SQL.identifier(self._table),
            )
        )
