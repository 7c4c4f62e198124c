# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Portal Access Groups on ``res.users``: who they govern, the rights they give,
and the guard every self-write of a governed user goes through (JSON-RPC,
XML-RPC, forms).

One model over several files, each named after its job:

- ``res_users.py`` (this file): who is governed, rights, the guard;
- ``res_users_values.py``: a managed field's value: read, compared, checked,
  cleaned;
- ``res_users_password.py``: passwords (credentials, change, reset);
- ``res_users_login.py``: logins (look-ups, normalization, uniqueness);
- ``res_users_audit.py``: the note on the contact, the login-change notice;
- ``res_users_my_account.py``: the rows of the My Account page.
"""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..managed_fields import MANAGED_FIELDS

_logger = logging.getLogger(__name__)


class ResUsers(models.Model):
    """Portal Access Groups on users: the groups listing them, who is
    governed, their rights, the guard on their own writes."""

    _inherit = "res.users"

    # Not in SELF_READABLE_FIELDS/SELF_WRITEABLE_FIELDS: a portal user must not
    # be able to put themselves into a group.
    portal_access_group_ids = fields.Many2many(
        comodel_name="portal.access.group",
        relation="portal_access_group_res_users_rel",
        column1="user_id",
        column2="group_id",
        string="Portal Access Groups",
        groups="base.group_erp_manager",
        help="Groups listing this portal user. Groups that apply to all portal "
        "users also give their rights without being listed here.",
    )

    # ------------------------------------------------------------------
    # CRUD: every self-write of a portal user goes through the guard
    # ------------------------------------------------------------------
    def write(self, vals):
        # before the SELF_WRITEABLE_FIELDS escalation of base, while the write
        # is still the portal user's own (not sudo)
        vals, changes = self._pfa_guard_own_write(self, vals)
        res = super().write(vals)
        if "portal_access_group_ids" in vals:
            # rights are cached per user (portal.access.group)
            self.env.registry.clear_cache()
        self.env.user._pfa_log_changes(changes)
        return res

    # ------------------------------------------------------------------
    # Who is governed
    # ------------------------------------------------------------------
    def _is_temporarily_internal(self):
        """Return True while this user is a portal user temporarily given
        internal rights by another addon (e.g. user_dynamic_management).

        Such a user stays governed by their Portal Access Groups. Extension
        point: the addon that switches users overrides it; several addons may
        define it, each asking the others through ``super()``.
        """
        parent = getattr(super(), "_is_temporarily_internal", None)
        return bool(parent and parent())

    def _pfa_governed(self):
        """Whether Portal Access Groups govern this user: a portal user, or a
        portal user temporarily internal. The one answer every check of the
        addon uses (ORM guard, passwords, My Account, password reset)."""
        self.ensure_one()
        return self._is_portal() or self._is_temporarily_internal()

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------
    def _portal_field_access(self):
        """Return ``{field_key: 'read' | 'write'}`` for this user."""
        self.ensure_one()
        return self.env["portal.access.group"]._get_field_access(self)

    @api.model
    def _pfa_labels(self):
        """Return ``{field_key: translated label}``."""
        Line = self.env["portal.access.group.line"]
        return dict(Line._fields["field_name"]._description_selection(self.env))

    # ------------------------------------------------------------------
    # Guard
    # ------------------------------------------------------------------
    @api.model
    def _pfa_guard_own_write(self, records, vals):
        """Check ``records.write(vals)`` when a governed user writes themselves.

        Applies to a governed user (``_pfa_governed``: a portal user, also while
        temporarily internal) writing their own user or partner without sudo
        (JSON-RPC, XML-RPC, a form): every managed field that changes needs the
        Write right and a valid, bounded value, and no managed value may hold
        an unsafe character. Sudo writes are code that
        checked already (My Account does, with the same table and rights).

        Return ``(vals, changes)``: the values to write (cleaned) and the
        changes to log, or ``(vals, [])`` when the write is none of our business.
        """
        user = self.env.user
        if self.env.su or not vals:
            return vals, []
        own = user if records._name == "res.users" else user.partner_id
        # whether the user is governed last: another addon's answer may cost
        # a query, and most writes are not a user's own
        if own.id not in records.ids or not user._pfa_governed():
            return vals, []
        user._pfa_check_vals_characters(vals)
        changes = user._pfa_changes(vals)
        if not changes:
            return vals, []
        user._pfa_check_changes(changes)
        vals = dict(vals)
        for field, _old, new in changes:
            cleaned = user._pfa_clean(field, new)
            if field.key in vals:
                vals[field.key] = cleaned
        return vals, changes

    def _pfa_changes(self, vals):
        """Return ``[(field, old, new)]`` for the managed fields ``vals`` changes.

        ``name`` is split as partner_firstname does, so changing the full name
        changes the first and/or last name. A password is always a change.
        """
        self.ensure_one()
        partner = self.partner_id
        split = {}
        if "name" in vals and not {"firstname", "lastname"} & vals.keys():
            name = partner._get_whitespace_cleaned_name(vals["name"] or "")
            split = partner._get_inverse_name(name, partner.is_company)
        changes = []
        for field in MANAGED_FIELDS:
            if field.write_only:
                if vals.get(field.key):
                    changes.append((field, None, None))
                continue
            if field.key in vals:
                new = vals[field.key]
            elif field.key in split:
                new = split[field.key]
            else:
                continue
            old = self._pfa_current_value(field)
            if self._pfa_normalize(field, new) != old:
                changes.append((field, old, new))
        return changes

    def _pfa_check_changes(self, changes, access=None):
        """Refuse the changes of fields the user may not write."""
        if access is None:
            access = self._portal_field_access()
        forbidden = [
            field.key for field, _o, _n in changes if access.get(field.key) != "write"
        ]
        if forbidden:
            labels = self._pfa_labels()
            _logger.info("User #%s refused changing %s", self.env.uid, forbidden)
            raise AccessError(
                _(
                    "You are not allowed to change: %s. Nothing was saved.",
                    ", ".join(labels[key] for key in forbidden),
                )
            )

    def _pfa_check_password_reset(self):
        """Refuse a password reset asked from the login page for a governed
        user without Write on the password: the reset would let them change
        the password they may not change (the reset link sets a new one).
        Administrators can still send the reset instructions from the user's
        form, and an invitation link still sets the first password."""
        self.ensure_one()
        if not self._pfa_governed():
            return
        if self._portal_field_access().get("password") == "write":
            return
        _logger.info("Password reset of user #%s refused (no Write on it)", self.id)
        raise UserError(
            _(
                "You are not allowed to change your password, so it cannot be "
                "reset here. Please contact us to have it reset. No e-mail was sent."
            )
        )
