"""Benchmark: the every-minute idle-revert job with 10,000 portal users.

Not a timed test: it prints figures (JSON on the last line). One database without demo
data (``<prefix>_cron``) with user_dynamic_management, 10,000 portal users allowed to
switch, 1,000 of them switched, of which 100 are past their idle deadline. The job is
timed (revert + flush + commit) and its queries counted; it is then run again with 10
due switches and with 300 due switches: the query count must not change.

Target: under 1 s with 100 due, query count independent of the number of users. (The
only growth is Odoo's ORM inserting the "reverted" bus notifications 100 rows per
INSERT.)

Usage: .venv/bin/python bench/user_dynamic_management_cron.py [--prefix udm_bench]
       [--rebuild]
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
N_USERS, N_SWITCHED = 10000, 1000
portal = env.ref("base.group_portal")

have = Users.search_count([("login", "=like", "udm_cron_%")])
for start in range(have, N_USERS, 1000):
    Users.create([
        {"name": f"Cron bench {i}", "login": f"udm_cron_{i:05d}",
         "groups_id": [Command.set([portal.id])],
         "allow_portal_access_internal": True, "enable_idle_time": True,
         "idle_time": 30}
        for i in range(start, min(start + 1000, N_USERS))
    ])
    env.cr.commit()
users = Users.search([("login", "=like", "udm_cron_%")], order="login")
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
        input=SCRIPT,
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
