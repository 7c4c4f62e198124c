# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Opening a switch: checks, values, the group change, the revert job's schedule."""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL

from .const import CRON_WAIT_MAX, OWN_WRITE_CONTEXT

_logger = logging.getLogger(__name__)


class PortalInternalSwitch(models.Model):
    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Opening
    # ------------------------------------------------------------------

    @api.model
    def _udm_open(
        self,
        user,
        ip_address=None,
        user_agent=None,
        reason_text=None,
        duration=None,
        auth_method=None,
    ):
        """Switch the portal user `user` to internal, in the current transaction;
        return the switch.

        `duration`: the minutes the user chose (1 to the policy's maximum duration; 0,
        no limit, only when the policy has none); None: the policy's maximum.

        Idempotent: for a user already switched (a double submit, two tabs) the open
        switch is returned and nothing changes. Raises UserError/ValidationError (and
        changes nothing) when refused, its kind told for the log of refusals (see
        portal.internal.switch.refusal._udm_kind). Callers are responsible for having
        authenticated the user: this only ever runs for the logged-in user (see
        controllers).
        """
        user = user.sudo()
        user.ensure_one()
        Switch = self.sudo()
        Refusal = self.env["portal.internal.switch.refusal"]
        # Lock first: it serialises every limited switch of the database, so the quota
        # and seat counts below cannot be raced by another worker.
        Switch._udm_quota_lock()
        # Lock the user too: of two simultaneous submits, the loser gets 40001 and its
        # replay finds the switch below.
        self.env.cr.execute(
            SQL("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE", user.id),
            log_exceptions=False,
        )
        current = Switch._udm_active_for_user(user.id)
        if current:
            return current
        with Refusal._udm_kind("not_allowed"):
            user._udm_check_switch_allowed()
            template = user._access_right_template_effective()
            if not template:
                raise UserError(_("No access right template applies to you."))
        # group definitions may have changed since the template was saved: validate at
        # every switch
        template._access_right_template_validate()
        policy = user._udm_policy(template)
        max_duration = policy["max_duration"]
        if duration is not None:
            # 0 (no limit) only without a maximum
            if duration < (1 if max_duration else 0):
                raise UserError(_("The duration must be at least 1 minute."))
            if max_duration and duration > max_duration:
                raise UserError(
                    _(
                        "Internal access lasts %(minutes)s min at most: choose a "
                        "shorter duration.",
                        minutes=max_duration,
                    )
                )
            # max_duration is a PostgreSQL integer
            if duration > 2**31 - 1:
                raise UserError(_("The duration is too long."))
        with Refusal._udm_kind("approval" if policy["approval"] else "other"):
            full_request = Switch._udm_check_request(user, template, reason_text)
        reason_text = (reason_text or "").strip() or full_request.reason_text
        now = fields.Datetime.now()
        # quota and seats are checked at switch time, approval or not
        with Refusal._udm_kind("quota"):
            Switch._udm_check_quota(now, user)
        with Refusal._udm_kind("seats"):
            Switch._udm_check_seats(now, user)
        snapshot = user.groups_id
        new_groups = user._udm_internal_groups(template)
        values = user._udm_switch_values(
            template, snapshot, now, ip_address, user_agent
        )
        values["reason_text"] = reason_text or False
        values["auth_method"] = auth_method or "session"
        if duration and (
            not values["max_duration"] or duration < values["max_duration"]
        ):
            # the user's choice, within the policy's maximum (checked above) and the
            # end of a window or planned access (already in the values)
            values["max_duration"] = duration
            values["end_deadline"] = now + timedelta(minutes=duration)
        if full_request.duration and (
            not values["max_duration"] or full_request.duration < values["max_duration"]
        ):
            values["max_duration"] = full_request.duration
            values["end_deadline"] = now + timedelta(minutes=full_request.duration)
        switch = Switch._udm_own().create(values)
        if full_request:
            full_request.write({"state": "used", "switch_id": switch.id})
        # Command.set: exact, and immune to the demotion rule of res.users. The write
        # of groups_id clears the ORM caches ('default') itself, and the commit
        # signals it to every worker: no clear of our own (it would only empty the
        # caches refilled since, and signal nothing more)
        user.with_context(mail_notrack=True, **OWN_WRITE_CONTEXT).write(
            {"groups_id": [Command.set(new_groups.ids)]}
        )
        # the delta, implied groups included, is what the revert undoes
        after = user.groups_id
        switch.write(
            {
                "added_group_ids": [Command.set((after - snapshot).ids)],
                "removed_group_ids": [Command.set((snapshot - after).ids)],
            }
        )
        first_deadline = min(
            [d for d in (switch.deadline, switch.end_deadline) if d], default=None
        )
        if first_deadline:
            # The runner picks a trigger up at its next wake-up (about once a minute):
            # the run just before the deadline waits for it (see
            # _udm_wait_for_next_deadline). A deadline that close already needs a run
            # now, which waits for it.
            close = (first_deadline - now).total_seconds() <= CRON_WAIT_MAX
            Switch._udm_trigger_revert_job(at=None if close else first_deadline)
        switch._udm_notify_opened()
        return switch

    @api.model
    def _udm_check_request(self, user, template, reason_text):
        """The approved Full User Request this switch uses (locked, so that it is used
        once only), or an empty recordset when no approval is needed. Raises UserError
        when an approval or a reason is required and missing."""
        Request = self.env["portal.internal.switch.request"].sudo()
        planned = user._udm_has_planned_access(fields.Datetime.now())
        if planned or not user._udm_policy(template)["approval"]:
            if Request._udm_reason_required() and not (reason_text or "").strip():
                raise UserError(_("Please say why you need internal access."))
            return Request.browse()
        full_request = Request._udm_lock_usable(user)
        if not full_request:
            raise UserError(
                _(
                    "Switching needs an approval: send a Full User Request and switch "
                    "once it is approved."
                )
            )
        return full_request
