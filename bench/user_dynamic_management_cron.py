"""Benchmark: the every-minute idle-revert job with 10,000 (or --users) portal users.

Not a timed test: it prints figures (JSON on the last line). One database without demo
data (``<prefix>_cron``, ``<prefix>_cron_<users>`` for another size) with
user_dynamic_management, 10,000 portal users allowed to switch, 1,000 of them switched,
of which 100 are past their idle deadline. The job is timed (revert + flush + commit)
and its queries counted; it is then run again with 10 due switches and with 300 due
switches: the query count must not change. Last, one switch and one revert of another
portal user are timed on cold caches (median of 3; ``one_switch_s``...): their cost
must not grow with the number of portal users either.

Then the job with switches under switch windows and extensions (a template with
windows all week long, a maximum duration of 60 min, extended twice by 30 min): with
1, 10 and 100 of them (``--window-sizes``), first none due, then all due at once,
each opened at its own time (the measurements above open their switches within
seconds: their durations are alike); its query count must not change with their
number either.

Target: under 1 s with 100 due, query count independent of the number of users. (The
only growth is Odoo's ORM inserting the "reverted" bus notifications 100 rows per
INSERT.)

Usage: .venv/bin/python bench/user_dynamic_management_cron.py [--prefix udm_bench]
       [--rebuild] [--users 100000] [--window-sizes 1,10,100]

The users beyond the first 1,000 (the ones switched) are copies of an ORM-made
portal user inserted in SQL (partner, user, groups, company; every column), to build
the fixture in seconds; the job under test is unchanged. With 100,000 users the run
takes about 3 minutes from scratch on 2 shared cores, most of it the 1,000 switches
through the ORM (about 0.1 s each, whatever the number of portal users; Odoo
subscribes each new internal user to the discuss channels of its groups, which grows
with the number of internal users).
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_SH = os.path.join(ROOT, "tools", "odoo.sh")
PY = os.path.join(ROOT, ".venv", "bin", "python")
DBUTIL = os.path.join(ROOT, "tools", "dbutil.py")
CONF = os.path.join(ROOT, ".local", "odoo.conf")

SCRIPT = r"""
import json, time
from datetime import timedelta
from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tools import SQL

env = env(context=dict(env.context, no_reset_password=True, tracking_disable=True,
                       mail_notrack=True, mail_create_nolog=True))
Users = env["res.users"]
Switch = env["portal.internal.switch"]
N_USERS, N_SWITCHED = __N_USERS__, 1000
ORM_USERS = min(N_USERS, N_SWITCHED)  # the others are copied in SQL (fixture speed)
portal = env.ref("base.group_portal")
began = time.perf_counter()


def phase(label):
    print(f"PHASE {label}: {time.perf_counter() - began:.0f} s", flush=True)


have = Users.search_count([("login", "=like", "udm_cron_%")])
if have > N_USERS:
    print(f"RESULT-ERROR this database has {have} bench users, not {N_USERS}: "
          "run again with --rebuild", flush=True)
    raise SystemExit(1)
for start in range(have, ORM_USERS, 1000):
    Users.create([
        {"name": f"Cron bench {i}", "login": f"udm_cron_{i:05d}",
         "groups_id": [Command.set([portal.id])],
         "allow_portal_access_internal": True, "enable_idle_time": True,
         "idle_time": 30}
        for i in range(start, min(start + 1000, N_USERS))
    ])
    env.cr.commit()
