# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.urls import url_encode

from odoo import SUPERUSER_ID, api, http
from odoo.http import request

from odoo.addons.web.controllers.session import Session

from .portal import SESSION_LOGGED_OUT_KEY


class UserDynamicManagementSession(Session):
    """Logging out reverts a switched user.

    Session.logout() clears the session before ir.http._post_logout() runs, so the uid
    must be read here, before calling super (it was validated by ir.http._authenticate).
    """

    @http.route()
    def logout(self, redirect="/web"):
        uid = request.session.uid
        reverted = self._udm_revert_on_logout()
        if reverted:
            redirect = self._udm_logout_redirect(redirect)
        response = super().logout(redirect=redirect)
        if reverted:
            self._udm_remember_logout(uid, reverted)
        return response

    @http.route()
    def destroy(self):
        uid = request.session.uid
        reverted = self._udm_revert_on_logout()
        response = super().destroy()
        if reverted:
            self._udm_remember_logout(uid, reverted)
        return response

    def _udm_revert_on_logout(self):
        """Revert the logged-in user if switched; return the reverted switches.

        Their notice stays for /my: the user's other browsers, sent there by the
        revert, say that the logout happened elsewhere (controllers/portal.py).
        """
        uid = request.session.uid
        if not (uid and request.db):
            return False
        env = api.Environment(request.env.cr, SUPERUSER_ID, {})
        return env["res.users"].browse(uid)._udm_revert("logout")

    def _udm_remember_logout(self, uid, switches):
        """Mark this browser's session, emptied by the logout, as the one that ended
        `switches` of `uid`: the page it lands on says why (below), its /my after the
        next login does not say it again."""
        request.session[SESSION_LOGGED_OUT_KEY] = {
            "uid": uid,
            "switch_ids": switches.ids,
        }

    def _udm_logout_redirect(self, redirect):
        """Where a reverted user lands after logging out: the login page, which says
        why they are a portal user again, then where the logout was going.
        """
        return "/web/login?" + url_encode(
            {"udm_reverted": "logout", "redirect": redirect}
        )
