# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import uuid

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessDenied, UserError, ValidationError
from odoo.fields import Command
from odoo.osv import expression
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

TEMPLATE_MANAGER_GROUP = "base.group_erp_manager"
# fields only Access Rights administrators may set (their `groups`)
TEMPLATE_FIELDS = {
    "is_access_right_template",
    "is_default_access_right_template",
    "allow_administration_rights",
    "switch_template_id",
}
# Record rules restricting a user to their own records, in the compact form the guard
# compares them in (no whitespace, single quotes): reading only one's own records
# (API keys, two-factor devices, mails) reveals nobody else's secrets.
OWN_RECORD_DOMAINS = (
    "[('user_id','=',user.id)]",
    "[('create_uid','=',user.id)]",
)
# `_access_right_template_admin_powers_for`: (model, operation, group) granting the
# template an operation that the baseline groups do not have, on technical models
# (create, write, delete) and secret models (read)
ADMIN_POWERS_QUERY = """
WITH target(model_id, operation) AS (
    SELECT m.id, o.operation
      FROM ir_model m
     CROSS JOIN (VALUES ('create'), ('write'), ('unlink')) AS o(operation)
     WHERE m.model LIKE ANY(%(patterns)s) AND NOT m.model = ANY(%(harmless)s)
     UNION
    SELECT m.id, 'read' FROM ir_model m WHERE m.model = ANY(%(secret)s)
), granted AS (
    -- the template may do the operation; does the baseline too? if not, through
    -- which groups of the template?
    SELECT t.model_id, t.operation,
           bool_or(a.group_id IS NULL
                   OR a.group_id = ANY(%(baseline)s)) AS by_baseline,
           array_agg(a.group_id) AS group_ids
      FROM target t
      JOIN ir_model_access a ON a.model_id = t.model_id
     WHERE a.active
       AND (a.group_id IS NULL OR a.group_id = ANY(%(template)s))
       AND CASE t.operation WHEN 'read' THEN a.perm_read
                            WHEN 'create' THEN a.perm_create
                            WHEN 'write' THEN a.perm_write
                            ELSE a.perm_unlink END
     GROUP BY t.model_id, t.operation
), rule_reach AS (
    SELECT t.model_id, t.operation,
           regexp_replace(replace(coalesce(r.domain_force, '[]'), '"', ''''),
                          '[[:space:]]', '', 'g') AS domain,
           count(rg.group_id) = 0 AS global,
           coalesce(bool_or(rg.group_id = ANY(%(baseline)s)), FALSE) AS for_baseline,
           coalesce(bool_or(rg.group_id = ANY(%(template)s)), FALSE) AS for_template,
           array_agg(rg.group_id) FILTER (
               WHERE rg.group_id = ANY(%(template)s)) AS group_ids
      FROM target t
      JOIN ir_rule r ON r.model_id = t.model_id
      LEFT JOIN rule_group_rel rg ON rg.rule_group_id = r.id
     WHERE r.active
       AND CASE t.operation WHEN 'read' THEN r.perm_read
                            WHEN 'create' THEN r.perm_create
                            WHEN 'write' THEN r.perm_write
                            ELSE r.perm_unlink END
     GROUP BY r.id, t.model_id, t.operation
), rule_kind AS (
    SELECT *, domain IN ('[]', '[(1,''='',1)]') AS unrestricted,
           -- read only: creating or changing even one's own code is administration
           operation = 'read' AND domain = ANY(%(own)s) AS own
      FROM rule_reach
), rules AS (
    -- global rules bind everybody alike; rules of a user's groups are OR-ed
    SELECT model_id, operation,
           bool_or(for_baseline)
               AND NOT bool_or(for_baseline AND unrestricted) AS baseline_restricted,
           coalesce(bool_or(global AND own), FALSE)
               OR coalesce(bool_and(own) FILTER (WHERE for_template), FALSE)
               AS own_only
      FROM rule_kind
     GROUP BY model_id, operation
)
-- rights no baseline access right grants
SELECT g.model_id, g.operation, unnest(g.group_ids)
  FROM granted g
  LEFT JOIN rules r ON r.model_id = g.model_id AND r.operation = g.operation
 WHERE NOT g.by_baseline AND NOT coalesce(r.own_only, FALSE)
 UNION
-- rules of the template widening what the baseline's rules restrict
SELECT k.model_id, k.operation, unnest(k.group_ids)
  FROM rule_kind k
  JOIN granted g ON g.model_id = k.model_id AND g.operation = k.operation
  JOIN rules r ON r.model_id = k.model_id AND r.operation = k.operation
 WHERE r.baseline_restricted AND NOT r.own_only
   AND k.for_template AND NOT k.for_baseline AND NOT k.own
"""


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
        return super(ResUsers, self.with_context(active_test=True)).create(vals_list)

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
    def _access_right_template_admin_groups(self):
        """Groups that make a template grant administration rights. Extension point."""
        groups = self.env.ref("base.group_erp_manager") | self.env.ref(
            "base.group_system"
        )
        # may write raw HTML (scripts) into any HTML field
        groups |= self.env.ref("base.group_sanitize_override", raise_if_not_found=False)
        return groups.sudo()

    @api.model
    def _access_right_template_baseline_groups(self):
        """Groups every internal user has (Internal User and what it implies): rights
        they grant are not administration, whatever the model. Extension point."""
        group_user = self.env.ref("base.group_user").sudo()
        return group_user | group_user.trans_implied_ids

    @api.model
    def _access_right_template_technical_model_patterns(self):
        """SQL LIKE patterns of the models whose data amounts to administration: code,
        views, assets, access rights, users, companies, settings, mail servers and
        templates, modules. Creating, changing or deleting them beyond what the
        Internal User group allows is administration. Extension point."""
        # Contacts (res.partner) are deliberately not counted. Whoever may change the
        # e-mail of a portal user's contact may have that user's password reset mail
        # sent to themselves and take the account over (stock Odoo protects only the
        # contacts of internal users, by asking for write rights on users). But
        # Contact Creation grants exactly that right, in stock Odoo too, and is an
        # ordinary group every company hands out: counting it would refuse the most
        # common template. Identity-field writes by switched portal users are refused
        # where they happen instead (user_dynamic_management), whatever the template.
        return [
            # actions, crons, views, assets, XML ids, parameters, mail servers...
            "ir.%",
            "res.users",
            "res.users.%",
            "res.groups",
            "res.groups.%",
            "res.company",
            "res.company.%",
            "res.config",
            "res.config.%",
            "res.lang",
            "base.module.%",
            "base.language.%",
            "base.import.module",
            "base.automation%",
            "base.enable.profiling.wizard",
            "mail.template",
            "mail.template.%",
            "mail.alias.domain",
            "mail.gateway.allowed",
            "mail.ice.server",
            "fetchmail.server",
            "bus.bus",
        ]

    @api.model
    def _access_right_template_harmless_models(self):
        """Technical models whose data gives no power over others, exempted from
        `_access_right_template_technical_model_patterns`: saved export lists
        (granted by "Access to export feature"). Extension point."""
        return ["ir.exports", "ir.exports.line"]

    @api.model
    def _access_right_template_secret_models(self):
        """Models that only administrators may read, because what they hold lets the
        reader act as someone else or as the server: reading them beyond what the
        Internal User group may read is administration. Only the models present in
        the registry are returned. Extension point: add yours to ``super()``'s.

        - ``ir.config_parameter``: ``database.secret`` signs sessions and tokens;
          integrations keep their keys there;
        - ``mail.mail``: outgoing mails, password reset and invitation links included;
        - ``fetchmail.server``: incoming mail server passwords;
        - ``res.users.apikeys``, ``auth_totp.device``: everybody's API keys and
          two-factor devices, as administrators list them to revoke them (names,
          scopes, owners; the keys themselves are hashed outside any field);
        - ``res.users.log``, ``ir.logging``: login history and server logs
          (tracebacks carry record values);
        - ``ir.cron``, ``ir.actions.server``: code, where integrations often keep
          credentials, and the user each scheduled action runs as;
        - ``ir.model.access``, ``ir.rule``: the security settings themselves.

        Not listed: ``ir.mail_server`` (its login and password are fields restricted
        to Settings; Email Marketing users read the rest), ``ir.attachment`` (read
        access is checked against the document each attachment belongs to)."""
        models = [
            "ir.config_parameter",
            "mail.mail",
            "fetchmail.server",
            "res.users.apikeys",
            "auth_totp.device",
            "res.users.log",
            "ir.logging",
            "ir.cron",
            "ir.actions.server",
            "ir.model.access",
            "ir.rule",
        ]
        return [model for model in models if model in self.env]

    def _access_right_template_admin_capabilities(self):
        """Technical models on which this template's groups grant more than the
        Internal User group alone (see `_access_right_template_admin_powers_for`),
        as ``ir.model`` records."""
        self.ensure_one()
        return self._access_right_template_admin_models_for(
            self._access_right_template_groups()
        )

    @api.model
    def _access_right_template_admin_models_for(self, groups):
        """The models of `_access_right_template_admin_powers_for`, as ``ir.model``
        records."""
        models = self.env["ir.model"].sudo()
        for __, model, __ in self._access_right_template_admin_powers_for(groups):
            models |= model
        return models

    @api.model
    def _access_right_template_admin_powers_for(self, groups):
        """What `groups` (implied groups included) let their users do that the
        Internal User group alone does not, and that amounts to administration:
        create, change or delete technical data (see
        `_access_right_template_technical_model_patterns`), or read secrets (see
        `_access_right_template_secret_models`). A sorted list of ``(operation,
        ir.model, res.groups)``, the group being the one whose access right or record
        rule grants the operation; operation is ``read``, ``create``, ``write`` or
        ``unlink``.

        Read from the access rights and record rules in one query, so that a custom
        group handing out administration without implying an administration group is
        found too. A right counts as extra when no access right of the baseline groups
        (or no global one) grants it, or when the baseline is restricted by record
        rules for that operation (none of its rules is ``[(1, '=', 1)]``) and the
        template adds a rule of its own: rules of a user's groups are OR-ed, so an
        added rule can only widen the access.

        Reading is not counted when the template's users may read their own records
        only (a global rule, or every rule of the template's groups, is one of
        `OWN_RECORD_DOMAINS`). Creating or changing even one's own code or settings
        is administration, so that exemption is for reading only."""
        template_groups = groups | groups.trans_implied_ids
        self.env["ir.model.access"].flush_model()
        self.env["ir.rule"].flush_model()
        self.env["ir.model"].flush_model(["model"])
        self.env.cr.execute(
            SQL(
                ADMIN_POWERS_QUERY,
                patterns=self._access_right_template_technical_model_patterns(),
                harmless=self._access_right_template_harmless_models(),
                secret=self._access_right_template_secret_models(),
                own=list(OWN_RECORD_DOMAINS),
                baseline=self._access_right_template_baseline_groups().ids,
                template=template_groups.ids,
            )
        )
        Model = self.env["ir.model"].sudo()
        Group = self.env["res.groups"].sudo()
        order = {"read": 0, "create": 1, "write": 2, "unlink": 3}
        return [
            (operation, Model.browse(model_id), Group.browse(group_id))
            for model_id, operation, group_id in sorted(
                self.env.cr.fetchall(), key=lambda row: (row[0], order[row[1]], row[2])
            )
        ]

    @api.model
    def _access_right_template_power_description(self, operation, model, group):
        """One administration power of a template, as shown in its refusal."""
        values = {
            "group": group.full_name,
            "model": model.name,
            "technical": model.model,
        }
        if operation == "read":
            return _(
                "group '%(group)s' may read '%(model)s' (%(technical)s), which holds "
                "secrets",
                **values,
            )
        if operation == "create":
            return _(
                "group '%(group)s' may create '%(model)s' (%(technical)s) records, "
                "which are administration data",
                **values,
            )
        if operation == "write":
            return _(
                "group '%(group)s' may change '%(model)s' (%(technical)s) records, "
                "which are administration data",
                **values,
            )
        return _(
            "group '%(group)s' may delete '%(model)s' (%(technical)s) records, "
            "which are administration data",
            **values,
        )

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
                    "user type, Internal User (it makes: %(types)s).",
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
        # above: what counts is what the template's users could read or change
        powers = self._access_right_template_admin_powers_for(groups)
        if powers:
            raise ValidationError(
                _(
                    "The access right template %(template)s is "
                    "administration-equivalent: %(powers)s. Tick 'Allows "
                    "administration rights' on it to use it anyway.",
                    template=template.name,
                    powers="; ".join(
                        self._access_right_template_power_description(*power)
                        for power in powers
                    ),
                )
            )
        return True

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
