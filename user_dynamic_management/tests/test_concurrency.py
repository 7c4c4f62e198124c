# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
from functools import partial

from psycopg2 import OperationalError

import odoo
from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

from odoo.addons.user_dynamic_management.models.portal_internal_switch import (
    PARAM_MAX,
    PARAM_MAX_SEATS,
    PARAM_TIME_LIMIT,
)

from .common import CONTEXT


@tagged("post_install", "-at_install")
class TestConcurrentSwitches(BaseCase):
    """M = 1 and simultaneous switches on separate real cursors: exactly one succeeds.

    HttpCase cannot show this (its test cursor serialises requests), hence real cursors
    and committed fixtures, removed afterwards.
    """

    N_USERS = 3
    PARAMS = ((PARAM_MAX, 1), (PARAM_TIME_LIMIT, 60), (PARAM_MAX_SEATS, 0))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = odoo.registry(get_db_name())

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            template = env["res.users"].create(
                {
                    "name": "UDM concurrency template",
                    "login": "udm_conc_template",
                    "is_access_right_template": True,
                    "groups_id": [Command.set(env.ref("base.group_user").ids)],
                }
            )
            users = env["res.users"].create(
                [
                    {
                        "name": f"UDM concurrent {i}",
                        "login": f"udm_conc_{i}",
                        "groups_id": [Command.set(env.ref("base.group_portal").ids)],
                        "allow_portal_access_internal": True,
                        "switch_template_id": template.id,
                    }
                    for i in range(self.N_USERS)
                ]
            )
            ICP = env["ir.config_parameter"]
            self.old_params = {key: ICP.get_param(key) for key, _value in self.PARAMS}
            for key, value in self.PARAMS:
                ICP.set_param(key, value)
            self.user_ids = users.ids
            self.template_id = template.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            switches = env["portal.internal.switch"].search(
                [("user_id", "in", self.user_ids)]
            )
            switches._udm_revert("admin")
            switches._udm_own().unlink()
            users = (
                env["res.users"]
                .with_context(active_test=False)
                .browse(self.user_ids + [self.template_id])
            )
            partners = users.partner_id
            users.unlink()
            partners.unlink()
            ICP = env["ir.config_parameter"]
            for key, value in self.old_params.items():
                ICP.set_param(key, value or 0)

    def _active_switches(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["portal.internal.switch"].search_count(
                [("user_id", "in", self.user_ids), ("state", "=", "active")]
            )

    @mute_logger("odoo.sql_db")
    def test_two_cursors_second_gets_serialization_failure(self):
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            user_a = env1["res.users"].browse(self.user_ids[0])
            user_b = env2["res.users"].browse(self.user_ids[1])
            cr2.execute(
                "SELECT 1"
            )  # the second transaction's snapshot predates the switch
            user_a._udm_switch_to_internal()
            cr1.commit()
            # the count alone would say "free"; the updated quota row makes PostgreSQL
            # refuse
            with self.assertRaises(OperationalError) as catched:
                user_b._udm_switch_to_internal()
            self.assertEqual(catched.exception.pgcode, "40001")
            cr2.rollback()
            env2.reset()
            # what Odoo's retrying() does next: replay on a fresh snapshot, refused
            # cleanly
            with self.assertRaises(UserError) as catched:
                env2["res.users"].browse(self.user_ids[1])._udm_switch_to_internal()
            self.assertIn("You can switch in", str(catched.exception))
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()
        self.assertEqual(self._active_switches(), 1)

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_threads_exactly_one_switch(self):
        self._race(expected_switches=1)

    def _race(self, expected_switches):
        barrier = threading.Barrier(self.N_USERS)
        results = {}

        def attempt(uid):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    cr.execute("SELECT 1")
                    barrier.wait(timeout=10)
                    user = env["res.users"].browse(uid)
                    retrying(partial(user._udm_switch_to_internal), env)
                    results[uid] = "switched"
            except UserError:
                results[uid] = "refused"

        threads = [
            threading.Thread(target=attempt, args=(uid,)) for uid in self.user_ids
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(
            sorted(results.values()),
            ["refused"] * (self.N_USERS - expected_switches)
            + ["switched"] * expected_switches,
            results,
        )
        self.assertEqual(self._active_switches(), expected_switches)


@tagged("post_install", "-at_install")
class TestConcurrentSeats(TestConcurrentSwitches):
    """K = 2 seats, no quota: of four simultaneous switches on real cursors, exactly
    two succeed (never K + 1), the others are refused with the seat message."""

    N_USERS = 4
    PARAMS = ((PARAM_MAX, 0), (PARAM_TIME_LIMIT, 0), (PARAM_MAX_SEATS, 2))

    @mute_logger("odoo.sql_db")
    def test_two_cursors_second_gets_serialization_failure(self):
        # one seat taken already, one left; the second transaction's snapshot predates
        # the first's switch
        self._switch_committed(self.user_ids[3])
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            cr2.execute("SELECT 1")
            env1["res.users"].browse(self.user_ids[0])._udm_switch_to_internal()
            cr1.commit()
            with self.assertRaises(OperationalError) as catched:
                env2["res.users"].browse(self.user_ids[1])._udm_switch_to_internal()
            self.assertEqual(catched.exception.pgcode, "40001")
            cr2.rollback()
            env2.reset()
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            with self.assertRaises(UserError) as catched:
                env2["res.users"].browse(self.user_ids[1])._udm_switch_to_internal()
            self.assertIn("All 2 seats", str(catched.exception))
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()
        self.assertEqual(self._active_switches(), 2)

    def _switch_committed(self, uid):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.users"].browse(uid)._udm_switch_to_internal()

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_threads_exactly_one_switch(self):
        self._race(expected_switches=2)


@tagged("post_install", "-at_install")
class TestConcurrentRequests(BaseCase):
    """A Full User Request approved by two approvers at once is decided once, and an
    approved request used by two simultaneous submits switches once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = odoo.registry(get_db_name())

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            template = env["res.users"].create(
                {
                    "name": "UDM request race template",
                    "login": "udm_req_template",
                    "is_access_right_template": True,
                    "groups_id": [Command.set(env.ref("base.group_user").ids)],
                }
            )
            user = env["res.users"].create(
                {
                    "name": "UDM request race user",
                    "login": "udm_req_user",
                    "groups_id": [Command.set(env.ref("base.group_portal").ids)],
                    "allow_portal_access_internal": True,
                    "switch_template_id": template.id,
                    "udm_approval": "required",
                }
            )
            approvers = env["res.users"].create(
                [
                    {
                        "name": f"UDM racing approver {i}",
                        "login": f"udm_req_approver_{i}",
                        "groups_id": [
                            Command.set(env.ref("base.group_erp_manager").ids)
                        ],
                    }
                    for i in range(2)
                ]
            )
            request = env["portal.internal.switch.request"]._udm_file(user, "Race", 0)
            self.ids = {
                "template": template.id,
                "user": user.id,
                "approvers": approvers.ids,
                "request": request.id,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            switches = env["portal.internal.switch"].search(
                [("user_id", "=", self.ids["user"])]
            )
            switches._udm_revert("admin")
            env["portal.internal.switch.request"].browse(self.ids["request"]).unlink()
            switches._udm_own().unlink()
            users = (
                env["res.users"]
                .with_context(active_test=False)
                .browse(
                    [self.ids["user"], self.ids["template"], *self.ids["approvers"]]
                )
            )
            partners = users.partner_id
            users.unlink()
            partners.unlink()

    def _state(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["portal.internal.switch.request"].browse(self.ids["request"])
            switches = env["portal.internal.switch"].search_count(
                [("user_id", "=", self.ids["user"])]
            )
            return request.state, request.approver_id.id, switches

    @mute_logger("odoo.sql_db")
    def test_two_approvers_at_once_decide_once(self):
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            approver1, approver2 = self.ids["approvers"]
            env1 = api.Environment(cr1, approver1, {})
            env2 = api.Environment(cr2, approver2, {})
            cr2.execute("SELECT 1")  # snapshot before the first approval
            Request = "portal.internal.switch.request"
            env1[Request].browse(self.ids["request"]).action_approve()
            cr1.commit()
            with self.assertRaises(OperationalError) as caught:
                env2[Request].browse(self.ids["request"]).action_refuse()
            self.assertEqual(caught.exception.pgcode, "40001")
            cr2.rollback()
            env2.reset()
            env2 = api.Environment(cr2, approver2, {})
            # the replay sees the decision
            with self.assertRaises(UserError) as caught:
                env2[Request].browse(self.ids["request"]).action_refuse()
            self.assertIn("already decided", str(caught.exception))
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()
        self.assertEqual(self._state(), ("approved", approver1, 0))

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_approved_request_used_by_two_submits_switches_once(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.ids["approvers"][0], {})
            env["portal.internal.switch.request"].browse(
                self.ids["request"]
            ).action_approve()
        barrier = threading.Barrier(2)
        results = []

        def attempt():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute("SELECT 1")
                barrier.wait(timeout=10)
                user = env["res.users"].browse(self.ids["user"])
                results.append(retrying(partial(user._udm_switch_to_internal), env).id)

        threads = [threading.Thread(target=attempt) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        # both submits answer with the same (single) switch: idempotent
        self.assertEqual(len(results), 2)
        self.assertEqual(len(set(results)), 1)
        state, _approver, switches = self._state()
        self.assertEqual((state, switches), ("used", 1))