have = Users.search_count([("login", "=like", "udm_cron_%")])
if have < N_USERS:
    # 100,000 users through the ORM would take an hour: copy the first ORM-made portal
    # user (partner, user, groups, company) in INSERT ... SELECT statements
    model = Users.search([("login", "=like", "udm_cron_%")], order="id", limit=1)
    # The model must be a plain portal user. Copies of a switched (internal) user
    # are internal users, and every switch then makes Odoo subscribe all of them to
    # the discuss channels of Internal User (_subscribe_users_automatically): with
    # 10,000 such copies the first switch took 5 s and 10,240 queries, the next ones
    # 0.6 s each; with 90,000 the 100,000-user run was stopped after 39 minutes.
    assert model.share and model.has_group("base.group_portal"), model.login
    assert not Switch.search_count([("user_id", "=", model.id),
                                    ("state", "=", "active")]), model.login
    env.cr.execute(SQL(
        '''
        CREATE TEMP TABLE bench_new AS
        SELECT i, nextval('res_partner_id_seq') AS partner_id,
               nextval('res_users_id_seq') AS user_id
          FROM generate_series(%s, %s) i;
        -- every column of the model rows (p.*, u.*), so that columns added later
        -- (NOT NULL ones included) are copied without being listed here; the
        -- helper columns are dropped before the INSERT ... SELECT *
        CREATE TEMP TABLE bench_partner AS
        SELECT p.*, n.i AS bench_i, n.partner_id AS bench_id
          FROM bench_new n, res_partner p WHERE p.id = %s;
        UPDATE bench_partner
           SET id = bench_id, name = 'Cron bench ' || bench_i,
               complete_name = 'Cron bench ' || bench_i,
               commercial_partner_id = bench_id, create_date = now(),
               write_date = now();
        ALTER TABLE bench_partner DROP COLUMN bench_i, DROP COLUMN bench_id;
        INSERT INTO res_partner SELECT * FROM bench_partner;
        CREATE TEMP TABLE bench_user AS
        SELECT u.*, n.i AS bench_i, n.user_id AS bench_id,
               n.partner_id AS bench_partner_id
          FROM bench_new n, res_users u WHERE u.id = %s;
        UPDATE bench_user
           SET id = bench_id, login = 'udm_cron_' || lpad(bench_i::text, 6, '0'),
               partner_id = bench_partner_id, create_date = now(),
               write_date = now();
        ALTER TABLE bench_user DROP COLUMN bench_i, DROP COLUMN bench_id,
                               DROP COLUMN bench_partner_id;
        INSERT INTO res_users SELECT * FROM bench_user;
        INSERT INTO res_groups_users_rel (gid, uid)
        SELECT r.gid, n.user_id FROM bench_new n, res_groups_users_rel r
         WHERE r.uid = %s;
        INSERT INTO res_company_users_rel (cid, user_id)
        SELECT r.cid, n.user_id FROM bench_new n, res_company_users_rel r
         WHERE r.user_id = %s;
        DROP TABLE bench_new, bench_partner, bench_user;
        ''',
        have, N_USERS - 1, model.partner_id.id, model.id, model.id, model.id,
    ))
    env.cr.commit()
    env.invalidate_all()
    # fresh planner statistics for the copied rows, as autovacuum would give them
    # a little later: the figures are those of a settled database
    env.cr.execute("ANALYZE res_partner, res_users, res_groups_users_rel, "
                   "res_company_users_rel")
    env.cr.commit()
    phase(f"{N_USERS - have} users copied in SQL")
# the ORM-made users first: they are the ones switched
users = Users.search([("login", "=like", "udm_cron_%")], order="id")
assert len(users) == N_USERS, len(users)


def prepare(n_due):
    # 1,000 switched users (switching whoever is not), n_due of them past the deadline
    target = users[:N_SWITCHED]
    active = Switch.search([("state", "=", "active"), ("user_id", "in", target.ids)])
    to_switch = target - active.user_id
    for user in to_switch:
        user._udm_switch_to_internal()
    env.flush_all()
    phase(f"{len(to_switch)} users switched through the ORM")
    now = fields.Datetime.now()
    switches = Switch.search([("state", "=", "active"), ("user_id", "in", target.ids)],
                             order="id")
    due, not_due = switches[:n_due], switches[n_due:]
    update = "UPDATE portal_internal_switch SET deadline = %s WHERE id = ANY(%s)"
    env.cr.execute(SQL(update, now - timedelta(minutes=1), due.ids))
    env.cr.execute(SQL(update, now + timedelta(minutes=30), not_due.ids))
    env.cr.commit()
    env.invalidate_all()
    env.registry.clear_cache()
    return len(switches)


