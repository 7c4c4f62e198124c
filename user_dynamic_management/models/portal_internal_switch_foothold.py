# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a switched user leaves behind, and how every revert removes it.

A portal user holds an employee's powers while switched; what they open with those
powers (credentials, access and signup tokens, chats and channel memberships,
followers of internal records, websockets) must not outlive the switch. After a
revert the user reaches what they reached before the switch, plus what an
administrator granted meanwhile.

- Rows a user creates in "marked" tables are told apart by an id above the
  highest id at the switch (`credential_marks`, one number per table).
- Tokens written while switched are logged in `portal.internal.switch.token`
  (models/base.py), whichever model carries them.
- Websockets carry a marker channel of the switch (models/ir_websocket.py) and close
  themselves at their next notification once the switch has ended (models/bus_bus.py):
  the browser reconnects and subscribes again with portal rights. Sessions stay: they
  are the portal user's own, and rights are read from the database at each request.
"""

import logging
from collections import defaultdict

from odoo import _, api, models
from odoo.tools import SQL
from odoo.tools.misc import format_datetime

_logger = logging.getLogger(__name__)


class PortalInternalSwitch(models.Model):
    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _udm_foothold_kinds(self):
        """Kinds of footholds a revert removes, in order. Each kind `k` is removed by
        `_udm_close_k()`, called on the switches being reverted once their users have
        their portal groups back (so that what a portal user may read can be asked).
        Extension point: append the name of your kind and define its method."""
        return ["credentials", "tokens", "channel_memberships", "followers"]

    def _udm_close_footholds(self):
        """Remove every foothold these switches' users opened while switched."""
        for kind in self._udm_foothold_kinds():
            getattr(self, f"_udm_close_{kind}")()

    @api.model
    def _udm_credential_models(self):
        """Models of the credentials a user can mint for themselves while internal
        (API keys, trusted 2FA devices). Extension point: add your model's name if its
        table has `id` and `user_id` columns."""
        return [
            model
            for model in ("res.users.apikeys", "auth_totp.device")
            if model in self.env
        ]

    @api.model
    def _udm_marked_models(self):
        """Models whose rows created during a switch are footholds, told apart by an
        id above the highest id existing at the switch (the switch's marks)."""
        return self._udm_credential_models() + [
            model
            for model in ("discuss.channel.member", "mail.followers")
            if model in self.env
        ]

    @api.model
    def _udm_marks(self):
        """Highest id of each marked table now: what is above was created later."""
        marks = {}
        for model in self._udm_marked_models():
            self.env.cr.execute(
                SQL(
                    "SELECT COALESCE(MAX(id), 0) FROM %s",
                    SQL.identifier(self.env[model]._table),
                )
            )
            marks[model] = self.env.cr.fetchone()[0]
        return marks

    def _udm_close_credentials(self):
        """Delete the credentials these switches' users created during the switch.

        A portal user must not keep what they minted as an internal user: an API key
        would otherwise authenticate XML-RPC after the revert, and survive a password
        reset. One DELETE per credential model, whatever the number of switches; what
        was removed is listed on each switch.
        """
        removed = defaultdict(list)
        for model in self._udm_credential_models():
            for switch_id, text in self._udm_delete_credentials(model):
                removed[switch_id].append(text)
        if not removed:
            return removed
        self._udm_list_removed_credentials(removed)
        _logger.info(
            "Revert: removed %d credential(s) minted while switched",
            sum(len(items) for items in removed.values()),
        )
        return removed

    def _udm_delete_credentials(self, model):
        """Delete the rows of the credential `model` these switches' users created
        during their switch (id above the switch's mark), in one DELETE; return
        [(switch id, what was removed, for a person)]."""
        Model = self.env[model]
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM %(table)s cred
                 USING portal_internal_switch sw
                 WHERE sw.id = ANY(%(ids)s)
                   AND cred.user_id = sw.user_id
                   AND cred.id > COALESCE(
                           (sw.credential_marks ->> %(model)s)::int, 0)
             RETURNING sw.id, cred.name, cred.create_date
                """,
                table=SQL.identifier(Model._table),
                ids=self.ids,
                model=model,
            )
        )
        deleted = [
            (
                switch_id,
                _(
                    "%(kind)s %(name)s (created %(date)s)",
                    kind=Model._description,
                    name=name,
                    date=format_datetime(self.env, create_date, tz="UTC"),
                ),
            )
            for switch_id, name, create_date in self.env.cr.fetchall()
        ]
        Model.invalidate_model()
        return deleted

    def _udm_list_removed_credentials(self, removed):
        """Write on each switch what was removed of its user's credentials
        ({switch id: [lines]}), in one UPDATE (the switches are an audit log)."""
        ids = list(removed)
        self.env.cr.execute(
            SQL(
                """
                UPDATE portal_internal_switch sw
                   SET removed_credentials = v.text
                  FROM unnest(%s::int[], %s::text[]) AS v(id, text)
                 WHERE sw.id = v.id
                """,
                ids,
                ["\n".join(removed[switch_id]) for switch_id in ids],
            )
        )
        self.invalidate_model(["removed_credentials"])

    def _udm_rows_above_marks(self, model, partner_column):
        """Ids of `model`'s rows whose `partner_column` is the partner of one of these
        switches' users, created during the switch (id above its mark). Switches
        opened before the table was marked are skipped: without a mark, nothing tells
        old rows from new ones."""
        if model not in self.env:
            return []
        self.env.cr.execute(
            SQL(
                """
                SELECT row.id
                  FROM %(table)s row
                  JOIN res_users u ON u.partner_id = row.%(column)s
                  JOIN portal_internal_switch sw ON sw.user_id = u.id
                 WHERE sw.id = ANY(%(ids)s)
                   AND sw.credential_marks ? %(model)s
                   AND row.id > (sw.credential_marks ->> %(model)s)::int
                """,
                table=SQL.identifier(self.env[model]._table),
                column=SQL.identifier(partner_column),
                ids=self.ids,
                model=model,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _udm_close_channel_memberships(self):
        """Leave the channels and direct chats joined while switched: their messages
        are employees' conversations, readable only by members."""
        member_ids = self._udm_rows_above_marks("discuss.channel.member", "partner_id")
        if member_ids:
            self.env["discuss.channel.member"].sudo().browse(member_ids).unlink()
            _logger.info(
                "Revert: left %d channel(s) joined while switched", len(member_ids)
            )

    def _udm_close_followers(self):
        """Unfollow the records followed while switched that the portal user may not
        read: a follower is e-mailed the record's messages, whatever their rights.
        Records the portal user may read (their own orders, say) stay followed."""
        follower_ids = self._udm_rows_above_marks("mail.followers", "partner_id")
        if not follower_ids:
            return
        Followers = self.env["mail.followers"].sudo()
        followers = Followers.browse(follower_ids)
        users_by_partner = {
            switch.user_id.partner_id: switch.user_id for switch in self
        }
        to_remove = Followers.browse()
        by_target = defaultdict(lambda: Followers.browse())
        for follower in followers:
            by_target[
                (users_by_partner.get(follower.partner_id), follower.res_model)
            ] |= follower
        for (user, model_name), group in by_target.items():
            if not user or model_name not in self.env:
                to_remove |= group
                continue
            Model = self.env[model_name].with_user(user).with_context(active_test=False)
            # a model the portal user has no access to at all: search would raise
            if not Model.check_access_rights("read", raise_exception=False):
                to_remove |= group
                continue
            readable = set(Model.search([("id", "in", group.mapped("res_id"))]).ids)
            to_remove |= group.filtered(
                lambda follower, readable=readable: follower.res_id not in readable
            )
        if to_remove:
            to_remove.unlink()
            _logger.info(
                "Revert: removed %d follower(s) of records the portal user cannot read",
                len(to_remove),
            )

    def _udm_close_tokens(self):
        """Void the access and signup tokens written while switched: an attachment's or
        a document's access token opens it to anyone holding the link, a signup token
        creates an account bound to the contact. The next share makes a new token."""
        Token = self.env["portal.internal.switch.token"].sudo()
        tokens = Token.search([("switch_id", "in", self.ids)])
        voided = tokens._udm_void()
        if voided:
            _logger.info("Revert: voided %d token(s) handed out while switched", voided)
