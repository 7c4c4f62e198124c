# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..managed_fields import MANAGED_FIELDS, WRITE_ONLY_FIELDS


class PortalAccessGroupLine(models.Model):
    _name = "portal.access.group.line"
    _description = "Portal Access Group Field Right"
    _order = "group_id, sequence, id"

    group_id = fields.Many2one(
        comodel_name="portal.access.group",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(compute="_compute_sequence", store=True)
    field_name = fields.Selection(
        selection=[(field.key, field.label) for field in MANAGED_FIELDS],
        string="Field",
        required=True,
    )
    perm_read = fields.Boolean(
        string="Read",
        compute="_compute_perm_read",
        store=True,
        readonly=False,
        help="The portal user sees the value on My Account.",
    )
    perm_write = fields.Boolean(
        string="Write",
        help="The portal user may change the value, on My Account and on any "
        "other channel (implies Read). For the password, this also governs the "
        "login page's Reset password: without Write, it is refused.",
    )

    _sql_constraints = [  # noqa: RUF012 (Odoo reads this class attribute)
        (
            "group_field_uniq",
            "UNIQUE (group_id, field_name)",
            "A Portal Access Group has a single line per field.",
        ),
    ]

    @api.depends("field_name")
    def _compute_sequence(self):
        # keep the lines in the order of the selection whatever their creation order
        keys = [key for key, _label in self._fields["field_name"].selection]
        for line in self:
            line.sequence = keys.index(line.field_name) if line.field_name else 0

    @api.depends("perm_write", "field_name")
    def _compute_perm_read(self):
        for line in self:
            if line.field_name in WRITE_ONLY_FIELDS:
                # a password is never readable: Read just mirrors Write
                line.perm_read = line.perm_write
            elif line.perm_write:
                line.perm_read = True

    @api.constrains("perm_read", "perm_write")
    def _check_write_implies_read(self):
        for line in self:
            if (
                line.perm_write
                and not line.perm_read
                and line.field_name not in WRITE_ONLY_FIELDS
            ):
                raise ValidationError(
                    _(
                        "Write implies Read: %(field)s cannot be writable "
                        "without being readable.",
                        field=line._field_label(),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # rights are cached per user (portal.access.group)
        self.env.registry.clear_cache()
        return lines

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    def _field_label(self):
        self.ensure_one()
        return dict(self._fields["field_name"]._description_selection(self.env))[
            self.field_name
        ]
