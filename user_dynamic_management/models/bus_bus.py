# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.http import SessionExpiredException
from odoo.tools import SQL

from .ir_websocket import SWITCH_CHANNEL_PREFIX


class BusBus(models.Model):
    _inherit = "bus.bus"

    def _poll(self, channels, last=0, ignore_ids=None):
        """Close a switched user's socket once the switch has ended (see
        ir.websocket._build_bus_channel_list): nothing subscribed with internal rights
        is delivered after the revert. The websocket answers SessionExpiredException
        with its "session expired" close code, and the browser reconnects. One query,
        for switched users' sockets only."""
        switch_ids = [
            int(name[len(SWITCH_CHANNEL_PREFIX) :])
            for name in map(_channel_name, channels)
            if name
            and name.startswith(SWITCH_CHANNEL_PREFIX)
            and name[len(SWITCH_CHANNEL_PREFIX) :].isdigit()
        ]
        if switch_ids:
            self.env.cr.execute(
                SQL(
                    "SELECT COUNT(*) FROM portal_internal_switch"
                    " WHERE id = ANY(%s) AND state = 'active'",
                    switch_ids,
                )
            )
            if self.env.cr.fetchone()[0] < len(set(switch_ids)):
                raise SessionExpiredException()
        return super()._poll(channels, last=last, ignore_ids=ignore_ids)


def _channel_name(channel):
    """The name of a string channel, as subscribed (`name`) or as a websocket holds it
    (`(database, name)`); None for a record channel."""
    if isinstance(channel, str):
        return channel
    if isinstance(channel, tuple) and len(channel) == 2 and isinstance(channel[1], str):
        return channel[1]
    return None
