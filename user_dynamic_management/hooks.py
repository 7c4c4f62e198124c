# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

_logger = logging.getLogger(__name__)


def uninstall_hook(env):
    """Give every user still switched their portal groups back before the addon goes.

    Without this, users switched at uninstall time would stay internal forever: the
    switch records that hold their original groups are dropped with the addon's tables.
    """
    switches = env["portal.internal.switch"].sudo().search([("state", "=", "active")])
    if switches:
        _logger.info("Uninstall: reverting %d switched user(s)", len(switches))
        switches._udm_revert("uninstall")
