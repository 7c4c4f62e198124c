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
            self.old_params = (
                ICP.get_param(PARAM_MAX),
                ICP.get_param(PARAM_TIME_LIMIT),
            )
            ICP.set_param(PARAM_MAX, 1)
            ICP.set_param(PARAM_TIME_LIMIT, 60)
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
            ICP.set_param(PARAM_MAX, self.old_params[0] or 0)
            ICP.set_param(PARAM_TIME_LIMIT, self.old_params[1] or 0)

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
            ["refused"] * (self.N_USERS - 1) + ["switched"],
            results,
        )
        self.assertEqual(self._active_switches(), 1)
