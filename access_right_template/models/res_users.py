# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import uuid

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessDenied, UserError, ValidationError
from odoo.fields import Command
from odoo.osv import expression

_logger = logging.getLogger(__name__)

# context key of the write that moves the default template to another one (see
# _access_right_template_unset_default); its value is an object, which no RPC
# caller can send, so that the "keep one default" check cannot be skipped from outside
CTX_MOVE_DEFAULT = "access_right_template_move_default"
MOVE_DEFAULT = object()

TEMPLATE_MANAGER_GROUP = "base.group_erp_manager"
# fields only Access Rights administrators may set (their `groups`)
TEMPLATE_FIELDS = {
    "is_access_right_template",
    "is_default_access_right_template",
    "allow_administration_rights",
    "switch_template_id",
}


class ResUsers(models.Model):
    _inherit = "res.users"

    is_access_right_template = fields.Boolean(
        string="Access Right Template",
        copy=False,
        groups=TEMPLATE_MANAGER_GROUP,
        help="This archived internal user only holds access rights: portal users "
        "receive its groups when they switch to internal. It never logs in.",
    )
    is_default_access_right_template = fields.Boolean(
        string="Default Template",
        copy=False,
        groups=TEMPLATE_MANAGER_GROUP,
        help="Used for every portal user who has no Template for Switch to Internal. "
        "There is always exactly one default template.",
    )
    allow_administration_rights = fields.Boolean(
        string="Allows administration rights",
        copy=False,
        groups=TEMPLATE_MANAGER_GROUP,
        help="Tick to accept that this template grants administration rights "
        "(Access Rights or Settings, changing users, groups, companies, code, views "
        "or system data, or reading secrets such as system parameters or outgoing "
        "mails): a portal user switched to internal with it could change anyone's "
        "rights, including their own, or take over their accounts.",
    )
    switch_template_id = fields.Many2one(
        comodel_name="res.users",
        string="Template for Switch to Internal",
        ondelete="restrict",
        copy=False,
        context={"active_test": False},
        domain=[
            "|",
            ("is_access_right_template", "=", True),
            ("is_access_right_template_candidate", "=", True),
        ],
        groups=TEMPLATE_MANAGER_GROUP,
        help="Access rights this user receives when switched to an internal user. "
        "Choose an access right template, or an archived internal user, which then "
        "becomes a template. When empty, the default template applies.",
    )
    is_access_right_template_candidate = fields.Boolean(
        string="Can Become a Template",
        compute="_compute_is_access_right_template_candidate",
        search="_search_is_access_right_template_candidate",
        groups=TEMPLATE_MANAGER_GROUP,
        help="Archived internal user that is not a template yet: choosing it as a "
        "Template for Switch to Internal makes it one.",
    )
    access_right_template_group_ids = fields.Many2many(
        comodel_name="res.groups",
        string="Granted Groups",
        compute="_compute_access_right_template_group_ids",
        groups=TEMPLATE_MANAGER_GROUP,
        help="Every group a portal user receives from this template, implied groups "
        "included.",
    )
    access_right_template_shown = fields.Boolean(
        string="Shown as Access Right Template",
        compute="_compute_access_right_template_shown",
        help="Technical: the user form shows this user as an access right template. "
        "Not restricted to administrators, so that the stock elements of the form "
        "can depend on it; other users cannot read templates at all.",
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
    # Compute
    # ------------------------------------------------------------------

    @api.depends("is_access_right_template", "active", "share")
    def _compute_is_access_right_template_candidate(self):
        for user in self:
            user.is_access_right_template_candidate = (
                user._access_right_template_is_candidate()
            )

    def _search_is_access_right_template_candidate(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Operation not supported"))
        domain = [
            ("active", "=", False),
            ("share", "=", False),
            ("is_access_right_template", "=", False),
            ("id", "not in", self._access_right_template_reserved_users().ids),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    @api.depends("is_access_right_template", "groups_id")
    def _compute_access_right_template_group_ids(self):
        for user in self:
            if user.is_access_right_template:
                groups = user.groups_id | user.groups_id.trans_implied_ids
                user.access_right_template_group_ids = groups.sorted("full_name")
            else:
                user.access_right_template_group_ids = False

    @api.depends("is_access_right_template")
    def _compute_access_right_template_shown(self):
        for user in self:
            user.access_right_template_shown = user.sudo().is_access_right_template

    @api.depends("is_access_right_template", "active", "share")
    @api.depends_context("access_right_template_selector")
    def _compute_display_name(self):
        """In the Template for Switch to Internal selector, tell the archived
        internal users (which become templates when chosen) from the templates."""
        res = super()._compute_display_name()
        if self.env.context.get("access_right_template_selector"):
            for user in self:
                if user.sudo()._access_right_template_is_candidate():
                    user.display_name = _(
                        "%s (archived user, becomes a template)", user.display_name
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
            if template and template == user:
                raise ValidationError(_("A user cannot be their own template."))
            if template and not template.is_access_right_template:
                raise ValidationError(
                    _(
                        "%(template)s cannot be a Template for Switch to Internal: "
                        "choose an access right template or an archived internal "
                        "user.",
                        template=template.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        default_template = self.env.context.get("default_is_access_right_template")
        for vals in vals_list:
            if vals.get("is_access_right_template", default_template):
                self._access_right_template_check_no_password(vals)
                # a template never logs in: it is born archived, and its login is
                # only a unique key nobody needs to type
                vals["active"] = False
                if not vals.get("login"):
                    vals["login"] = self._access_right_template_new_login()
            if vals.get("switch_template_id"):
                self._access_right_template_adopt(vals["switch_template_id"])
        new_defaults = sum(
            1 for vals in vals_list if vals.get("is_default_access_right_template")
        )
        if new_defaults:
            self._access_right_template_unset_default(new_defaults)
        # Core archives the partner of a user created archived, after checking that
        # no *active* user uses it; with active_test=False (the templates menu) that
        # check would see the new template itself.
        self = self.with_context(active_test=True)
        return super().create(vals_list)

    def write(self, vals):
        template_fields = TEMPLATE_FIELDS & vals.keys()
        if template_fields:
            # who may set these is decided by the fields' groups: check it before this
            # method turns them into other writes (archiving, template adoption), whose
            # refusals would name the wrong cause
            self.check_field_access_rights("write", sorted(template_fields))
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
            and self.env.context.get(CTX_MOVE_DEFAULT) is not MOVE_DEFAULT
        ):
            self._access_right_template_check_keep_default()
        if "is_access_right_template" in vals and not vals["is_access_right_template"]:
            self._access_right_template_check_keep_default()
        if vals.get("is_default_access_right_template"):
            self._access_right_template_unset_default(len(self), keep=self)
        if vals.get("is_access_right_template"):
            vals = dict(vals, active=False)
        if vals.get("switch_template_id"):
            self._access_right_template_adopt(vals["switch_template_id"])
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
        """Create an archived template holding exactly this internal user's groups,
        and open it in the full user form."""
        self.ensure_one()
        self.check_access_rights("create")
        if self.share or self.sudo().is_access_right_template:
            raise UserError(_("Templates are created from internal users only."))
        template = self.create(self._access_right_template_values_from_user())
        return template._access_right_template_form_action()

    def action_use_as_access_right_template(self):
        """Turn this archived internal user into an access right template: the
        "create an internal user, set its groups, archive it" way of the
        documentation."""
        self.ensure_one()
        if not self.sudo()._access_right_template_is_candidate():
            raise UserError(
                _(
                    "Only an archived internal user can become an access right "
                    "template (%s).",
                    self.name,
                )
            )
        # with the caller's rights: only Access Rights administrators get here
        self.write({"is_access_right_template": True})
        self._access_right_template_archive_partner()
        return True

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
    def _access_right_template_reserved_users(self):
        """Archived internal users that are never offered as templates: the
        superuser and the "Default User Template" of new users. Extension point."""
        # cached xmlid lookup: called for every user shown in the selector
        default_user_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "base.default_user", raise_if_not_found=False
        )
        reserved_ids = [SUPERUSER_ID]
        if default_user_id:
            reserved_ids.append(default_user_id)
        return self.sudo().browse(reserved_ids)

    def _access_right_template_is_candidate(self):
        """Whether this user may become a template: an archived internal user that
        is not a template yet and not reserved."""
        self.ensure_one()
        user = self.sudo()
        return (
            not user.active
            and not user.share
            and not user.is_access_right_template
            and user not in self._access_right_template_reserved_users()
        )

    @api.model
    def _access_right_template_adopt(self, user_id):
        """Make the archived internal user chosen as a Template for Switch to
        Internal a template (validated by the constraint: the whole write is refused
        when it may not be one). Anything else is left to
        `_check_switch_template_id`."""
        candidate = self.with_context(active_test=False).browse(user_id).exists()
        if candidate and candidate._access_right_template_is_candidate():
            candidate.action_use_as_access_right_template()
        return candidate

    def _access_right_template_archive_partner(self):
        """Archive the contact of a template unless an active user still uses it:
        a template is nobody, its contact must not be offered anywhere."""
        # active_test: core refuses to archive a contact of an active user, and the
        # template may come from an active_test=False environment
        for partner in self.sudo().with_context(active_test=True).partner_id:
            users = partner.with_context(active_test=False).user_ids
            if partner.active and not any(users.mapped("active")):
                partner.active = False

    def _access_right_template_form_action(self):
        """Window action opening this template in the full user form (the simple
        form, the default for users, has neither groups nor template flags)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Access Right Template"),
            "res_model": "res.users",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("base.view_users_form").id, "form")],
            "context": {"active_test": False},
            "target": "current",
        }

    @api.model
    def _access_right_template_new_login(self):
        """A unique login for a template: required by res.users, never typed."""
        return f"access-right-template-{uuid.uuid4().hex[:12]}"

    def _access_right_template_values_from_user(self):
        """Values of a new template copying this user's groups exactly."""
        self.ensure_one()
        vals = {
            "name": _("%s (Template)", self.name),
            "login": self._access_right_template_new_login(),
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
        """Refuse a password on a template: it never logs in."""
        if vals.get("password"):
            raise UserError(
                _("An access right template cannot have a password: it never logs in.")
            )

    def _access_right_template_check_keep_default(self):
        """Refuse to leave the suite without a default template."""
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
            # the default moves to another template: not the "keep one default"
            # refusal of write()
            return current.with_context(**{CTX_MOVE_DEFAULT: MOVE_DEFAULT}).write(
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
