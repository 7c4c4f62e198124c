# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""17.0.2: groups manage the stock My Account fields too, on every channel.

Existing groups get the new lines with Write on the fields stock Odoo let every
portal user change (their members keep what they could do), and the new default
group gets the standard rights.
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.portal_field_access.managed_fields import MANAGED_FIELDS


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Group = env["portal.access.group"].with_context(active_test=False)
    groups = Group.search([])
    before = {group.id: set(group.line_ids.mapped("field_name")) for group in groups}
    groups._complete_lines()
    standard = {field.key for field in MANAGED_FIELDS if field.standard}
    for group in groups:
        group.line_ids.filtered(
            lambda line, group=group: (
                line.field_name in standard and line.field_name not in before[group.id]
            )
        ).perm_write = True
    groups.line_ids._compute_sequence()
    default = env.ref(
        "portal_field_access.portal_access_group_default", raise_if_not_found=False
    )
    if default:
        Group._grant_standard_rights(default.ids)
