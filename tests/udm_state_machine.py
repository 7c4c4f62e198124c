"""Random sequences of what happens to portal users who switch, for hypothesis.

The machine drives user_dynamic_management through its ORM entry points in one Odoo
transaction on the test database (never committed; every sequence is rolled back to a
savepoint), with a frozen clock: switch, backend activity, idle time passing (then the
every-minute job), logout, an administrator's "Revert now", an administrator adding or
removing extra groups of a user, editing a template's groups, and changing the "Allow
Portal Access Internal" flag. After every step it checks the invariants.

`strict=True` adds the invariant that an administrator's group edits made while a user
was switched survive the revert (delta-based revert).
"""

import os
from datetime import datetime, timedelta

from freezegun import freeze_time
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Two users: the interesting interleavings (an edit while one user is switched, then
# their revert) need the same user drawn several times; with four users 1,000 random
# sequences of 6 steps could miss them.
USERS = 2
IDLE_MINUTES = [2, 0]  # 0: no idle revert for that user
START = datetime(2030, 1, 7, 9, 0, 0)
_CONFIGURED = []


def odoo_env(db):
    """(registry, cursor, superuser env) on `db`; the caller rolls back and closes."""
    import odoo
    from odoo.tools import config

    if not _CONFIGURED:
        conf = os.environ.get("SUITE_ODOO_CONF") or os.path.join(
            ROOT, ".local", "odoo.conf"
        )
        config.parse_config(["-c", conf, "--log-level=warn"])
        _CONFIGURED.append(conf)  # Odoo's configuration parses only once
    registry = odoo.modules.registry.Registry(db)
    cr = registry.cursor()
    return registry, cr, odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def build_fixture(env):
    """Users, extra groups and templates every sequence starts from (not committed)."""
    from odoo.fields import Command

    ref = env.ref
    # no switch quota in these sequences (tested over HTTP elsewhere)
    env["ir.config_parameter"].set_param("user_dynamic_management.max_portal_user", "0")
    portal, user_type = ref("base.group_portal"), ref("base.group_user")
    extras = env["res.groups"].create(
        [{"name": "Hypothesis extra A"}, {"name": "Hypothesis extra B"}]
    )
    users = env["res.users"].create(
        [
            {
                "name": f"Hypothesis {i}",
                "login": f"hypothesis-{i}",
                "groups_id": [Command.set(portal.ids)],
                "allow_portal_access_internal": True,
                "enable_idle_time": bool(IDLE_MINUTES[i]),
                "idle_time": IDLE_MINUTES[i] or 30,
            }
            for i in range(USERS)
        ]
    )
    default = env["res.users"]._access_right_template_default()
    other = env["res.users"].create(
        {
            "name": "Hypothesis template",
            "login": "hypothesis-template",
            "is_access_right_template": True,
            "groups_id": [
                Command.set((user_type | ref("base.group_partner_manager")).ids)
            ],
        }
    )
    users[1::2].write({"switch_template_id": other.id})
    env.flush_all()
    return {
        "users": users,
        "extras": extras,
        "templates": default | other,
        "portal": portal,
        "user_type": user_type,
        "admin": env.ref("base.user_admin"),
    }


def make_machine(env, fixture, strict):  # noqa: C901 (one rule per method)
    from odoo.exceptions import UserError

    users, extras, templates = fixture["users"], fixture["extras"], fixture["templates"]
    Switch = env["portal.internal.switch"]
    cr = env.cr

    class SwitchMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            cr.execute("SAVEPOINT udm_sequence")
            self.clock = freeze_time(START)
            self.frozen = self.clock.start()
            env.invalidate_all()
            env.registry.clear_cache()
            # the groups each user must have whenever not switched
            self.portal_groups = {u.id: set(u.groups_id.ids) for u in users}
            self.allowed = {u.id: True for u in users}
            self.switched = {u.id: False for u in users}
            # an administrator changed the user's groups while switched
            self.edited_while_switched = {u.id: False for u in users}

        def teardown(self):
            self.clock.stop()
            cr.execute("ROLLBACK TO SAVEPOINT udm_sequence")
            env.invalidate_all()
            env.registry.clear_cache()

        def _sync_switched(self):
            """Users the code reverted on its own (idle)."""
            env.flush_all()
            open_users = set(
                Switch.search([("state", "=", "active")]).user_id.ids
            ) & set(users.ids)
            for uid in self.switched:
                self.switched[uid] = uid in open_users

        # ------------------------------------------------------------------ rules

        @rule(i=st.integers(0, USERS - 1))
        def switch(self, i):
            user = users[i].with_user(users[i])
            expected = self.allowed[user.id] and not self.switched[user.id]
            history = [("user_id", "=", user.id)]
            count_before = Switch.search_count(history)
            try:
                with cr.savepoint():
                    user._udm_switch_to_internal(ip_address="10.0.0.1")
            except UserError:
                assert not expected, f"switch of {user.login} refused"
                return
            opened = Switch.search_count(history) - count_before
            if self.switched[user.id]:
                # opening is idempotent: a double submit finds the open switch
                assert not opened, f"a second switch was opened for {user.login}"
                return
            assert expected, f"switch of {user.login} accepted"
            assert opened == 1, f"switch of {user.login} opened {opened} records"
            self.switched[user.id] = True

        @rule(i=st.integers(0, USERS - 1))
        def activity(self, i):
            Switch._udm_register_activity(users[i].id)

        @rule(minutes=st.integers(0, 40), seconds=st.integers(0, 59))
        def idle(self, minutes, seconds):
            self.frozen.tick(timedelta(minutes=minutes, seconds=seconds))
            Switch._cron_revert_idle_switches()
            env.flush_all()
            now = datetime.now()
            due = Switch.search([("state", "=", "active"), ("deadline", "<=", now)])
            assert not due, "a switch past its deadline stayed open after the job"
            self._sync_switched()

        @rule(i=st.integers(0, USERS - 1))
        def logout(self, i):
            users[i]._udm_revert("logout")
            self.switched[users[i].id] = False

        @rule(i=st.integers(0, USERS - 1))
        def admin_revert(self, i):
            switch = Switch.search(
                [("user_id", "=", users[i].id), ("state", "=", "active")]
            )
            if switch:
                switch.with_user(fixture["admin"]).action_revert_now()
            self.switched[users[i].id] = False

        @rule(i=st.integers(0, USERS - 1), g=st.integers(0, 1), add=st.booleans())
        def admin_group_edit(self, i, g, add):
            user, group = users[i], extras[g]
            command = (4 if add else 3, group.id)
            user.with_user(fixture["admin"]).write({"groups_id": [command]})
            if add:
                self.portal_groups[user.id].add(group.id)
            else:
                self.portal_groups[user.id].discard(group.id)
            if self.switched[user.id]:
                self.edited_while_switched[user.id] = True

        @rule(t=st.integers(0, 1), g=st.integers(0, 1), add=st.booleans())
        def template_edit(self, t, g, add):
            command = (4 if add else 3, extras[g].id)
            before = templates[t]._access_right_template_groups()
            templates[t].with_user(fixture["admin"]).write({"groups_id": [command]})
            if before - templates[t]._access_right_template_groups():
                # a group withdrawn from a template: its running switches end at
                # once (odd users use the second template, the others the default)
                for j, user in enumerate(users):
                    if templates[j % 2] == templates[t]:
                        self.switched[user.id] = False

        @rule(i=st.integers(0, USERS - 1), allow=st.booleans())
        def allow_flag(self, i, allow):
            users[i].with_user(fixture["admin"]).write(
                {"allow_portal_access_internal": allow}
            )
            self.allowed[users[i].id] = allow
            if not allow:
                # the ground of a running switch went away: it ends at once
                self.switched[users[i].id] = False

        # ------------------------------------------------------------- invariants

        @invariant()
        def one_open_switch_per_user(self):
            env.flush_all()
            cr.execute(
                """SELECT user_id FROM portal_internal_switch WHERE state = 'active'
                    GROUP BY user_id HAVING count(*) > 1"""
            )
            assert not cr.fetchall(), "two open switches for one user"

        @invariant()
        def user_types_and_share(self):
            env.invalidate_all()
            for user in users:
                groups = user.groups_id
                types = groups & (fixture["portal"] | fixture["user_type"])
                assert len(types) == 1, (
                    f"{user.login}: user types {types.mapped('name')}"
                )
                assert user.share == (fixture["portal"] in groups), user.login
                switched = self.switched[user.id]
                assert user.share == (not switched), (
                    f"{user.login}: share={user.share}, switched={switched}"
                )

        @invariant()
        def portal_groups_restored(self):
            for user in users:
                if self.switched[user.id]:
                    continue
                if self.edited_while_switched[user.id] and not strict:
                    continue  # only the strict machine holds this (delta revert)
                assert set(user.groups_id.ids) == self.portal_groups[user.id], (
                    f"{user.login}: groups {sorted(user.groups_id.ids)} != expected "
                    f"{sorted(self.portal_groups[user.id])}"
                )

        @invariant()
        def templates_never_log_in(self):
            for template in templates.sudo():
                assert not template.active, template.login
                assert not template.share, template.login
                cr.execute(
                    "SELECT COALESCE(password, '') = '' FROM res_users WHERE id = %s",
                    [template.id],
                )
                assert cr.fetchone()[0], f"{template.login} has a password"
                assert not Switch.search_count([("user_id", "=", template.id)])

    return SwitchMachine


def _skip_constant_mining():
    """Hypothesis mines the source of every module outside site-packages for
    constants to try; Odoo's editable source tree is such a tree, which costs ~20 s
    of CPU and brings nothing to these integer/boolean draws."""
    from hypothesis.internal.conjecture import providers

    if hasattr(providers, "_get_local_constants") and hasattr(
        providers, "_local_constants"
    ):
        providers._get_local_constants = lambda: providers._local_constants


def run_sequences(db, strict, examples, steps, shrink=True):
    _skip_constant_mining()
    registry, cr, env = odoo_env(db)
    try:
        fixture = build_fixture(env)
        machine = make_machine(env, fixture, strict)
        run_state_machine_as_test(
            machine,
            settings=settings(
                max_examples=examples,
                stateful_step_count=steps,
                deadline=None,
                database=None,
                derandomize=False,
                suppress_health_check=list(HealthCheck),
                phases=[p for p in Phase if shrink or p is not Phase.shrink],
            ),
        )
    finally:
        cr.rollback()
        cr.close()
        del registry
