# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PortalInternalSwitchGrant(models.Model):
    """A planned period during which a portal user may switch without a Full User
    Request and outside their template's windows: an association gives a volunteer
    internal access for Saturday's event, 08:00 to 18:00, and nobody has to be online
    to approve then. The switch ends at the end of the period at the latest. The user
    must still be allowed to switch (Allow flag or group)."""

    _name = "portal.internal.switch.grant"
    _description = "Planned Internal Access"
    _order = "date_start desc, id desc"

    user_id = fields.Many2one(
        comodel_name="res.users",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("share", "=", True)],
    )
    date_start = fields.Datetime(string="From", required=True)
    date_end = fields.Datetime(string="To", required=True)
    note = fields.Char()

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for grant in self:
            if grant.date_end <= grant.date_start:
                raise ValidationError(
                    _("A planned internal access must end after it starts.")
                )

    @api.model
    def _udm_current(self, user, now):
        """The grant of `user` covering `now` that ends last, or an empty recordset."""
        return self.sudo().search(
            [
                ("user_id", "=", user.id),
                ("date_start", "<=", now),
                ("date_end", ">", now),
            ],
            order="date_end desc",
            limit=1,
        )
