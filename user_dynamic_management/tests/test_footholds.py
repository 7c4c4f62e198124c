# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Nothing outlives a switch: what a switched portal user opens with an employee's
powers (chats, followers, tokens, group changes, sockets) is gone after the revert,
and no template lets them take over another account. Every attack goes through the
channels a hostile client has (JSON-RPC over HTTP, a raw websocket)."""

import hashlib
import hmac
import json
from datetime import timedelta

import requests
from freezegun import freeze_time

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.bus.tests.common import WebsocketCase

from .common import UdmCommon

SWITCH_URL = "/my/switch_to_internal"
IDENTITY_REFUSED = (
    "While switched to an internal user, you cannot change the name or e-mail of "
    "another user's contact."
)
USERS_REFUSED = (
    "While switched to an internal user, you cannot create users or change another "
    "user's account."
)


class FootholdCommon(UdmCommon):
    @classmethod
    def _foothold_setup(cls):
        cls._udm_setup()
        # the demo's "Template A": Internal User + Contact Creation, an ordinary
        # template the guard accepts
        cls.template.groups_id = [
            Command.link(cls.env.ref("base.group_partner_manager").id)
        ]
        cls.victim = cls._udm_portal_user("udm_victim", allowed=False)
        cls.victim.partner_id.email = "victim@example.com"
        cls.company = cls.env["res.partner"].create(
            {"name": "UDM Internal Supplier", "is_company": True}
        )

    def _switch_over_http(self, user):
        self._udm_confirm_password(False)
        self.authenticate(user.login, f"{user.login}_pw_123")
        response = self.url_open(
            SWITCH_URL,
            data={"password": "none", "csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.assertTrue(response.headers["Location"].endswith("/web"))
        self.env.invalidate_all()
        switch = self._udm_active(user)
        self.assertTrue(switch)
        return switch

    def _rpc(self, model, method, *args, context=None, **kwargs):
        """A JSON-RPC of the web client; returns the decoded answer (result or
        error), never raises, so that what the request committed stays."""
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": dict(kwargs, context=context or {}),
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def _assert_refused(self, answer, message):
        self.assertIn("error", answer, answer)
        self.assertIn(message, answer["error"]["data"]["message"])

    def _revert(self, switch):
        switch.with_user(self.admin_user).action_revert_now()
        self.env.invalidate_all()
        self.assertEqual(switch.state, "reverted")


@tagged("post_install", "-at_install")
class TestFootholds(FootholdCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._foothold_setup()

    @mute_logger("odoo.http")
    def test_no_takeover_of_another_portal_users_contact(self):
        self._switch_over_http(self.portal_user)
        partner = self.victim.partner_id
        before = partner.read(["name", "email"])
        for values in ({"email": "attacker@example.com"}, {"name": "Attacker"}):
            self._assert_refused(
                self._rpc("res.partner", "write", [partner.id], values),
                IDENTITY_REFUSED,
            )
        # nor through the stock "Grant portal access" wizard, which writes as sudo
        wizard = self._rpc(
            "portal.wizard", "create", {"partner_ids": [Command.set([partner.id])]}
        )
        self.assertIn("result", wizard)
        self.env.invalidate_all()
        self.assertEqual(partner.read(["name", "email"]), before)
        # an ordinary contact without a user stays editable: Contact Creation works
        answer = self._rpc(
            "res.partner", "write", [self.company.id], {"email": "new@example.com"}
        )
        self.assertEqual(answer.get("result"), True, answer)
        # the user's own contact stays theirs (governed by Portal Access Groups)
        answer = self._rpc(
            "res.partner",
            "write",
            [self.portal_user.partner_id.id],
            {"name": "Portal One"},
        )
        self.assertEqual(answer.get("result"), True, answer)

    @mute_logger("odoo.http")
    def test_no_user_created_or_changed(self):
        self._switch_over_http(self.portal_user)
        count = self.env["res.users"].with_context(active_test=False).search_count([])
        self._assert_refused(
            self._rpc(
                "res.users", "create", {"name": "Sock", "login": "sock@example.com"}
            ),
            USERS_REFUSED,
        )
        self.env.invalidate_all()
        self.assertEqual(
            self.env["res.users"].with_context(active_test=False).search_count([]),
            count,
        )

    def test_own_write_marker_cannot_be_forged(self):
        switch = self._switch_over_http(self.portal_user)
        inbox = self.env.ref("mail.group_mail_notification_type_inbox")
        self.assertNotIn(inbox, self.portal_user.groups_id)
        # the notification preference edits groups; the addon's context key, sent by
        # the client, must not make that write look like the addon's own
        answer = self._rpc(
            "res.users",
            "write",
            [self.portal_user.id],
            {"notification_type": "inbox"},
            context={"udm_own_write": True},
        )
        self.assertEqual(answer.get("result"), True, answer)
        self.env.invalidate_all()
        self.assertIn(inbox, self.portal_user.groups_id)
        self._revert(switch)
        self.assertNotIn(inbox, self.portal_user.groups_id)
        self.assertEqual(self.portal_user.groups_id, switch.group_ids)

    def test_followers_added_while_switched_are_removed(self):
        switch = self._switch_over_http(self.portal_user)
        partner_id = self.portal_user.partner_id.id
        for record in (self.company, self.portal_user.partner_id):
            answer = self._rpc(
                "res.partner",
                "message_subscribe",
                [record.id],
                partner_ids=[partner_id],
            )
            self.assertEqual(answer.get("result"), True, answer)
        Followers = self.env["mail.followers"]
        domain = [("partner_id", "=", partner_id), ("res_model", "=", "res.partner")]
        self.assertEqual(
            set(Followers.search(domain).mapped("res_id")),
            {self.company.id, partner_id},
        )
        self._revert(switch)
        # the internal record is unfollowed; the user's own contact, which a portal
        # user reads, stays followed
        self.assertEqual(Followers.search(domain).mapped("res_id"), [partner_id])

    def test_chats_opened_while_switched_are_left(self):
        switch = self._switch_over_http(self.portal_user)
        answer = self._rpc(
            "discuss.channel", "channel_get", [self.internal_user.partner_id.id]
        )
        channel = self.env["discuss.channel"].browse(answer["result"]["id"])
        self.assertIn(
            self.portal_user.partner_id, channel.channel_member_ids.partner_id
        )
        self._revert(switch)
        self.assertNotIn(
            self.portal_user.partner_id, channel.channel_member_ids.partner_id
        )
        # nor #general, joined by becoming an Internal User
        general = self.env.ref("mail.channel_all_employees", raise_if_not_found=False)
        if general:
            self.assertNotIn(
                self.portal_user.partner_id, general.channel_member_ids.partner_id
            )
        answer = self._rpc("discuss.channel", "read", [channel.id], ["name"])
        self.assertIn("error", answer)

    def test_attachment_token_made_while_switched_is_voided(self):
        attachment = self.env["ir.attachment"].create(
            {
                "name": "internal.txt",
                "raw": b"internal only",
                "res_model": "res.partner",
                "res_id": self.company.id,
            }
        )
        switch = self._switch_over_http(self.portal_user)
        answer = self._rpc("ir.attachment", "generate_access_token", [attachment.id])
        token = answer["result"][0]
        url = f"{self.base_url()}/web/content/{attachment.id}?access_token={token}"
        # anyone holding the link, anonymous too, reads the internal file
        self.assertEqual(requests.get(url, timeout=10).content, b"internal only")
        self._revert(switch)
        self.assertFalse(attachment.access_token)
        self.assertEqual(requests.get(url, timeout=10).status_code, 404)
        self.assertFalse(self.env["portal.internal.switch.token"].search([]))

    def test_signup_token_handed_while_switched_is_cancelled(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2c"
        )
        contact = self.env["res.partner"].create(
            {"name": "UDM Customer Contact", "email": "contact@example.com"}
        )
        # an invitation prepared by an employee before the switch
        other = self.env["res.partner"].create(
            {"name": "UDM Invited Contact", "email": "invited@example.com"}
        )
        other.signup_prepare()
        invited = other.signup_token
        switch = self._switch_over_http(self.portal_user)
        answer = self._rpc("res.partner", "signup_get_auth_param", [other.id])
        self.assertEqual(answer["result"][str(other.id)]["auth_signup_token"], invited)
        answer = self._rpc("res.partner", "signup_get_auth_param", [contact.id])
        token = answer["result"][str(contact.id)]["auth_signup_token"]
        self.assertTrue(token)
        self._revert(switch)
        Partner = self.env["res.partner"].sudo()
        self.assertFalse(Partner._signup_retrieve_partner(token))
        self.assertFalse(Partner._signup_retrieve_partner(invited))
        self.assertFalse(contact.sudo().signup_token)


@tagged("post_install", "-at_install")
class TestWithdrawals(FootholdCommon, HttpCase):
    """Withdrawing what allowed a switch ends the running switch at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._foothold_setup()

    def _switch(self, user=None):
        return (user or self.portal_user)._udm_switch_to_internal()

    def test_allowed_until_in_the_past(self):
        switch = self._switch()
        yesterday = fields.Date.today() - timedelta(days=1)
        self.portal_user.with_user(self.admin_user).udm_allowed_until = yesterday
        self.assertEqual(switch.state, "reverted")
        self.assertEqual(switch.reason, "admin")
        self.assertTrue(self.portal_user.share)

    def test_allowed_until_ignores_the_users_own_timezone(self):
        # 05:00 UTC on March 2nd is 17:00 on March 1st at UTC-12
        with freeze_time("2026-03-02 05:00:00"):
            self.portal_user.sudo().write(
                {"tz": "Etc/GMT+12", "udm_allowed_until": "2026-03-01"}
            )
            self.assertFalse(self.portal_user._udm_can_switch())
            with self.assertRaisesRegex(Exception, "ended on 2026-03-01"):
                self._switch()

    def _group_eligible_user(self):
        group = self.env["res.groups"].create(
            {"name": "UDM customers who may switch", "udm_may_switch": True}
        )
        user = self._udm_portal_user("udm_by_group", allowed=False)
        user.groups_id = [Command.link(group.id)]
        return group, user

    def test_removed_from_the_eligibility_group(self):
        group, user = self._group_eligible_user()
        switch = self._switch(user)
        group.with_user(self.admin_user).sudo().users = [Command.unlink(user.id)]
        self.assertEqual(switch.state, "reverted")
        self.assertTrue(user.share)

    def test_members_may_switch_unticked(self):
        group, user = self._group_eligible_user()
        switch = self._switch(user)
        group.udm_may_switch = False
        self.assertEqual(switch.state, "reverted")
        self.assertTrue(user.share)

    def test_template_loses_a_group(self):
        switch = self._switch()
        other = self._switch(self.portal_user2)
        self.assertIn(self.group_template_extra, self.portal_user.groups_id)
        # a group added to the template leaves running switches as they are
        extra = self.env["res.groups"].create({"name": "UDM another group"})
        self.template.groups_id = [Command.link(extra.id)]
        self.assertEqual((switch | other).mapped("state"), ["active", "active"])
        self.template.groups_id = [Command.unlink(self.group_template_extra.id)]
        self.assertEqual((switch | other).mapped("state"), ["reverted", "reverted"])
        self.assertNotIn(self.group_template_extra, self.portal_user.groups_id)

    def test_install_keeps_sessions(self):
        """An epoch of 0 leaves Odoo's session token as it is: installing the addon
        logs nobody out."""
        user = self.internal_user
        sid = "a" * 84
        # Odoo's own token: HMAC of the session id keyed by these columns and the
        # database secret (base's res.users._compute_session_token)
        columns = SQL(", ").join(
            SQL.identifier(name) for name in sorted(user._get_session_token_fields())
        )
        self.env.cr.execute(
            SQL(
                "SELECT %s, (SELECT value FROM ir_config_parameter"
                " WHERE key='database.secret') FROM res_users WHERE id = %s",
                columns,
                user.id,
            )
        )
        # the key is the row's text, as Odoo writes it ("%s" % (row,))
        key = str(self.env.cr.fetchone()).encode()
        expected = hmac.new(key, sid.encode(), hashlib.sha256).hexdigest()
        self.assertEqual(user._compute_session_token(sid), expected)
        user.sudo().udm_session_epoch = 1
        user.flush_recordset()
        self.env.registry.clear_cache()
        self.assertNotEqual(user._compute_session_token(sid), expected)


