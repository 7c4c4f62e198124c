# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.home import Home

from .portal import UserDynamicManagementPortal

# reasons the login page may explain (a code in the URL, never text from the URL)
LOGIN_REASONS = ("logout",)


class UserDynamicManagementHome(Home):
    @http.route()
    def web_login(self, *args, **kw):
        """The login page a user lands on after a logout that reverted them says why."""
        response = super().web_login(*args, **kw)
        reason = request.params.get("udm_reverted")
        if (
            request.httprequest.method == "GET"
            and reason in LOGIN_REASONS
            and getattr(response, "qcontext", None) is not None
        ):
            response.qcontext["udm_login_message"] = (
                UserDynamicManagementPortal._udm_revert_message(reason)
            )
        return response
