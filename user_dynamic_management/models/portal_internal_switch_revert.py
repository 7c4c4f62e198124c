# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reverting: the every-minute job and its wake-up timers, locking, the exact
group restore."""

import logging
import threading
import time
from collections import defaultdict

from psycopg2 import OperationalError

from odoo import SUPERUSER_ID, api, fields, models
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from .const import CRON_WAIT_MAX, OWN_WRITE_CONTEXT
from .switch_time import _due_reason

_logger = logging.getLogger(__name__)


class PortalInternalSwitch(models.Model):
    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Revert
    # ------------------------------------------------------------------

    @api.model
    def _cron_revert_idle_switches(self, wait_near_deadline=False):
        """Revert every switch past its idle deadline or its maximum duration, in a
        constant number of queries per reason.

        Reverts happen within seconds of the deadline even with the browser closed:
        each switch schedules this job at its deadline, and since the cron runner only
        wakes up about once a minute (or when notified), the run before a deadline
        that close has a timer wake the runner at the deadline (`wait_near_deadline`,
        set by the scheduled action; nothing waits inside a transaction).
        """
        now = fields.Datetime.now()
        domain = [
            ("state", "=", "active"),
            "|",
            ("deadline", "<=", now),
            ("end_deadline", "<=", now),
        ]
        due = self.sudo().search(domain)
        expired = due.filtered(
            lambda s: _due_reason(s.deadline, s.end_deadline, now) == "expired"
        )
        reverted = self.browse()
        for switches, reason in ((due - expired, "idle"), (expired, "expired")):
            if not switches:
                continue
            try:
                with self.env.cr.savepoint():
                    reverted |= switches._udm_revert(
                        reason, due_at=now, skip_locked=True
                    )
            except OperationalError as error:
                # a heartbeat or a revert committed meanwhile: the next run starts
                # from a fresh snapshot
                if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    raise
                _logger.info("Revert postponed by a concurrent update: %s", error)
            except Exception:
                # one switch whose revert fails (an override, unexpected data) must
                # not keep every other user internal: each is reverted on its own
                _logger.exception(
                    "Reverting %d switches at once failed: one by one now",
                    len(switches),
                )
                reverted |= switches._udm_revert_one_by_one(reason, now)
        if wait_near_deadline:
            self._udm_wake_up_at_next_deadline(now)

    def _udm_revert_one_by_one(self, reason, due_at):
        """Revert these due switches each in its own savepoint; a failure is logged
        and leaves that switch for the next run. Returns the reverted switches."""
        reverted = self.browse()
        for switch in self:
            try:
                with self.env.cr.savepoint():
                    reverted |= switch._udm_revert(
                        reason, due_at=due_at, skip_locked=True
                    )
            except Exception:
                _logger.exception("Revert of switch #%s failed", switch.id)
        return reverted

    @api.model
    def _udm_next_deadline(self):
        """The earliest idle or absolute deadline of the open switches, or None."""
        self.flush_model(["state", "deadline", "end_deadline"])
        self.env.cr.execute(
            """
            SELECT MIN(LEAST(deadline, end_deadline)) FROM portal_internal_switch
             WHERE state = 'active'
            """
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _udm_wake_up_at_next_deadline(self, now):
        """If the next deadline comes before the cron runner's next wake-up, have this
        job run at that moment: a timer of this process (a thread, holding no cursor
        nor transaction while it waits) triggers the job at the deadline in a short
        transaction of its own, which notifies the runner. The trigger at the deadline
        stays the backstop, should this process stop meanwhile.

        Why not wait here: this run holds a transaction (and the cron runner's lock on
        the job); PostgreSQL's idle_in_transaction_session_timeout kills it, a pooler
        pins its connection, and Odoo refuses module installs while a job runs.
        """
        next_deadline = self._udm_next_deadline()
        if not next_deadline:
            return
        wait = (next_deadline - now).total_seconds()
        if wait > CRON_WAIT_MAX:
            return
        if wait <= 0:
            # due already (a revert postponed by a concurrent update): run again now
            self._udm_trigger_revert_job()
            return
        self._udm_trigger_revert_job(at=next_deadline)
        self._udm_start_wake_up_timer(wait)

    @api.model
    def _udm_start_wake_up_timer(self, seconds):
        """Trigger the revert job in `seconds` from a thread of this process (see
        _udm_wake_up_at_next_deadline). One pending timer per database and process:
        an earlier one is kept, a later one replaced. Not in tests, whose database
        cursor is not shared with threads; they replace this method."""
        if self.env.registry.in_test_mode():
            return
        _wake_up_timers.arm(self.env.cr.dbname, seconds)

    @api.model
    def _udm_trigger_revert_job(self, at=None):
        """Schedule the revert job at `at` (now when None; a trigger due now also
        wakes the cron runner when the transaction commits)."""
        cron = self.env.ref(
            "user_dynamic_management.ir_cron_revert_idle_switches",
            raise_if_not_found=False,
        )
        if cron:
            cron.sudo()._trigger(at=at)

    def _udm_lock_open(self, due_at=None, skip_locked=False):
        """Lock the still-open switches of self (still due at `due_at`); return them.

        A concurrent revert or heartbeat committed in between makes PostgreSQL raise
        40001 here, which the request/cron machinery retries: the replay then finds
        nothing left to do.
        """
        if not self.ids:
            return self.browse()
        self.flush_model(["state", "deadline"])
        query = SQL(
            """
            SELECT id FROM portal_internal_switch
             WHERE id = ANY(%s) AND state = 'active' %s
               FOR NO KEY UPDATE %s
            """,
            list(self.ids),
            SQL("AND (deadline <= %s OR end_deadline <= %s)", due_at, due_at)
            if due_at
            else SQL(),
            SQL("SKIP LOCKED") if skip_locked else SQL(),
        )
        # concurrency errors are expected here and retried: not logged as bad queries
        self.env.cr.execute(query, log_exceptions=False)
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _udm_revert(self, reason, due_at=None, skip_locked=False):
        """Switch the users of these open switches back to portal users.

        Locks the switches still open (and still due at `due_at`), closes them, undoes
        the switch's group changes (keeping any change an administrator made
        meanwhile), removes every foothold opened during the switch (credentials,
        tokens, chats, followers: see portal_internal_switch_foothold.py) and tells the
        users.
        Batched: the number of queries does not depend on the number of switches.
        Returns the reverted switches (empty when there was nothing left to revert).
        """
        switches = self.sudo()._udm_lock_open(due_at=due_at, skip_locked=skip_locked)
        if not switches:
            return switches
        switches = switches._udm_own()
        switches.env.flush_all()
        kept_internal = switches._udm_restore_groups()
        reverted = switches - kept_internal
        # an administrator made the kept users employees: what they opened stays
        reverted.env.flush_all()
        reverted._udm_close_footholds()
        now = fields.Datetime.now()
        if reverted:
            reverted.write({"state": "reverted", "end_date": now, "reason": reason})
        if kept_internal:
            # an administrator gave the user internal rights of their own meanwhile
            kept_internal.write(
                {"state": "reverted", "end_date": now, "reason": "admin"}
            )
        switches.env.flush_all()
        reverted._udm_notify_reverted(reason)
        kept_internal._udm_notify_reverted("admin", kept_internal=True)
        return switches

    def _udm_close_kept_internal(self):
        """Close these open switches without touching the users' groups: an
        administrator made the users internal users of their own (reason `admin`)."""
        switches = self.sudo()._udm_lock_open()._udm_own()
        if not switches:
            return switches
        switches.write(
            {"state": "reverted", "end_date": fields.Datetime.now(), "reason": "admin"}
        )
        switches._udm_notify_reverted("admin", kept_internal=True)
        return switches

    def _udm_target_groups(self):
        """{switch: groups its user gets back}, or None for a switch whose user an
        administrator made an internal user of their own (groups are then kept).

        Delta-based: the user's groups now, minus what the switch added, plus what it
        took away. Whatever an administrator added or removed meanwhile stays so.
        """
        group_user = self.env.ref("base.group_user")
        user_types = self.env.ref("base.group_portal") | self.env.ref(
            "base.group_public"
        )
        targets = {}
        for switch in self:
            current = switch.user_id.groups_id
            added, removed = switch.added_group_ids, switch.removed_group_ids
            if not added and not removed:
                # recorded before deltas were kept: the snapshot is all there is
                added, removed = current - switch.group_ids, switch.group_ids - current
            remaining = current - added
            if group_user in remaining | remaining.trans_implied_ids:
                targets[switch] = None
                continue
            target = remaining | removed
            if not target & user_types:
                # no user type left at all: plain portal rights
                target |= self.env.ref("base.group_portal")
            targets[switch] = target
        return targets

    def _udm_restore_groups(self):
        """Undo the switch's group changes; return the switches whose user is kept
        internal (see _udm_target_groups).

        Goes through res.users.write, so other addons' group-change logic runs (and
        can hook here), with one Command.set per distinct target set: users whose
        groups end up identical are written together, so the every-minute job stays at
        a constant number of queries. Command.set is immune to the demotion rule of
        res.users.write (which clears groups when a user stops being internal).
        """
        kept = self.browse()
        batches = defaultdict(lambda: self.env["res.users"])
        for switch, target in self._udm_target_groups().items():
            if target is None:
                kept |= switch
            elif switch.user_id:
                batches[target] |= switch.user_id
        for target, users in batches.items():
            users.with_context(mail_notrack=True, **OWN_WRITE_CONTEXT).write(
                {"groups_id": [Command.set(target.ids)]}
            )
        return kept


class _WakeUpTimers:
    """Per database, the pending timer of this process that triggers the revert job
    at the next deadline (see PortalInternalSwitch._udm_wake_up_at_next_deadline).

    Not state: the deadlines and the job's triggers live in PostgreSQL; a lost timer
    (process recycled) only means the runner's next regular wake-up does the revert.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._timers = {}  # database name -> (fires at, threading.Timer)

    def arm(self, dbname, seconds):
        fires_at = time.monotonic() + seconds
        with self._lock:
            pending = self._timers.get(dbname)
            if pending and pending[1].is_alive() and pending[0] <= fires_at + 0.5:
                return
            if pending:
                pending[1].cancel()
            timer = threading.Timer(seconds, self._fire, args=(dbname,))
            timer.daemon = True
            timer.name = f"user_dynamic_management wake-up {dbname}"
            self._timers[dbname] = (fires_at, timer)
            timer.start()

    def _fire(self, dbname):
        with self._lock:
            self._timers.pop(dbname, None)
        try:
            registry = Registry(dbname)
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["portal.internal.switch"]._udm_trigger_revert_job()
        except Exception:  # a timer thread has no caller to report to
            _logger.warning(
                "Could not wake the revert job of %s", dbname, exc_info=True
            )


_wake_up_timers = _WakeUpTimers()
