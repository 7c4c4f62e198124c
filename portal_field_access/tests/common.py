# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests.common import new_test_user

from ..managed_fields import MANAGED_FIELDS

# What the default group "Portal users (standard rights)" grants.
STANDARD_RIGHTS = {field.key: "write" for field in MANAGED_FIELDS if field.standard}


class PortalFieldAccessCommon:
    """Fixtures shared by the unit and HTTP tests (no demo data)."""

    @classmethod
    def _setup_pfa_common(cls):
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.admin_rights = new_test_user(
            cls.env,
            login="pfa_erp_manager",
            groups="base.group_user,base.group_erp_manager",
        )
        cls.internal = new_test_user(
            cls.env, login="pfa_internal", groups="base.group_user"
        )
        cls.portal = new_test_user(
            cls.env,
            login="pfa_portal",
            password="pfa_portal_pwd1",
            groups="base.group_portal",
            name="Jane Portal",
        )
        cls.other_portal = new_test_user(
            cls.env, login="pfa_other_portal", groups="base.group_portal"
        )

    @classmethod
    def _make_group(cls, rights, users=None, all_portal_users=False, name="Group"):
        """Create a group; ``rights`` maps a field key to 'read' or 'write'."""
        group = cls.env["portal.access.group"].create(
            {
                "name": name,
                "all_portal_users": all_portal_users,
                "user_ids": [Command.set((users or cls.env["res.users"]).ids)],
            }
        )
        for line in group.line_ids:
            right = rights.get(line.field_name)
            if right == "write":
                line.perm_write = True
            elif right == "read":
                line.perm_read = True
        return group
