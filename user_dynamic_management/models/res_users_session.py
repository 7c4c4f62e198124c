# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The user's session token, signed with an epoch an administrator bumps to end
every session of the user ("Revert and log out"), and the deadline enforced on
XML-RPC and /jsonrpc calls."""

import hashlib
import hmac
import logging

from psycopg2 import OperationalError

from odoo import SUPERUSER_ID, api, models, tools
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    @tools.ormcache("sid")
    def _compute_session_token(self, sid):
        """Odoo's token, signed again with the session epoch once it was bumped.

        Why not a session token field: every token of the database would change at
        install and at uninstall, logging everyone out. An epoch of 0 (never bumped)
        leaves Odoo's token as it is. Cached per session id like Odoo's.
        """
        token = super()._compute_session_token(sid)
        if not token:
            return token
        self.env.cr.execute(
            SQL("SELECT udm_session_epoch FROM res_users WHERE id = %s", self.id)
        )
        row = self.env.cr.fetchone()
        epoch = row and row[0]
        if not epoch:
            return token
        return hmac.new(token.encode(), str(epoch).encode(), hashlib.sha256).hexdigest()

    @classmethod
    def check(cls, db, uid, passwd):
        """Every XML-RPC and /jsonrpc call authenticates here (password or API key)
        before it is dispatched: a user past their deadline is switched back first, so
        the call is served as the portal user, exactly like a browser request."""
        res = super().check(db, uid, passwd)
        cls._udm_enforce_deadline_rpc(uid)
        return res

    @classmethod
    def _udm_enforce_deadline_rpc(cls, uid):
        """Revert `uid` if due, in a transaction of its own that commits before the
        call is dispatched (the dispatch opens its own cursor afterwards, so it sees the
        portal groups). One indexed SELECT when nothing is due."""
        registry = cls.pool
        try:
            with registry.manage_changes(), registry.cursor() as cr:
                Switch = api.Environment(cr, SUPERUSER_ID, {})["portal.internal.switch"]
                if Switch._udm_is_due(uid):
                    Switch._udm_check_deadline(uid)
        except OperationalError as error:
            # reverted concurrently (cron, another call): committed by the other one
            if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            _logger.info("RPC revert of user #%s done concurrently: %s", uid, error)
