# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.ir_http import SESSION_NEXT_CHECK


class UserDynamicManagement(http.Controller):
    """JSON routes of the backend countdown (ir.http already reverted overdue users).

    type="json" routes only accept an application/json body, which a cross-site form
    cannot send: they need no CSRF token.
    """

    @http.route("/user_dynamic_management/heartbeat", type="json", auth="user")
    def heartbeat(self):
        """Real user input in the backend, or "Stay internal" (sent by the client at
        most once per activity interval).
        """
        Switch = request.env["portal.internal.switch"].sudo()
        Switch._udm_register_activity(request.env.uid)
        return Switch._udm_active_for_user(request.env.uid)._udm_status()

    @http.route("/user_dynamic_management/status", type="json", auth="user")
    def status(self):
        """State of the caller's switch, asked when the countdown reaches zero."""
        Switch = request.env["portal.internal.switch"].sudo()
        return Switch._udm_active_for_user(request.env.uid)._udm_status()

    @http.route(
        "/user_dynamic_management/extend", type="json", auth="user", methods=["POST"]
    )
    def extend(self):
        """ "Extend by N minutes": the caller extends their own switch by the step of
        their policy, within its maximum extension; when the policy requires an
        approval, the approvers are asked instead (an extension request).

        Nothing is read from the request. Returns `extended`, `minutes` (added or
        asked for), `requested` (true: the approvers were asked), `message` (why
        not, and when the access ends; or that the approvers were asked), and
        `status` (the switch's status, for the countdown to show the new end at once).
        """
        uid = request.env.uid
        Switch = request.env["portal.internal.switch"].sudo()
        try:
            # a refusal changes nothing, whatever an override did before raising
            with request.env.cr.savepoint():
                result = Switch._udm_extend_or_ask(uid)
        except UserError as error:
            request.env.invalidate_all()
            return {
                "extended": False,
                "message": error.args[0],
                "status": Switch._udm_active_for_user(uid)._udm_status(),
            }
        answer = {
            "extended": "extended" in result,
            "requested": "requested" in result,
            "minutes": result.get("extended") or result.get("requested"),
            "status": Switch._udm_active_for_user(uid)._udm_status(),
        }
        if answer["requested"]:
            answer["message"] = _(
                "The approvers were asked to extend your internal access by %s "
                "minutes. The new end shows here as soon as one approves it.",
                answer["minutes"],
            )
        return answer

    @http.route("/user_dynamic_management/back_to_portal", type="json", auth="user")
    def back_to_portal(self):
        """ "Back to portal now": the caller switches themselves back to portal.

        Only the session's own user is ever reverted; nothing is read from the request.
        Returns where the client goes next.
        """
        uid = request.env.uid
        request.env["res.users"].sudo().browse(uid)._udm_revert("user")
        # the revert changed the groups this request's env has cached
        request.env.invalidate_all()
        # this session knows it is no longer switched: no "reverted meanwhile" reload
        request.session.pop(SESSION_NEXT_CHECK, None)
        return {"redirect": "/my"}
