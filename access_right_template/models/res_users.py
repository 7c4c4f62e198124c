# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import AccessDenied, UserError, ValidationError
from odoo.fields import Command

_logger = logging.getLogger(__name__)

TEMPLATE_MANAGER_GROUP = "base.group_erp_manager"


class ResUsers(models.Model):
    _inherit = "res.users"

    is_access_right_template = fields.Boolean(
        string="Access Right Template",
        copy=False,
        groups=TEMPLATE_MANAGER_GROUP,
        help="This archived user only holds access rights: its groups are given to "
        "portal users "
        "when they are promoted to internal users. It can never log in.",
    )
    is_default_access_right_template = fields.Boolean(
        string="Default Template",
        copy=False,
        groups=TEMPLATE_MANAGER_GROUP,
        help="Used for every portal user who has no 'Template for Switch to Internal'. "
        "Exactly one template is the default.",
    )
    allow_administration_rights = fields.Boolean(
        string="Allows administration rights",
        copy=False,
        groups=TEMPLATE_MANAGER_GROUP,
        help="Tick to accept that this template grants Administration "
        "(Access Rights or Settings) "
        "rights: a portal user promoted with it could then change any user's rights.",
    )
    switch_template_id = fields.Many2one(
        comodel_name="res.users",
        string="Template for Switch to Internal",
        ondelete="restrict",
        copy=False,
        context={"active_test": False},
        domain=[("is_access_right_template", "=", True)],
        groups=TEMPLATE_MANAGER_GROUP,
        help="Access rights this user receives when switched to an internal user. "
        "When empty, the default template 'Template for Internal from Portal' applies.",
    )

    def init(self):
        res = super().init()
        # exactly one default template, also under concurrent writes
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS
                res_users_access_right_template_one_default
                ON res_users ((TRUE)) WHERE is_default_access_right_template
            """
        )
        return res

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains(
        "is_access_right_template",
        "is_default_access_right_template",
        "allow_administration_rights",
        "groups_id",
        "active",
    )
    def _check_access_right_template(self):
        for user in self.sudo():
            if (
                user.is_default_access_right_template
                and not user.is_access_right_template
            ):
                raise ValidationError(
                    _(
                        "Only an access right template can be the default template "
                        "(user %s).",
                        user.name,
                    )
                )
            if user.is_access_right_template:
                user._access_right_template_validate()

    @api.constrains("switch_template_id")
    def _check_switch_template_id(self):
        for user in self.sudo():
            template = user.switch_template_id
            if template and not template.is_access_right_template:
                raise ValidationError(
                    _(
                        "%(template)s is not an access right template.",
                        template=template.name,
                    )
                )
            if template and template == user:
                raise ValidationError(_("A user cannot be their own template."))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("is_access_right_template"):
                self._access_right_template_check_no_password(vals)
                # a template never logs in: it is born archived
                vals["active"] = False
        new_defaults = sum(
            1 for vals in vals_list if vals.get("is_default_access_right_template")
        )
        if new_defaults:
            self._access_right_template_unset_default(new_defaults)
        # Core archives the partner of a user created archived, after checking that
        # no *active* user uses it; with active_test=False (the templates menu) that
        # check would see the new template itself.
        return super(ResUsers, self.with_context(active_test=True)).create(vals_list)

    def write(self, vals):
        if vals.get("password") and (
            vals.get("is_access_right_template")
            or any(self.sudo().mapped("is_access_right_template"))
        ):
            self._access_right_template_check_no_password(vals)
        if vals.get("active") and any(self.sudo().mapped("is_access_right_template")):
            raise UserError(
                _(
                    "An access right template stays archived: it only holds access "
                    "rights and never logs in."
                )
            )
        if (
            "is_default_access_right_template" in vals
            and not vals["is_default_access_right_template"]
        ):
            self._access_right_template_check_keep_default()
        if "is_access_right_template" in vals and not vals["is_access_right_template"]:
            self._access_right_template_check_keep_default()
        if vals.get("is_default_access_right_template"):
            self._access_right_template_unset_default(len(self), keep=self)
        if vals.get("is_access_right_template"):
            vals = dict(vals, active=False)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_default_access_right_template(self):
        if any(self.sudo().mapped("is_default_access_right_template")):
            raise UserError(
                _(
                    "The default access right template cannot be deleted. "
                    "Mark another template as default first."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_create_access_right_template(self):
        """Create an archived template holding exactly this internal user's groups."""
        self.ensure_one()
        self.check_access_rights("create")
        if self.share or self.sudo().is_access_right_template:
            raise UserError(_("Templates are created from internal users only."))
        template = self.create(self._access_right_template_values_from_user())
        return {
            "type": "ir.actions.act_window",
            "name": _("Access Right Template"),
            "res_model": "res.users",
            "res_id": template.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"active_test": False},
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Business API (used by user_dynamic_management and other addons)
    # ------------------------------------------------------------------

    @api.model
    def _access_right_template_default(self):
        """The default template ("Template for Internal from Portal" unless another
        template was marked default)."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("is_access_right_template", "=", True),
                    ("is_default_access_right_template", "=", True),
                ],
                limit=1,
            )
        )

    def _access_right_template_effective(self):
        """The template that applies to this user: their own, or the default one."""
        self.ensure_one()
        return self.sudo().switch_template_id or self._access_right_template_default()

    def _access_right_template_groups(self):
        """The exact set of groups this template grants (implied groups included)."""
        self.ensure_one()
        groups = self.sudo().groups_id
        return groups | groups.trans_implied_ids

    @api.model
    def _access_right_template_admin_groups(self):
        """Groups that make a template grant administration rights. Extension point."""
        return (
            self.env.ref("base.group_erp_manager") | self.env.ref("base.group_system")
        ).sudo()

    @api.model
    def _access_right_template_admin_models(self):
        """Models whose create, write or delete right amounts to administration
        (users, rights, code, settings). Extension point."""
        return [
            "res.users",
            "res.groups",
            "ir.model.access",
            "ir.rule",
            "ir.model",
            "ir.model.fields",
            "ir.cron",
            "ir.actions.server",
            "ir.config_parameter",
            "ir.ui.view",
            "ir.module.module",
        ]

    def _access_right_template_admin_capabilities(self):
        """Names of the administration models this template's users could create,
        change or delete, probed with the template's own access rights."""
        self.ensure_one()
        found = []
        for model_name in self._access_right_template_admin_models():
            if model_name not in self.env:
                continue
            Model = self.env[model_name].with_user(self.id)
            if any(
                Model.check_access_rights(operation, raise_exception=False)
                for operation in ("create", "write", "unlink")
            ):
                found.append(self.env["ir.model"]._get(model_name).name)
        return found

    def _access_right_template_validate(self):
        """Raise ValidationError when this template may not promote a portal user.

        Called by the constraint and again by consumers right before they apply a
        template, since group definitions (implied groups, access rights) can change
        after the template was saved.
        """
        self.ensure_one()
        template = self.sudo()
        if not template.is_access_right_template:
            raise ValidationError(
                _("%s is not an access right template.", template.name)
            )
        if template.active:
            raise ValidationError(
                _("The access right template %s must stay archived.", template.name)
            )
        groups = template._access_right_template_groups()
        user_types = groups.filtered(
            lambda g: g.category_id == self.env.ref("base.module_category_user_type")
        )
        if user_types != self.env.ref("base.group_user"):
            raise ValidationError(
                _(
                    "The access right template %(template)s must make exactly one "
                    "user type, Internal User "
                    "(it makes: %(types)s).",
                    template=template.name,
                    types=", ".join(user_types.mapped("name")) or _("none"),
                )
            )
        if template.allow_administration_rights:
            return True
        admin = groups & self._access_right_template_admin_groups()
        if admin:
            raise ValidationError(
                _(
                    "The access right template %(template)s grants administration "
                    "rights (%(groups)s). Tick 'Allows administration rights' on it "
                    "if that is really intended.",
                    template=template.name,
                    groups=", ".join(admin.mapped("full_name")),
                )
            )
        # a custom group may hand out administration without implying the groups
        # above: what counts is what the template's users could change
        capabilities = template._access_right_template_admin_capabilities()
        if capabilities:
            raise ValidationError(
                _(
                    "The access right template %(template)s lets its users change "
                    "administration data (%(models)s). Tick 'Allows administration "
                    "rights' on it if that is really intended.",
                    template=template.name,
                    models=", ".join(capabilities),
                )
            )
        return True

    def _access_right_template_values_from_user(self):
        """Values of a new template copying this user's groups exactly."""
        self.ensure_one()
        suffix = uuid.uuid4().hex[:8]
        vals = {
            "name": _("%s (Template)", self.name),
            "login": f"access-right-template-{self.id}-{suffix}",
            "is_access_right_template": True,
            "groups_id": [Command.set(self._access_right_template_groups().ids)],
            "company_id": self.company_id.id,
            "company_ids": [Command.set(self.company_ids.ids)],
        }
        if "notification_type" in self._fields:
            # mail's inverse would otherwise strip the inbox notification group
            vals["notification_type"] = self.notification_type
        return vals

    @api.model
    def _access_right_template_check_no_password(self, vals):
        if vals.get("password"):
            raise UserError(
                _("An access right template cannot have a password: it never logs in.")
            )

    def _access_right_template_check_keep_default(self):
        current = self.sudo().filtered("is_default_access_right_template")
        if current:
            raise UserError(
                _(
                    "There must always be one default access right template. "
                    "Mark another template as default instead."
                )
            )

    @api.model
    def _access_right_template_unset_default(self, count, keep=None):
        """Clear the current default before `count` record(s) become the default:
        there is exactly one default template."""
        if count > 1:
            raise ValidationError(
                _("Only one access right template can be the default.")
            )
        current = self._access_right_template_default()
        if keep:
            current -= keep
        if current:
            # plain write: skip the "keep one default" guard of our own write()
            return super(ResUsers, current).write(
                {"is_default_access_right_template": False}
            )
        return True

    # ------------------------------------------------------------------
    # Authentication: a template never logs in
    # ------------------------------------------------------------------

    def _check_credentials(self, password, env):
        if self.sudo().is_access_right_template:
            _logger.warning(
                "Login refused for access right template %s", self.sudo().login
            )
            raise AccessDenied()
        return super()._check_credentials(password, env)
