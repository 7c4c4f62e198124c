# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import fields, models


class PortalInternalSwitchToken(models.Model):
    """A token a switched user wrote (an access token, a signup token), voided at the
    revert of the switch.

    Logged by models/base.py when a write or a create by a switched user sets one of
    the token fields, on whichever model carries it: insert-only rows, so that the
    requests of a switched user never wait on the switch's own row.
    """

    _name = "portal.internal.switch.token"
    _description = "Token Written While Switched"
    _log_access = False

    switch_id = fields.Many2one(
        comodel_name="portal.internal.switch",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", required=True, readonly=True
    )
    field_name = fields.Char(string="Field", required=True, readonly=True)

    def _udm_void(self):
        """Clear the logged tokens (a signup token is cancelled with its type and
        expiry), then forget them; return how many records were voided."""
        ids_by_target = defaultdict(set)
        for token in self:
            ids_by_target[(token.res_model, token.field_name)].add(token.res_id)
        voided = 0
        for (model_name, field_name), ids in ids_by_target.items():
            if model_name not in self.env or field_name not in self.env[model_name]:
                continue  # the addon of that model was uninstalled meanwhile
            records = self.env[model_name].sudo().browse(list(ids)).exists()
            if field_name == "signup_token" and hasattr(records, "signup_cancel"):
                records.signup_cancel()
            else:
                records.write({field_name: False})
            voided += len(records)
        self.unlink()
        return voided
