# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""XML-RPC and /jsonrpc with a password or an API key: after the deadline the call is
served as the portal user, and keys minted while switched die with the switch."""

import json
from datetime import timedelta
from xmlrpc.client import Fault

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from .common import UdmCommon


@tagged("post_install", "-at_install")
class TestRpcAfterDeadline(UdmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._udm_setup()
        cls.db = get_db_name()

    def _xmlrpc_share(self, user, secret):
        """The user's own `share` as an XML-RPC call with `secret` reads it."""
        (row,) = self.xmlrpc_object.execute_kw(
            self.db, user.id, secret, "res.users", "read", [[user.id], ["share"]]
        )
        return row["share"]

    def _jsonrpc_share(self, user, secret):
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "service": "object",
                        "method": "execute_kw",
                        "args": [
                            self.db,
                            user.id,
                            secret,
                            "res.users",
                            "read",
                            [[user.id], ["share"]],
                        ],
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        if "error" in body:
            return body["error"]
        return body["result"][0]["share"]

    def _switch_and_expire(self, user):
        switch = user._udm_switch_to_internal()
        self.assertFalse(self._xmlrpc_share(user, f"{user.login}_pw_123"))
        switch.sudo()._udm_own().write(
            {"deadline": fields.Datetime.now() - timedelta(seconds=1)}
        )
        self.env.flush_all()
        return switch

    def test_xmlrpc_with_password_after_deadline_is_portal(self):
        user = self.portal_user
        switch = self._switch_and_expire(user)
        self.assertTrue(self._xmlrpc_share(user, f"{user.login}_pw_123"))
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "idle"))
        self.assertTrue(user.share)

    def test_jsonrpc_with_api_key_after_deadline_is_portal(self):
        user = self.portal_user
        key = (
            self.env["res.users.apikeys"].with_user(user)._generate(None, "Portal key")
        )
        switch = self._switch_and_expire(user)
        self.assertIs(self._jsonrpc_share(user, key), True)
        self.env.invalidate_all()
        self.assertEqual((switch.state, switch.reason), ("reverted", "idle"))

    def test_rpc_before_deadline_stays_internal(self):
        user = self.portal_user
        switch = user._udm_switch_to_internal()
        self.assertFalse(self._xmlrpc_share(user, f"{user.login}_pw_123"))
        self.assertEqual(switch.state, "active")

    @mute_logger("odoo.http")
    def test_api_key_minted_while_switched_refused_after_revert(self):
        user = self.portal_user
        user._udm_switch_to_internal()
        key = self.env["res.users.apikeys"].with_user(user)._generate(None, "Mine")
        self.assertFalse(self._xmlrpc_share(user, key))
        user._udm_revert("logout")
        with self.assertRaises(Fault) as caught:
            self._xmlrpc_share(user, key)
        self.assertIn("Access Denied", caught.exception.faultString)
        error = self._jsonrpc_share(user, key)
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessDenied")
