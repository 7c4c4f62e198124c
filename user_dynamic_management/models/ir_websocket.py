# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

# prefix of the marker channel a switched user's websockets subscribe to
SWITCH_CHANNEL_PREFIX = "user_dynamic_management.switch_"


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        """A switched user's socket also carries a marker of the switch.

        Why: Odoo computes a socket's channels once, at subscribe time, with the
        rights of that moment (internal discussion channels among them), and later
        re-checks only the session token. The marker lets bus.bus._poll close the
        socket once the switch has ended; the browser then subscribes again with
        portal rights. Markers sent by the client are dropped.
        """
        channels = [
            channel
            for channel in channels
            if not (
                isinstance(channel, str) and channel.startswith(SWITCH_CHANNEL_PREFIX)
            )
        ]
        channels = super()._build_bus_channel_list(channels)
        if self.env.uid and not self.env.user.share:
            switch = (
                self.env["portal.internal.switch"]
                .sudo()
                ._udm_active_for_user(self.env.uid)
            )
            if switch:
                channels.append(f"{SWITCH_CHANNEL_PREFIX}{switch.id}")
        return channels
