# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api, http
from odoo.http import request

from odoo.addons.web.controllers.session import Session


class UserDynamicManagementSession(Session):
    """Logging out reverts a switched user.

    Session.logout() clears the session before ir.http._post_logout() runs, so the uid
    must be read here, before calling super (it was validated by ir.http._authenticate).
    """

    @http.route()
    def logout(self, redirect="/web"):
        self._udm_revert_on_logout()
        return super().logout(redirect=redirect)

    @http.route()
    def destroy(self):
        self._udm_revert_on_logout()
        return super().destroy()

    def _udm_revert_on_logout(self):
        uid = request.session.uid
        if uid and request.db:
            env = api.Environment(request.env.cr, SUPERUSER_ID, {})
            env["res.users"].browse(uid)._udm_revert("logout")
