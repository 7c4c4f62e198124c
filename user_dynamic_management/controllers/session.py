# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.urls import url_encode

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
        if self._udm_revert_on_logout():
            redirect = self._udm_logout_redirect(redirect)
        return super().logout(redirect=redirect)

    @http.route()
    def destroy(self):
        self._udm_revert_on_logout()
        return super().destroy()

    def _udm_revert_on_logout(self):
        """Revert the logged-in user if switched; return the reverted switches."""
        uid = request.session.uid
        if not (uid and request.db):
            return False
        env = api.Environment(request.env.cr, SUPERUSER_ID, {})
        user = env["res.users"].browse(uid)
        switches = user._udm_revert("logout")
        if switches:
            # the page the user lands on says why (below): not again after the next
            # login
            user._udm_pop_revert_notice()
        return switches

    def _udm_logout_redirect(self, redirect):
        """Where a reverted user lands after logging out: the login page, which says
        why they are a portal user again, then where the logout was going.
        """
        return "/web/login?" + url_encode(
            {"udm_reverted": "logout", "redirect": redirect}
        )
