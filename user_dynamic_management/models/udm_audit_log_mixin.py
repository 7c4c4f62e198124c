# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import AccessError

from .const import OWN_WRITE_CONTEXT, is_own_write


class UdmAuditLogMixin(models.AbstractModel):
    """A log only the addon's own code writes (the switches, the refused switches).

    ACLs already refuse writes over RPC; this guard also holds if someone grants them,
    or calls create(), write() or unlink() as a superuser by mistake. The context key
    alone is not enough (RPC callers choose their context): the caller must also be
    sudo. A model inheriting the mixin says in `_udm_own_write_refusal()` what a
    refused writer is told.
    """

    _name = "udm.audit.log.mixin"
    _description = "Log Written by the Addon Only"

    def _udm_check_own_write(self):
        """Raise AccessError unless the change comes from the addon's private methods
        (sudo, with the trusted-write marker)."""
        if not (self.env.su and is_own_write(self.env)):
            raise AccessError(self._udm_own_write_refusal())

    def _udm_own(self):
        """These records as the addon's own code handles them (sudo, may write)."""
        return self.sudo().with_context(**OWN_WRITE_CONTEXT)

    @api.model_create_multi
    def create(self, vals_list):
        self._udm_check_own_write()
        return super().create(vals_list)

    def write(self, vals):
        self._udm_check_own_write()
        return super().write(vals)

    def unlink(self):
        self._udm_check_own_write()
        return super().unlink()
