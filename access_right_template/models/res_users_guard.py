# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The template guard: which templates amount to administration.

A template that lets a portal user administer users, the system or its secrets is
refused unless an Access Rights administrator ticked "Allows administration rights".
Administration groups are recognised by name; custom groups by what their access
rights and record rules let their users do (one query, ADMIN_POWERS_QUERY).
"""

from odoo import _, api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

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
    # one model over several files, each with its own job (as core's account does)
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

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
        template._check_access_right_template_archived()
        groups = template._access_right_template_groups()
        template._check_access_right_template_user_type(groups)
        if not template.allow_administration_rights:
            template._check_access_right_template_admin_groups(groups)
            template._check_access_right_template_admin_powers(groups)
        return True

    def _check_access_right_template_archived(self):
        """A template is flagged as one and stays archived: it never logs in."""
        if not self.is_access_right_template:
            raise ValidationError(_("%s is not an access right template.", self.name))
        if self.active:
            raise ValidationError(
                _("The access right template %s must stay archived.", self.name)
            )

    def _check_access_right_template_user_type(self, groups):
        """A template makes exactly one user type, Internal User."""
        user_types = groups.filtered(
            lambda g: g.category_id == self.env.ref("base.module_category_user_type")
        )
        if user_types != self.env.ref("base.group_user"):
            raise ValidationError(
                _(
                    "The access right template %(template)s must make exactly one "
                    "user type, Internal User (it makes: %(types)s).",
                    template=self.name,
                    types=", ".join(user_types.mapped("name")) or _("none"),
                )
            )

    def _check_access_right_template_admin_groups(self, groups):
        """No administration group unless "Allows administration rights"."""
        admin = groups & self._access_right_template_admin_groups()
        if admin:
            raise ValidationError(
                _(
                    "The access right template %(template)s grants administration "
                    "rights (%(groups)s). Tick 'Allows administration rights' on it "
                    "if that is really intended.",
                    template=self.name,
                    groups=", ".join(admin.mapped("full_name")),
                )
            )

    def _check_access_right_template_admin_powers(self, groups):
        """No administration power through custom groups either: what counts is what
        the template's users could read or change, not the groups' names."""
        powers = self._access_right_template_admin_powers_for(groups)
        if powers:
            raise ValidationError(
                _(
                    "The access right template %(template)s is "
                    "administration-equivalent: %(powers)s. Tick 'Allows "
                    "administration rights' on it to use it anyway.",
                    template=self.name,
                    powers="; ".join(
                        self._access_right_template_power_description(*power)
                        for power in powers
                    ),
                )
            )
