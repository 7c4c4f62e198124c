"""Benchmark: backend JSON-RPC latency with user_dynamic_management and a switched user.

Not a timed test: it prints figures (JSON on the last line). Two databases without
demo data:

- ``<prefix>_without``: the same modules (portal, bus, base_setup,
  access_right_template) without user_dynamic_management; the request is made by an
  internal user;
- ``<prefix>_with``: user_dynamic_management installed; the request is made by a
  portal user *switched to internal* (idle time on), so the per-request idle-deadline
  check runs.

Both servers (2 workers each) run at the same time and the requests alternate between
them, so that the load of this shared machine weighs on both sides alike. Target: the
median with the addon within 2 % of the median without it.

Usage: .venv/bin/python bench/user_dynamic_management_latency.py [--requests 800]
       [--warmup 50] [--prefix udm_bench] [--rebuild]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_SH = os.path.join(ROOT, "tools", "odoo.sh")
PY = os.path.join(ROOT, ".venv", "bin", "python")
DBUTIL = os.path.join(ROOT, "tools", "dbutil.py")
CONF = os.path.join(ROOT, ".local", "odoo.conf")
BASE_MODULES = "base_setup,bus,portal,access_right_template"
PASSWORD = "bench_pwd_123"

SETUP_WITHOUT = """
from odoo import Command
env = env(context=dict(env.context, no_reset_password=True, tracking_disable=True))
if not env["res.users"].search([("login", "=", "bench_user")]):
    env["res.users"].create({
        "name": "Bench User", "login": "bench_user", "password": %(pwd)r,
        "groups_id": [Command.set([env.ref("base.group_user").id])],
    })
env["res.partner"].create([{"name": f"Bench partner {i}"} for i in range(200)])
env.cr.commit()
print("SETUP OK")
"""

SETUP_WITH = """
from odoo import Command
env = env(context=dict(env.context, no_reset_password=True, tracking_disable=True))
user = env["res.users"].search([("login", "=", "bench_user")])
if not user:
    user = env["res.users"].create({
        "name": "Bench User", "login": "bench_user", "password": %(pwd)r,
        "groups_id": [Command.set([env.ref("base.group_portal").id])],
        "allow_portal_access_internal": True, "enable_idle_time": True,
        "idle_time": 600,
    })
if user.share:
    user._udm_switch_to_internal()
env["res.partner"].create([{"name": f"Bench partner {i}"} for i in range(200)])
env.cr.commit()
print("SETUP OK", "switched:", not user.share)
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, **kw)


def build(db, modules, setup, rebuild):
    exists = (
        subprocess.run(
            [PY, DBUTIL, CONF, "exists", db], check=False, capture_output=True
        ).returncode
        == 0
    )
    if rebuild or not exists:
        subprocess.run([PY, DBUTIL, CONF, "drop", db], check=False)
        run(
            [ODOO_SH, "-d", db, "-i", modules, "--without-demo=all",
             "--stop-after-init", "--log-level=warn", "--http-port=8299"]
        )  # fmt: skip
        out = run(
            [ODOO_SH, "shell", "-d", db, "--no-http", "--log-level=warn"],
            input=setup % {"pwd": PASSWORD},
            capture_output=True,
        ).stdout
        if "SETUP OK" not in out:
            sys.exit(f"setup of {db} failed:\n{out}")


def start_server(db, port):
    return subprocess.Popen(
        [ODOO_SH, "-d", db, f"--db-filter=^{db}$", f"--http-port={port}",
         "--workers=2", "--max-cron-threads=0", "--log-level=warn",
         "--gevent-port", str(port + 100)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def login(port, db):
    session = requests.Session()
    url = f"http://127.0.0.1:{port}"
    for _i in range(120):
        try:
            session.get(url + "/web/login", timeout=5)
            break
        except requests.ConnectionError:
            time.sleep(1)
    res = session.post(
        url + "/web/session/authenticate",
        json={"params": {"db": db, "login": "bench_user", "password": PASSWORD}},
        timeout=30,
    ).json()
    assert res.get("result", {}).get("uid"), res
    return session, url


def call(session, url):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "model": "res.partner",
            "method": "search_read",
            "args": [[]],
            "kwargs": {"fields": ["name", "email"], "limit": 40, "order": "id"},
        },
    }
    start = time.perf_counter()
    res = session.post(
        url + "/web/dataset/call_kw/res.partner/search_read", json=payload, timeout=30
    )
    elapsed = time.perf_counter() - start
    body = res.json()
    assert "result" in body, body
    return elapsed * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--prefix", default="udm_bench")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--control",
        action="store_true",
        help="A/A control run: both servers on the database without the addon, to see "
        "the noise of this machine",
    )
    args = parser.parse_args()
    db_without, db_with = f"{args.prefix}_without", f"{args.prefix}_with"
    build(db_without, BASE_MODULES, SETUP_WITHOUT, args.rebuild)
    build(db_with, "user_dynamic_management", SETUP_WITH, args.rebuild)
    if args.control:
        db_with = db_without
    servers = [start_server(db_without, 8271), start_server(db_with, 8272)]
    try:
        side = {"without": login(8271, db_without), "with": login(8272, db_with)}
        times = {"without": [], "with": []}
        for i in range(args.warmup + args.requests):
            # alternate which side goes first, so neither is always "second"
            order = ("without", "with") if i % 2 else ("with", "without")
            for name in order:
                elapsed = call(*side[name])
                if i >= args.warmup:
                    times[name].append(elapsed)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    result = {"requests_per_side": args.requests, "control": args.control}
    for name, values in times.items():
        values.sort()
        result[name] = {
            "median_ms": round(statistics.median(values), 3),
            "mean_ms": round(statistics.fmean(values), 3),
            "p10_ms": round(values[len(values) // 10], 3),
            "p90_ms": round(values[len(values) * 9 // 10], 3),
        }
    result["median_overhead_pct"] = round(
        100 * (result["with"]["median_ms"] / result["without"]["median_ms"] - 1), 2
    )
    result["p10_overhead_pct"] = round(
        100 * (result["with"]["p10_ms"] / result["without"]["p10_ms"] - 1), 2
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
