# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class PortalInternalSwitch(models.Model):
    """The switches as a report (pivot and graph of Portal Switches): how long they
    lasted."""

    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    duration_minutes = fields.Float(
        string="Duration (minutes)",
        readonly=True,
        digits=(16, 2),
        help="How long the switch lasted, once it has ended (0 while it is open).",
    )

    def write(self, vals):
        res = super().write(vals)
        if {"start_date", "end_date"} & vals.keys():
            self._udm_store_durations()
        return res

    def _udm_store_durations(self):
        """Store how long these switches lasted, in one query whatever their number
        (a computed field would be flushed as one UPDATE per distinct duration: the
        revert job reverts many switches at once in a constant number of queries)."""
        self.flush_recordset(["start_date", "end_date"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE portal_internal_switch
                   SET duration_minutes = CASE
                       WHEN start_date IS NOT NULL AND end_date IS NOT NULL
                       THEN ROUND(
                           (EXTRACT(EPOCH FROM end_date - start_date) / 60)::numeric,
                           2
                       )
                       ELSE 0 END
                 WHERE id = ANY(%s)
                """,
                self.ids,
            )
        )
        self.invalidate_recordset(["duration_minutes"])


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
