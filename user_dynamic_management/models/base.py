# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api, models

# fields whose value opens a record (or creates an account) to whoever holds it,
# whatever their rights: written by a switched user, they are voided at the revert
UDM_TOKEN_FIELDS = ("access_token", "signup_token")


class Base(models.AbstractModel):
    _inherit = "base"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        names = {
            name for vals in vals_list for name in UDM_TOKEN_FIELDS if vals.get(name)
        }
        if names:
            records._udm_log_tokens(names)
        return records

    def write(self, vals):
        res = super().write(vals)
        names = [name for name in UDM_TOKEN_FIELDS if vals.get(name)]
        if names and self:
            self._udm_log_tokens(names)
        return res

    def _udm_log_tokens(self, field_names):
        """Log these records' tokens in `field_names` when the current user is switched
        (whether the write runs as sudo or not: portal code writes tokens as sudo).
        One indexed query when nobody is switched; token writes are rare."""
        if self.env.uid == SUPERUSER_ID or "portal.internal.switch" not in self.env:
            return
        switch = (
            self.env["portal.internal.switch"].sudo()._udm_active_for_user(self.env.uid)
        )
        if not switch:
            return
        self.env["portal.internal.switch.token"].sudo().create(
            [
                {
                    "switch_id": switch.id,
                    "res_model": self._name,
                    "res_id": record_id,
                    "field_name": name,
                }
                for record_id in self.ids
                for name in field_names
                if name in self._fields
            ]
        )
