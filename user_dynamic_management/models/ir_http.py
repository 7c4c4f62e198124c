# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timezone

from odoo import SUPERUSER_ID, api, fields, models
from odoo.http import SessionExpiredException, request

_logger = logging.getLogger(__name__)

# our own JSON routes answer "reverted" themselves instead of a session-expired error
OWN_JSON_PREFIX = "/user_dynamic_management/"
SESSION_NEXT_CHECK = "user_dynamic_management_next_check"


def _epoch(value):
    """UTC naive datetime → epoch seconds (JSON-serialisable for the session)."""
    return value.replace(tzinfo=timezone.utc).timestamp()


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _authenticate(cls, endpoint):
        res = super()._authenticate(endpoint)
        uid = request.session.uid
        if uid and request.db:
            cls._udm_enforce_idle_deadline(uid, endpoint)
        return res

    @classmethod
    def _udm_enforce_idle_deadline(cls, uid, endpoint):
        """Serve a request arriving after the idle deadline as the portal user.

        The session remembers until when no check is needed (at most a minute, never
        past the deadline), so almost every request costs no query at all.
        /web is auth='none', so the session uid is used, with a superuser env.
        """
        now = fields.Datetime.now()
        cached = request.session.get(SESSION_NEXT_CHECK)
        mine = isinstance(cached, dict) and cached.get("uid") == uid
        if mine and _epoch(now) < cached["next_check"]:
            return
        is_backend_rpc = endpoint.routing.get(
            "type"
        ) == "json" and not request.httprequest.path.startswith(OWN_JSON_PREFIX)
        Switch = api.Environment(request.env.cr, SUPERUSER_ID, {})[
            "portal.internal.switch"
        ]
        if is_backend_rpc and Switch._udm_is_due(uid):
            # A backend RPC after the deadline is answered "session expired", without
            # writing anything (the answer rolls the request back): the web client
            # reloads /web, an http request which reverts the user below and lands on
            # /my. Until then every request checks again (nothing cached).
            request.session.pop(SESSION_NEXT_CHECK, None)
            raise SessionExpiredException("Deadline passed")
        # served as the portal user it now is: revert (if due) in the request's own
        # cursor, whose snapshot must see the new groups
        check = Switch._udm_check_deadline(uid)
        # written to the session store at most once a minute per session
        request.session[SESSION_NEXT_CHECK] = {
            "uid": uid,
            "next_check": _epoch(check["next_check"]),
            "switched": check["switched"],
        }
        # reverted now, or meanwhile by someone else (admin, logout in another browser,
        # the revert job) while this session was working in the backend
        reverted_meanwhile = mine and cached.get("switched") and not check["switched"]
        if not check["reverted"] and not reverted_meanwhile:
            return
        # the request's env caches the old groups
        request.env.invalidate_all()
        if is_backend_rpc:
            raise SessionExpiredException("Switched back to a portal user")

    def session_info(self):
        info = super().session_info()
        uid = request.session.uid
        if uid:
            switch = self.env["portal.internal.switch"].sudo()._udm_active_for_user(uid)
            if switch:
                info["user_dynamic_management"] = switch._udm_status()
        return info