@tagged("post_install", "-at_install")
class TestSocketAfterRevert(FootholdCommon, WebsocketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._foothold_setup()

    def test_socket_subscribed_while_switched_closes_at_revert(self):
        switch = self._switch_over_http(self.portal_user)
        channel = self.env["discuss.channel"].browse(
            self._rpc(
                "discuss.channel", "channel_get", [self.internal_user.partner_id.id]
            )["result"]["id"]
        )
        websocket = self.websocket_connect(cookie=f"session_id={self.session.sid}")
        self.subscribe(websocket, [], self.env["bus.bus"]._bus_last_id())
        # while switched, the chat's messages arrive
        channel.with_user(self.internal_user).message_post(
            body="still internal", message_type="comment"
        )
        self.trigger_notification_dispatching([channel])
        self.assertIn("still internal", websocket.recv())

        self._revert(switch)
        channel.sudo().message_post(body="after the revert", message_type="comment")
        self.trigger_notification_dispatching([channel])
        self.assert_close_with_code(websocket, 4001)


@tagged("post_install", "-at_install")
class TestRevokePortalWhileSwitched(FootholdCommon, HttpCase):
    """Grant portal access shows a switched user as a portal user whose access can be
    revoked; revoking ends the switch first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._foothold_setup()

    def test_revoke_ends_the_switch(self):
        switch = self.portal_user._udm_switch_to_internal()
        # an employee with Contact Creation, who grants and revokes portal access
        employee = self.internal_user
        employee.groups_id = [
            Command.link(self.env.ref("base.group_partner_manager").id)
        ]
        wizard = (
            self.env["portal.wizard"]
            .with_user(employee)
            .with_context(active_ids=[self.portal_user.partner_id.id])
            .create({})
        )
        line = wizard.user_ids.filtered(
            lambda wizard_user: wizard_user.user_id == self.portal_user
        )
        self.assertTrue(line.udm_switched)
        self.assertTrue(line.is_portal)
        self.assertFalse(line.is_internal)
        line.action_revoke_access()
        self.assertEqual(switch.state, "reverted")
        self.assertEqual(switch.reason, "admin")
        self.assertFalse(self.portal_user.active)
        self.assertNotIn(self.group_portal, self.portal_user.groups_id)

    def test_no_template_from_a_switched_user(self):
        self.portal_user._udm_switch_to_internal()
        count = self.env["res.users"].with_context(active_test=False).search_count([])
        with self.assertRaisesRegex(UserError, "their groups are temporary"):
            self.portal_user.with_user(
                self.admin_user
            ).action_create_access_right_template()
        self.assertEqual(
            self.env["res.users"].with_context(active_test=False).search_count([]),
            count,
        )