def measure(n_due):
    switched = prepare(n_due)
    cr = env.cr
    before = cr.sql_log_count
    start = time.perf_counter()
    Switch._cron_revert_idle_switches()
    env.flush_all()
    queries = cr.sql_log_count - before
    cr.commit()
    elapsed = time.perf_counter() - start
    return {"portal_users": len(users),
            "switched": switched, "due": n_due, "seconds": round(elapsed, 3),
            "queries": queries}


env.cr.execute("DELETE FROM portal_internal_switch WHERE state = 'reverted'")
env.cr.commit()
results = [measure(100), measure(10), measure(300), measure(100)]


def one(method):
    # one switch or revert on cold caches, as the first request of a worker would
    env.invalidate_all()
    env.registry.clear_cache()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    method()
    env.flush_all()
    queries = env.cr.sql_log_count - before
    env.cr.commit()
    return time.perf_counter() - start, queries


# One switch and one revert of a portal user who is not among the switched ones:
# their cost must not grow with the number of portal users. Median of 3.
if N_USERS > N_SWITCHED:
    probe = users[N_SWITCHED]
    rounds = [
        (one(probe._udm_switch_to_internal), one(lambda: probe._udm_revert("admin")))
        for _round in range(3)
    ]
    for key, index in (("one_switch", 0), ("one_revert", 1)):
        seconds = sorted(r[index][0] for r in rounds)[1]
        queries = sorted(r[index][1] for r in rounds)[1]
        for result in results:
            result[f"{key}_s"] = round(seconds, 3)
            result[f"{key}_queries"] = queries


# The job with switches under windows and extensions: a template with windows all
# week long (read in the company's timezone), a maximum duration and extensions; 1,
# then 10, then 100 of its switches, each extended twice (as far as the window
# allows), first none of them due, then all due at once (their extended end passed),
# each opened at its own time as in real life. The job's queries must not depend on
# how many.
def bench_template(login, **policy):
    template = Users.with_context(active_test=False).search([("login", "=", login)])
    if template:
        return template
    return Users.create({
        "name": f"Cron bench {login}", "login": login,
        "is_access_right_template": True,
        "groups_id": [Command.set([env.ref("base.group_user").id])],
        "udm_max_duration": 60, **policy,
    })


def run_job():
    env.invalidate_all()
    env.registry.clear_cache()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    Switch._cron_revert_idle_switches()
    env.flush_all()
    queries = env.cr.sql_log_count - before
    env.cr.commit()
    return queries, time.perf_counter() - start


def measure_windows(targets, template):
    targets.write({"switch_template_id": template.id})
    for user in targets:
        user._udm_switch_to_internal()
        for _i in range(2):
            try:
                Switch._udm_extend(user.id)
            except UserError:
                break  # the window ends before another step (near its end)
    env.flush_all()
    env.cr.commit()
    switches = Switch.search([("state", "=", "active"),
                              ("user_id", "in", targets.ids)])
    none_due_queries, none_due_s = run_job()
    now = fields.Datetime.now()
    env.cr.execute(SQL(
        "UPDATE portal_internal_switch SET end_deadline = %s WHERE id = ANY(%s)",
        now - timedelta(minutes=1), switches.ids))
    # Switches due together were opened at different times (this fixture opens them
    # within seconds): each its own start, 37 s apart, so each lasted its own time
    for i, switch in enumerate(switches):
        env.cr.execute(SQL(
            "UPDATE portal_internal_switch SET start_date = %s WHERE id = %s",
            now - timedelta(minutes=120, seconds=37 * i), switch.id))
    env.cr.commit()
    queries, seconds = run_job()
    return {"kind": "windows_extensions", "switches": len(switches),
            "extended": len(switches.filtered("extended_minutes")),
            "extended_minutes": sum(switches.mapped("extended_minutes")),
            "reverted": Switch.search_count([("id", "in", switches.ids),
                                             ("state", "=", "reverted")]),
            "queries": queries, "seconds": round(seconds, 3),
            "none_due_queries": none_due_queries,
            "none_due_seconds": round(none_due_s, 3)}


