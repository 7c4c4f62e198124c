# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The request settings (reason, approval, approvers) and the approvers: who they
are, who may decide, and how they are asked (activity due today, the request posted
to them), also when Settings change them."""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Command

from .const import (
    APPROVERS_XMLID,
    PARAM_APPROVER_GROUP,
    PARAM_REQUIRE_APPROVAL,
    PARAM_REQUIRE_REASON,
)


class PortalInternalSwitchRequest(models.Model):
    _inherit = "portal.internal.switch.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _udm_param(self, key, default=0):
        value = self.env["portal.internal.switch"]._udm_get_param(key, default)
        try:
            return int(value or 0)
        except ValueError:
            return default

    @api.model
    def _udm_reason_required(self):
        Switch = self.env["portal.internal.switch"]
        return Switch._udm_get_param(PARAM_REQUIRE_REASON, "False") == "True"

    @api.model
    def _udm_approval_required(self):
        Switch = self.env["portal.internal.switch"]
        return Switch._udm_get_param(PARAM_REQUIRE_APPROVAL, "False") == "True"

    @api.model
    def _udm_approver_group(self):
        """The approvers' groups: the group chosen in Settings (Access Rights
        administrators when none), and the approvers named one by one."""
        group = (
            self.env["res.groups"]
            .sudo()
            .browse(self._udm_param(PARAM_APPROVER_GROUP))
            .exists()
        )
        named = self.env.ref(APPROVERS_XMLID, raise_if_not_found=False)
        return (group or self.env.ref("base.group_erp_manager")) | (
            named or group.browse()
        )

    @api.model
    def _udm_approvers(self):
        """The users asked to decide on Full User Requests (activity, e-mail): the
        internal users of the approvers group, less the portal users switched to
        internal, whom a template may have given the group."""
        users = self._udm_approver_group().users.filtered(lambda u: not u.share)
        switched = (
            self.env["portal.internal.switch"]
            .sudo()
            .search([("user_id", "in", users.ids), ("state", "=", "active")])
        )
        return users - switched.user_id

    @api.model
    def _udm_approver_error(self, admins_too=False):
        """Why the current user may not decide on Full User Requests, or None: only
        an internal user of the approvers groups may (with `admins_too`, or an Access
        Rights administrator), never a portal user switched to internal, whatever
        groups their template gives them."""
        user = self.env.user
        groups = self._udm_approver_group()
        if admins_too:
            groups |= self.env.ref("base.group_erp_manager")
        if user.share or not (groups & user.sudo().groups_id):
            return _(
                "Only approvers can decide on Full User Requests. An administrator "
                "names the approvers in Settings, under Users: Require approval."
            )
        if self.env["portal.internal.switch"].sudo()._udm_active_for_user(user.id):
            return _(
                "A portal user switched to internal cannot decide on Full User "
                "Requests."
            )
        return None

    @api.model
    def _udm_check_approver(self, admins_too=False):
        """Raise AccessError unless the current user may decide on Full User Requests
        (see _udm_approver_error)."""
        error = self._udm_approver_error(admins_too=admins_too)
        if error:
            raise AccessError(error)

    def _udm_notify_approvers(self):
        """An activity for each approver, due today, and the request posted to them
        (Inbox or e-mail, as each prefers); never to the user who asks, under any of
        their accounts."""
        self.ensure_one()
        approvers = self._udm_assign(self._udm_approvers(), notify=False)
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (self._udm_approvers_message(), self.reason_text or ""),
            subtype_xmlid="mail.mt_comment",
            partner_ids=approvers.partner_id.ids,
        )

    def _udm_approvers_message(self):
        """What the approvers are asked (the request's first message). Extension
        point."""
        self.ensure_one()
        return _(
            "%(user)s asks for internal access (%(duration)s).",
            user=self.user_id.name,
            duration=_("%s minutes", self.duration)
            if self.duration
            else _("as long as allowed"),
        )

    def _udm_activity_summary(self):
        """The summary of the approvers' activity. Extension point."""
        self.ensure_one()
        return _("Full User Request of %s", self.user_id.name)

    def _udm_assign(self, approvers, notify=True):
        """Give each of `approvers` who has none yet an activity on this request,
        due today in their timezone (the systray counts it), and make them follow it;
        return the approvers asked. Without `notify`, the activity is not announced
        (the caller posts the request to them). Never the user who asks."""
        self.ensure_one()
        approvers = approvers.filtered(
            lambda approver: approver.partner_id != self.user_id.partner_id
        )
        assigned = self.activity_ids.user_id
        now = fields.Datetime.now()
        activities = self.with_context(mail_activity_quick_update=not notify)
        for approver in approvers - assigned:
            activities.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=approver.id,
                summary=self._udm_activity_summary(),
                date_deadline=self._udm_due_today(approver, now),
            )
        self.message_subscribe(partner_ids=approvers.partner_id.ids)
        return approvers

    @api.model
    def _udm_due_today(self, approver, now):
        """The day of `now` for `approver`, as mail.activity counts it (the
        approver's timezone, UTC when they have none): an activity due that day
        shows in their systray counter."""
        return fields.Date.context_today(
            self.with_context(tz=approver.tz or "UTC"), now
        )

    @api.model
    def _udm_approvers_changed(self, before):
        """The approvers are now _udm_approvers() instead of `before` (Settings):
        the new ones are asked about the pending requests, those who left lose
        their activities, and the top menu follows the approvers groups."""
        after = self._udm_approvers()
        pending = self.sudo().search([("state", "=", "pending")])
        for request in pending:
            request._udm_assign(after - before)
        pending.activity_ids.filtered(
            lambda activity: activity.user_id in before - after
        ).unlink()
        menu = self.env.ref(
            "user_dynamic_management.menu_full_user_requests_root",
            raise_if_not_found=False,
        )
        groups = self._udm_approver_group() | self.env.ref("base.group_erp_manager")
        if menu and menu.sudo().groups_id != groups:
            menu.sudo().groups_id = [Command.set(groups.ids)]
