"""Benchmark: the every-minute idle-revert job with 10,000 (or --users) portal users.

Not a timed test: it prints figures (JSON on the last line). One database without demo
data (``<prefix>_cron``) with user_dynamic_management, 10,000 portal users allowed to
switch, 1,000 of them switched, of which 100 are past their idle deadline. The job is
timed (revert + flush + commit) and its queries counted; it is then run again with 10
due switches and with 300 due switches: the query count must not change.

Target: under 1 s with 100 due, query count independent of the number of users. (The
only growth is Odoo's ORM inserting the "reverted" bus notifications 100 rows per
INSERT.)

Usage: .venv/bin/python bench/user_dynamic_management_cron.py [--prefix udm_bench]
       [--rebuild] [--users 100000]

The users beyond the first 1,000 (the ones switched) are copies of an ORM-made
portal user inserted in SQL (partner, user, groups, company), to build the fixture in
seconds; the job under test is unchanged.
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
from odoo.tools import SQL

env = env(context=dict(env.context, no_reset_password=True, tracking_disable=True,
                       mail_notrack=True, mail_create_nolog=True))
Users = env["res.users"]
Switch = env["portal.internal.switch"]
N_USERS, N_SWITCHED = __N_USERS__, 1000
ORM_USERS = min(N_USERS, N_SWITCHED)  # the others are copied in SQL (fixture speed)
portal = env.ref("base.group_portal")

have = Users.search_count([("login", "=like", "udm_cron_%")])
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
    # user (partner, user, groups, company) in three INSERT ... SELECT statements
    model = Users.search([("login", "=like", "udm_cron_%")], order="id", limit=1)
    env.cr.execute(SQL(
        '''
        CREATE TEMP TABLE bench_new AS
        SELECT i, nextval('res_partner_id_seq') AS partner_id,
               nextval('res_users_id_seq') AS user_id
          FROM generate_series(%s, %s) i;
        INSERT INTO res_partner (id, name, complete_name, active, type, is_company,
                                 company_id, lang, partner_share, create_date,
                                 write_date, commercial_partner_id)
        SELECT n.partner_id, 'Cron bench ' || n.i, 'Cron bench ' || n.i, p.active,
               p.type, p.is_company, p.company_id, p.lang, p.partner_share,
               now(), now(), n.partner_id
          FROM bench_new n, res_partner p WHERE p.id = %s;
        INSERT INTO res_users (id, login, partner_id, company_id, active, share,
                               notification_type, allow_portal_access_internal,
                               enable_idle_time, idle_time, create_date, write_date)
        SELECT n.user_id, 'udm_cron_' || lpad(n.i::text, 6, '0'), n.partner_id,
               u.company_id, u.active, u.share, u.notification_type,
               u.allow_portal_access_internal, u.enable_idle_time, u.idle_time,
               now(), now()
          FROM bench_new n, res_users u WHERE u.id = %s;
        INSERT INTO res_groups_users_rel (gid, uid)
        SELECT r.gid, n.user_id FROM bench_new n, res_groups_users_rel r
         WHERE r.uid = %s;
        INSERT INTO res_company_users_rel (cid, user_id)
        SELECT r.cid, n.user_id FROM bench_new n, res_company_users_rel r
         WHERE r.user_id = %s;
        DROP TABLE bench_new;
        ''',
        have, N_USERS - 1, model.partner_id.id, model.id, model.id, model.id,
    ))
    env.cr.commit()
    env.invalidate_all()
# the ORM-made users first: they are the ones switched
users = Users.search([("login", "=like", "udm_cron_%")], order="id")
assert len(users) == N_USERS, len(users)


def prepare(n_due):
    # 1,000 switched users (switching whoever is not), n_due of them past the deadline
    target = users[:N_SWITCHED]
    active = Switch.search([("state", "=", "active"), ("user_id", "in", target.ids)])
    for user in target - active.user_id:
        user._udm_switch_to_internal()
    env.flush_all()
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
print("RESULT " + json.dumps(results))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", default="udm_bench")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--users", type=int, default=10000, help="portal users in the database"
    )
    args = parser.parse_args()
    db = f"{args.prefix}_cron"
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
    out = subprocess.run(
        [ODOO_SH, "shell", "-d", db, "--no-http", "--log-level=warn"],
        input=SCRIPT.replace("__N_USERS__", str(args.users)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT ")), None)
    if not line:
        sys.exit(out)
    results = json.loads(line[len("RESULT ") :])
    for r in results:
        print(
            f"{r['portal_users']} portal users, {r['switched']} switched, {r['due']} "
            f"due: {r['seconds']} s, {r['queries']} queries"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