WINDOW_SIZES = __WINDOW_SIZES__
spare = users[N_SWITCHED + 1:]
if WINDOW_SIZES and len(spare) >= 2 * sum(WINDOW_SIZES):
    windowed = bench_template(
        "udm_cron_window_template", udm_max_extension=60, udm_extension_step=30,
        udm_window_ids=[Command.create({"weekday": str(day), "hour_from": 0,
                                        "hour_to": 24}) for day in range(7)])
    # the control: the same switches (opened at their own times too) with neither
    # windows nor extensions
    plain = bench_template("udm_cron_plain_template")
    offset = 0
    for size in WINDOW_SIZES:
        result = measure_windows(spare[offset:offset + size], windowed)
        control = measure_windows(spare[offset + size:offset + 2 * size], plain)
        result.update(control_queries=control["queries"],
                      control_seconds=control["seconds"])
        results.append(result)
        offset += 2 * size
    phase("windows and extensions measured")
phase("done")
print("RESULT " + json.dumps(results))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", default="udm_bench")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--users", type=int, default=10000, help="portal users in the database"
    )
    parser.add_argument(
        "--window-sizes",
        default="1,10,100",
        help="numbers of switches with windows and extensions the job reverts at "
        "once (comma-separated; empty: not measured)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.window_sizes.split(",") if size.strip()]
    # one database per size: a 10,000-user run must not find the 100,000 users of
    # another run (make bench runs both)
    db = f"{args.prefix}_cron" + ("" if args.users == 10000 else f"_{args.users}")
    exists = (
        subprocess.run(
            [PY, DBUTIL, CONF, "exists", db], check=False, capture_output=True
        ).returncode
        == 0
    )
    if args.rebuild or not exists:
        subprocess.run([PY, DBUTIL, CONF, "drop", db], check=False)
        subprocess.run(
            [ODOO_SH, "-d", db, "-i", "user_dynamic_management", "--without-demo=all",
             "--stop-after-init", "--log-level=warn", "--http-port=8298"],
            check=True,
        )  # fmt: skip
    proc = subprocess.run(
        [ODOO_SH, "shell", "-d", db, "--no-http", "--log-level=warn"],
        input=SCRIPT.replace("__N_USERS__", str(args.users)).replace(
            "__WINDOW_SIZES__", repr(sizes)
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    out = proc.stdout
    error = next((ln for ln in out.splitlines() if "RESULT-ERROR " in ln), None)
    if error:
        sys.exit(f"{db}: {error.split('RESULT-ERROR ', 1)[1]}")
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT ")), None)
    if proc.returncode or not line:
        sys.exit(f"{out[-3000:]}\n{proc.stderr[-3000:]}\n(rc={proc.returncode})")
    results = json.loads(line[len("RESULT ") :])
    for ln in out.splitlines():
        if ln.startswith("PHASE "):
            print(ln[len("PHASE ") :])
    for r in results:
        if r.get("kind") == "windows_extensions":
            print(
                f"{r['switches']} switches with windows and extensions "
                f"({r['extended_minutes']} min extended in all), all due: "
                f"{r['seconds']} s, {r['queries']} queries (without windows nor "
                f"extensions: {r['control_queries']}); none due: "
                f"{r['none_due_queries']} queries"
            )
            continue
        print(
            f"{r['portal_users']} portal users, {r['switched']} switched, {r['due']} "
            f"due: {r['seconds']} s, {r['queries']} queries"
        )
    if "one_switch_s" in results[0]:
        r = results[0]
        print(
            f"one switch: {r['one_switch_s']} s, {r['one_switch_queries']} queries; "
            f"one revert: {r['one_revert_s']} s, {r['one_revert_queries']} queries"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
