# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models, tools

from ..managed_fields import MANAGED_FIELDS, WRITE_ONLY_FIELDS


class PortalAccessGroup(models.Model):
    _name = "portal.access.group"
    _description = "Portal Access Group"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    all_portal_users = fields.Boolean(
        string="Applies to all portal users",
        help="Every portal user gets the rights of this group, "
        "whether or not they are listed in Portal Users.",
    )
    default_group = fields.Boolean(
        string="Default group",
        readonly=True,
        help="Applies to every portal user who is in no other active Portal "
        "Access Group (installed with the rights stock Odoo gives).",
    )
    user_ids = fields.Many2many(
        comodel_name="res.users",
        relation="portal_access_group_res_users_rel",
        column1="group_id",
        column2="user_id",
        string="Portal Users",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("base.group_portal").ids)
        ],
        help="Only portal users get rights from a group: internal users listed "
        "here (for instance after a change of user type) are ignored, except "
        "portal users temporarily given internal rights, who keep their groups.",
    )
    line_ids = fields.One2many(
        comodel_name="portal.access.group.line",
        inverse_name="group_id",
        string="Field Access",
        copy=True,
        default=lambda self: self._default_line_ids(),
    )

    @api.model
    def _default_line_ids(self):
        """One line per managed field, so that administrators only tick boxes."""
        Line = self.env["portal.access.group.line"]
        return [
            Command.create({"field_name": key})
            for key, _label in Line._fields["field_name"].selection
        ]

    @api.model_create_multi
    def create(self, vals_list):
        groups = super().create(vals_list)
        # a group created without the default (import, RPC) still offers every
        # field, so the form always shows one line per managed field
        groups._complete_lines()
        self.env.registry.clear_cache()
        return groups

    def write(self, vals):
        res = super().write(vals)
        # rights are cached per user (_get_field_access_cached)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.model
    def _grant_standard_rights(self, group_ids):
        """Give the groups Write on the fields stock Odoo lets portal users
        change (``standard`` in the table): the default group's rights."""
        standard = [field.key for field in MANAGED_FIELDS if field.standard]
        lines = self.browse(group_ids).line_ids
        lines.filtered(lambda line: line.field_name in standard).perm_write = True

    def _complete_lines(self):
        """Create the missing field lines of the groups (without any right)."""
        Line = self.env["portal.access.group.line"]
        keys = [key for key, _label in Line._fields["field_name"].selection]
        for group in self:
            missing = set(keys) - set(group.line_ids.mapped("field_name"))
            if missing:
                group.line_ids = [
                    Command.create({"field_name": key})
                    for key in keys
                    if key in missing
                ]

    @api.model
    def _get_field_access(self, user):
        """Return ``{field_key: 'read' | 'write'}`` for ``user``.

        The rights are the union of the active groups that list the user or
        apply to all portal users; a user in no such group gets the rights of
        the default group(s). Only governed users get rights (portal users,
        and portal users temporarily internal: ``res.users._pfa_governed``):
        internal and public users are never affected. Extension point for other
        sources of rights.
        """
        if not user or not user._pfa_governed():
            return {}
        return dict(self._get_field_access_cached(user.id)[0])

    @api.model
    def _is_default_rights_user(self, user):
        """Whether ``user`` is a portal user whose rights come from the default
        group(s) only: nobody put them in a group of their own. My Account shows
        them the stock form (one Name field rather than first and last name)."""
        if not user or not user._pfa_governed():
            return False
        return self._get_field_access_cached(user.id)[1]

    @api.model
    @tools.ormcache("user_id")
    def _get_field_access_cached(self, user_id):
        """Rights of a user, cached (My Account is a hot page): a tuple of
        ``(field_key, right)`` pairs, and whether they come from the default
        group(s).

        The cache is cleared whenever a group, a line or a membership changes.
        """
        # sudo: portal users may not read the groups; we only return the
        # rights of this one user
        Group = self.sudo()
        groups = Group.search(
            [
                ("default_group", "=", False),
                "|",
                ("all_portal_users", "=", True),
                ("user_ids", "in", [user_id]),
            ]
        )
        by_default = not groups
        if by_default:
            # nobody configured this user: the default group keeps stock rights
            groups = Group.search([("default_group", "=", True)])
        access = {}
        for line in groups.line_ids:
            if line.perm_write:
                access[line.field_name] = "write"
            elif line.perm_read and line.field_name not in WRITE_ONLY_FIELDS:
                access.setdefault(line.field_name, "read")
        return tuple(sorted(access.items())), by_default
