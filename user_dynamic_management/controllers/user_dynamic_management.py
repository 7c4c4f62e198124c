# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request


class UserDynamicManagement(http.Controller):
    """JSON routes of the backend countdown (ir.http already reverted overdue users)."""

    @http.route("/user_dynamic_management/heartbeat", type="json", auth="user")
    def heartbeat(self):
        """Real user input in the backend (sent by the client at most once a minute)."""
        Switch = request.env["portal.internal.switch"].sudo()
        Switch._udm_register_activity(request.env.uid)
        return Switch._udm_active_for_user(request.env.uid)._udm_status()

    @http.route("/user_dynamic_management/status", type="json", auth="user")
    def status(self):
        """State of the caller's switch, asked when the countdown reaches zero."""
        Switch = request.env["portal.internal.switch"].sudo()
        return Switch._udm_active_for_user(request.env.uid)._udm_status()
