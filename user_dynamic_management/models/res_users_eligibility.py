# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may switch, and the checks before a switch: eligibility ("Allow Portal
Access Internal" or a group whose members may switch), "Allowed until" (a day of the
company's calendar), the template's switch windows and planned internal access."""

from odoo import _, fields, models
from odoo.exceptions import UserError


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    def _udm_is_eligible(self):
        """Whether this user may switch at all: "Allow Portal Access Internal", or a
        group whose members may switch (Settings). The date limit is checked apart."""
        self.ensure_one()
        user = self.sudo()
        if user.allow_portal_access_internal:
            return True
        # one query, instead of reading every group of the user and their flags:
        # this runs on each /my of every portal user, most of whom may not switch
        return bool(
            self.env["res.groups"]
            .sudo()
            .search_count(
                [("udm_may_switch", "=", True), ("users", "in", user.ids)], limit=1
            )
        )

    def _udm_can_switch(self):
        """Whether the portal shows this user the switch (eligible, date not past)."""
        self.ensure_one()
        user = self.sudo()
        user._udm_fetch_policy()
        if user._is_public() or not user.share or not user._udm_is_eligible():
            return False
        return not user._udm_allowed_until_passed()

    def _udm_allowed_until_passed(self):
        """Whether this user's "Allowed until" is a day before today, in the
        company's calendar (never the user's own timezone, which a portal user may set
        themselves and so gain up to a day)."""
        self.ensure_one()
        until = self.sudo().udm_allowed_until
        Switch = self.env["portal.internal.switch"]
        return bool(until and until < Switch._udm_company_date())

    def _udm_check_switch_allowed(self):
        """Raise UserError when this user may not switch right now. Extension point."""
        self.ensure_one()
        user = self.sudo()
        user._udm_fetch_policy()
        if user._is_public():
            raise UserError(_("Please log in to switch to an internal user."))
        if not user.share:
            raise UserError(_("You are already an internal user."))
        if not user.has_group("base.group_portal"):
            raise UserError(_("Only portal users can switch to an internal user."))
        if not user._udm_is_eligible():
            raise UserError(_("You are not allowed to switch to an internal user."))
        if user._udm_allowed_until_passed():
            raise UserError(
                _(
                    "Your access to internal rights ended on %s.",
                    fields.Date.to_string(user.udm_allowed_until),
                )
            )
        if user.is_access_right_template:
            raise UserError(_("An access right template cannot switch."))
        user._udm_check_window(fields.Datetime.now())

    def _udm_check_window(self, now):
        """Raise UserError outside the template's switch windows, unless a planned
        internal access covers `now`; the message says when the next window opens."""
        self.ensure_one()
        Grant = self.env["portal.internal.switch.grant"]
        if Grant._udm_current(self, now):
            return
        template = self._access_right_template_effective()
        windows = template.sudo().udm_window_ids
        if not windows or windows._udm_current_end(now):
            return
        next_start = windows._udm_next_start(now)
        Switch = self.env["portal.internal.switch"]
        raise UserError(
            _(
                "Internal access with %(template)s is open at set times only. The next "
                "window opens at %(time)s.",
                template=template.sudo().name,
                time=Switch._udm_format_clock(next_start, self),
            )
            if next_start
            else _(
                "Internal access with %(template)s is open at set times only.",
                template=template.sudo().name,
            )
        )

    def _udm_has_planned_access(self, now):
        """Whether a planned internal access covers `now` (no request needed)."""
        self.ensure_one()
        return bool(self.env["portal.internal.switch.grant"]._udm_current(self, now))
