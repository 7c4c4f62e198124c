# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "base.group_erp_manager"


class ResUsers(models.Model):
    _inherit = "res.users"

    # Admin-only configuration. These fields are deliberately NOT in
    # SELF_WRITEABLE_FIELDS: a portal user must never be able to allow themselves to
    # switch or lengthen their own idle time.
    allow_portal_access_internal = fields.Boolean(
        string="Allow Portal Access Internal",
        copy=False,
        groups=MANAGER_GROUP,
        help="This portal user may switch themselves to an internal user from the "
        "portal ('Switch to Internal User'), with the rights of their access right "
        "template.",
    )
    enable_idle_time = fields.Boolean(
        string="Enable idle time",
        copy=False,
        groups=MANAGER_GROUP,
        help="Switch the user back to portal after 'Idle Time' minutes without "
        "activity.",
    )
    idle_time = fields.Integer(
        string="Idle Time",
        default=30,
        copy=False,
        groups=MANAGER_GROUP,
        help="Minutes of inactivity in the backend after which the user is switched "
        "back to portal.",
    )
    portal_internal_switch_ids = fields.One2many(
        comodel_name="portal.internal.switch",
        inverse_name="user_id",
        string="Portal Switches",
        groups=MANAGER_GROUP,
    )

    @api.constrains("enable_idle_time", "idle_time")
    def _check_idle_time(self):
        for user in self.sudo():
            if user.idle_time < 0 or (user.enable_idle_time and user.idle_time <= 0):
                raise ValidationError(
                    _(
                        "The idle time of %s must be a positive number of minutes.",
                        user.name,
                    )
                )

    # ------------------------------------------------------------------
    # Switch (private: never reachable through JSON-RPC)
    # ------------------------------------------------------------------

    def _udm_check_switch_allowed(self):
        """Raise UserError when this user may not switch right now. Extension point."""
        self.ensure_one()
        user = self.sudo()
        if user._is_public():
            raise UserError(_("Please log in to switch to an internal user."))
        if not user.share:
            raise UserError(_("You are already an internal user."))
        if not user.has_group("base.group_portal"):
            raise UserError(_("Only portal users can switch to an internal user."))
        if not user.allow_portal_access_internal:
            raise UserError(_("You are not allowed to switch to an internal user."))
        if user.is_access_right_template:
            raise UserError(_("An access right template cannot switch."))

    def _udm_internal_groups(self, template):
        """Groups the user gets while switched: their own groups minus the portal/public
        user types, plus the template's groups (implied included) and Internal User.
        """
        self.ensure_one()
        current = self.sudo().groups_id
        user_types = self.env.ref("base.group_portal") | self.env.ref(
            "base.group_public"
        )
        return (
            (current - user_types)
            | template._access_right_template_groups()
            | self.env.ref("base.group_user")
        )

    def _udm_switch_to_internal(self, ip_address=None, user_agent=None):
        """Switch this portal user to internal, in the current transaction.

        Raises UserError/ValidationError (and changes nothing) when the switch is
        refused. Callers are responsible for having authenticated the user: this only
        ever runs for the logged-in user (see controllers/portal.py).
        """
        self.ensure_one()
        user = self.sudo()
        Switch = self.env["portal.internal.switch"].sudo()
        # Lock first: it serialises every switch of the database, so the quota count
        # below cannot be raced by another worker (see portal.internal.switch.quota).
        Switch._udm_quota_lock()
        # Lock the user too: a double submit (or two tabs) must not open two switches;
        # the loser gets 40001 and its replay sees an internal user.
        self.env.cr.execute(
            SQL("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE", user.id),
            log_exceptions=False,
        )
        user._udm_check_switch_allowed()
        if Switch.search_count([("user_id", "=", user.id), ("state", "=", "active")]):
            raise UserError(_("You are already switched to an internal user."))
        template = user._access_right_template_effective()
        if not template:
            raise UserError(_("No access right template applies to you."))
        # group definitions may have changed since the template was saved: validate at
        # every switch
        template._access_right_template_validate()
        now = fields.Datetime.now()
        Switch._udm_check_quota(now, user)
        snapshot = user.groups_id
        new_groups = user._udm_internal_groups(template)
        switch = Switch.create(
            user._udm_switch_values(template, snapshot, now, ip_address, user_agent)
        )
        # Command.set: the only write that is exact and immune to the demotion rule of
        # res.users
        user.with_context(mail_notrack=True).write(
            {"groups_id": [Command.set(new_groups.ids)]}
        )
        self.env.registry.clear_cache()
        # our own audit note instead of mail's "Portal Access Granted/Revoked"
        user.partner_id._message_log(
            body=Markup("<p>%s</p>")
            % _(
                "Switched to an internal user (template %(template)s, IP %(ip)s).",
                template=template.name,
                ip=ip_address or "-",
            )
        )
        _logger.info(
            "Portal user %s (#%d) switched to internal with template %s (#%d)",
            user.login,
            user.id,
            template.name,
            template.id,
        )
        return switch

    def _udm_switch_values(self, template, snapshot, now, ip_address, user_agent):
        """Values of the switch record opened by a switch. Extension point."""
        self.ensure_one()
        idle = self.sudo().idle_time if self.sudo().enable_idle_time else 0
        return {
            "user_id": self.id,
            "template_id": template.id,
            "start_date": now,
            "last_activity": now,
            "idle_time": idle,
            "deadline": now + timedelta(minutes=idle) if idle else False,
            "group_ids": [Command.set(snapshot.ids)],
            "ip_address": (ip_address or "")[:64] or False,
            "user_agent": (user_agent or "")[:512] or False,
        }

    def _udm_revert(self, reason):
        """Switch these users back to portal if they are switched (idempotent)."""
        switches = (
            self.env["portal.internal.switch"]
            .sudo()
            .search([("user_id", "in", self.ids), ("state", "=", "active")])
        )
        return switches._udm_revert(reason)

    def _udm_pop_revert_notice(self):
        """Reason of the last revert not yet shown on the portal; then forget it."""
        self.ensure_one()
        switch = (
            self.env["portal.internal.switch"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.id),
                    ("state", "=", "reverted"),
                    ("notice_shown", "=", False),
                ],
                order="end_date desc, id desc",
                limit=1,
            )
        )
        if not switch:
            return False
        # mark every older unseen one as well, so a single message is shown
        self.env["portal.internal.switch"].sudo().search(
            [
                ("user_id", "=", self.id),
                ("state", "=", "reverted"),
                ("notice_shown", "=", False),
            ]
        ).write({"notice_shown": True})
        return switch.reason
