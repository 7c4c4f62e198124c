# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A portal user switched to internal stays an outsider: they administer no account
(create/write of res_users.py call the guard here), and their temporary groups make
no access right template."""

from odoo import SUPERUSER_ID, _, models
from odoo.exceptions import AccessError, UserError


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    def _udm_check_switched_administers_users(self):
        """Refuse a switched user's creation of users or change of another user,
        whatever their template grants, as sudo too (stock wizards such as Grant portal
        access create and activate users as sudo).

        Why: a switched portal user is an outsider; their template gives them an
        employee's work, never power over other accounts (new logins, e-mails,
        passwords, activations). One indexed query, only when the write reaches
        another user than the current one.
        """
        uid = self.env.uid
        # self is empty when creating
        if uid == SUPERUSER_ID or (self and set(self.ids) <= {uid}):
            return
        if self.env["portal.internal.switch"].sudo()._udm_active_for_user(uid):
            raise AccessError(
                _(
                    "While switched to an internal user, you cannot create users or "
                    "change another user's account."
                )
            )

    def _is_temporarily_internal(self):
        """Whether this user is a portal user with internal rights for a while (a
        running switch). Such a user stays governed by what governs portal users
        (Portal Access Groups on their own identity fields, for one)."""
        parent = getattr(super(), "_is_temporarily_internal", None)
        return bool(parent and parent()) or bool(self._udm_switched())

    def action_create_access_right_template(self):
        # the groups of a portal user switched to internal are temporary
        if self._udm_switched():
            raise UserError(
                _(
                    "%s is a portal user switched to internal for a while: their "
                    "groups are temporary. Create the template from an internal user.",
                    self.name,
                )
            )
        return super().action_create_access_right_template()
