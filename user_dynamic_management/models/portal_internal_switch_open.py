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
        current = Switch._udm_lock_for_open(user)
        if current:
            return current
        template, policy = Switch._udm_check_may_open(user, duration)
        full_request, reason_text = Switch._udm_use_request(
            user, template, policy, reason_text
        )
        now = fields.Datetime.now()
        Switch._udm_check_limits(now, user)
        snapshot = user.groups_id
        new_groups = user._udm_internal_groups(template)
        values = user._udm_switch_values(
            template, snapshot, now, ip_address, user_agent
        )
        values.update(
            reason_text=reason_text or False, auth_method=auth_method or "session"
        )
        Switch._udm_shorten_to(values, now, duration, full_request.duration)
        switch = Switch._udm_own().create(values)
        if full_request:
            full_request.write({"state": "used", "switch_id": switch.id})
        switch._udm_set_internal_groups(user, new_groups, snapshot)
        Switch._udm_schedule_first_deadline(switch, now)
        switch._udm_notify_opened()
        return switch

    @api.model
    def _udm_lock_for_open(self, user):
        """Take the locks of a switch of `user`; return their open switch, if any.

        The quota row first: it serialises every limited switch of the database, so
        the quota and seat counts cannot be raced by another worker. Then the user:
        of two simultaneous submits, the loser gets 40001 and its replay finds the
        switch of the winner.
        """
        self._udm_quota_lock(user)
        self.env.cr.execute(
            SQL("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE", user.id),
            log_exceptions=False,
        )
        return self._udm_active_for_user(user.id)

    @api.model
    def _udm_check_may_open(self, user, duration):
        """Check that `user` may switch now, with their template, for the
        `duration` they chose (see _udm_open); return (template, policy). Raises
        UserError (kind `not_allowed` for the user and the template) when not."""
        with self.env["portal.internal.switch.refusal"]._udm_kind("not_allowed"):
            user._udm_check_switch_allowed()
            template = user._access_right_template_effective()
            if not template:
                raise UserError(_("No access right template applies to you."))
        # group definitions may have changed since the template was saved: validate at
        # every switch
        template._access_right_template_validate()
        policy = user._udm_policy(template)
        if duration is not None:
            self._udm_check_duration(duration, policy["max_duration"])
        return template, policy

    @api.model
    def _udm_check_duration(self, duration, max_duration):
        """Raise UserError unless `duration` (minutes chosen by the user) fits the
        policy's `max_duration` (0: no limit)."""
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

    @api.model
    def _udm_use_request(self, user, template, policy, reason_text):
        """(the approved Full User Request this switch uses, see _udm_check_request;
        the reason the switch records: the one typed, else the request's). Refused
        with the kind `approval` when the policy needs one."""
        with self.env["portal.internal.switch.refusal"]._udm_kind(
            "approval" if policy["approval"] else "other"
        ):
            full_request = self._udm_check_request(user, template, reason_text)
        return full_request, (reason_text or "").strip() or full_request.reason_text

    @api.model
    def _udm_check_limits(self, now, user):
        """The quota and the seats (fairness included), checked at switch time,
        approval or not, under the lock of _udm_lock_for_open."""
        Refusal = self.env["portal.internal.switch.refusal"]
        with Refusal._udm_kind("quota"):
            self._udm_check_quota(now, user)
        with Refusal._udm_kind("seats"):
            self._udm_check_seats(now, user)

    @api.model
    def _udm_shorten_to(self, values, now, *durations):
        """End the switch of `values` (see res.users._udm_switch_values) each of
        `durations` minutes after `now` in turn, when that is sooner than its end:
        the duration the user chose, then the one their approved request asked for
        (checked against the policy's maximum; the end of a window or planned access
        is already in the values). 0 or None: no change."""
        for minutes in durations:
            if minutes and (
                not values["max_duration"] or minutes < values["max_duration"]
            ):
                values["max_duration"] = minutes
                values["end_deadline"] = now + timedelta(minutes=minutes)

    def _udm_set_internal_groups(self, user, new_groups, snapshot):
        """Give `user` the groups of this new switch, and record on it the delta from
        `snapshot` (their groups before), implied groups included: what the revert
        undoes."""
        self.ensure_one()
        # Command.set: exact, and immune to the demotion rule of res.users. The write
        # of groups_id clears the ORM caches ('default') itself, and the commit
        # signals it to every worker: no clear of our own (it would only empty the
        # caches refilled since, and signal nothing more)
        user.with_context(mail_notrack=True, **OWN_WRITE_CONTEXT).write(
            {"groups_id": [Command.set(new_groups.ids)]}
        )
        after = user.groups_id
        self.write(
            {
                "added_group_ids": [Command.set((after - snapshot).ids)],
                "removed_group_ids": [Command.set((snapshot - after).ids)],
            }
        )

    @api.model
    def _udm_schedule_first_deadline(self, switch, now):
        """Trigger the revert job for the first deadline of the new `switch`, if any.

        The runner picks a trigger up at its next wake-up (about once a minute): the
        run just before the deadline waits for it (see _udm_wait_for_next_deadline). A
        deadline that close already needs a run now, which waits for it.
        """
        first_deadline = min(
            [d for d in (switch.deadline, switch.end_deadline) if d], default=None
        )
        if first_deadline:
            close = (first_deadline - now).total_seconds() <= CRON_WAIT_MAX
            self._udm_trigger_revert_job(at=None if close else first_deadline)

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
