"""Benchmark: /my/account with portal_field_access vs stock /my/account.

Not a timed test: it prints figures. Two databases without demo data:

- ``<prefix>_stock``: ``portal`` only (stock My Account);
- ``<prefix>_addon``: ``portal_field_access`` (and its dependencies), with a
  Portal Access Group giving the portal user Write on all 7 fields, the most
  expensive page to render (every block shown, language list loaded).

French is active in both databases: a second language makes Odoo localise the
page's links, and that cost belongs to the database, not to the suite.

Both servers run at the same time and the GET requests alternate between them,
so that the load of this shared machine weighs on both sides alike. The figure
that matters is the ratio of the medians (target: at most 1.10).

Usage: .venv/bin/python bench/portal_field_access_bench.py [--requests 200]
       [--warmup 30] [--prefix pfa_bench] [--rebuild] [--suite] [--groups 1000]

--suite installs the three addons on the addon side (the user then also sees the
"Switch to Internal User" checks); --groups N puts N Portal Access Groups in that
database (one in ten for all portal users, read only).
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
LOCAL = os.environ.get("LOCAL_DIR", os.path.join(ROOT, ".local"))
PY = os.path.join(ROOT, ".venv", "bin", "python")
ODOO_SH = os.path.join(ROOT, "tools", "odoo.sh")
DBUTIL = os.path.join(ROOT, "tools", "dbutil.py")
LOGIN, PASSWORD = "bench_portal", "bench_portal_pwd"
SUITE = "access_right_template,user_dynamic_management,portal_field_access"

SETUP_SCRIPT = """
from odoo import Command
env = env(context=dict(env.context, no_reset_password=True, tracking_disable=True))
user = env["res.users"].search([("login", "=", %(login)r)])
if not user:
    user = env["res.users"].create({
        "name": "Bench Portal", "login": %(login)r, "password": %(password)r,
        "groups_id": [Command.set([env.ref("base.group_portal").id])],
    })
    user.partner_id.write({
        "email": "bench@example.com", "phone": "+33 1 00 00 00 00",
        "street": "1 rue de la Paix", "street2": "Bat. A", "city": "Paris",
        "zip": "75002", "country_id": env.ref("base.fr").id,
    })
env["res.lang"]._activate_lang("fr_FR")
if "portal.access.group" in env:
    user.partner_id.siret = "55210055400013"
    if not env["portal.access.group"].search([("name", "=", "Bench")]):
        group = env["portal.access.group"].create({
            "name": "Bench", "user_ids": [Command.link(user.id)],
        })
        group.line_ids.write({"perm_write": True})
    extra = %(groups)d - env["portal.access.group"].search_count([])
    if extra > 0:
        # other groups in the database, one in ten for all portal users (read only)
        groups = env["portal.access.group"].create([
            {"name": f"Bench extra {i}", "all_portal_users": not i %% 10}
            for i in range(extra)
        ])
        groups.line_ids.write({"perm_read": True})
env.cr.commit()
print("SETUP OK")
"""


def conf_path():
    user_conf = os.path.join(ROOT, "odoo.conf")
    return user_conf if os.path.exists(user_conf) else os.path.join(LOCAL, "odoo.conf")


def db_exists(db):
    result = subprocess.run([PY, DBUTIL, conf_path(), "exists", db], check=False)
    return result.returncode == 0


def free_port():
    out = subprocess.run(
        [PY, DBUTIL, conf_path(), "freeport"], check=True, capture_output=True
    )
    return int(out.stdout.strip())


def build_db(db, modules, rebuild, groups=1):
    if rebuild:
        subprocess.run([PY, DBUTIL, conf_path(), "drop", db], check=True)
    if not db_exists(db):
        print(f"creating {db} with {modules} ...", flush=True)
        subprocess.run(
            [ODOO_SH, "-d", db, "-i", modules, "--without-demo=all",
             "--stop-after-init", "--http-port=0", "--workers=0",
             "--max-cron-threads=0", "--log-level=warn"],
            check=True,
        )  # fmt: skip
    script = SETUP_SCRIPT % {"login": LOGIN, "password": PASSWORD, "groups": groups}
    out = subprocess.run(
        [ODOO_SH, "shell", "-d", db, "--no-http", "--log-level=warn"],
        input=script,
        text=True,
        capture_output=True,
        check=True,
    )
    if "SETUP OK" not in out.stdout:
        sys.exit(f"setup of {db} failed:\n{out.stdout}\n{out.stderr}")


def start_server(db):
    port = free_port()
    proc = subprocess.Popen(
        [ODOO_SH, "-d", db, f"--db-filter=^{db}$", f"--http-port={port}",
         "--workers=0", "--max-cron-threads=0", "--log-level=warn"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(120):
        try:
            requests.get(f"{url}/web/login", timeout=5)
            return proc, url
        except requests.ConnectionError:
            time.sleep(0.5)
    proc.terminate()
    sys.exit(f"server for {db} did not start")


def login(url):
    session = requests.Session()
    page = session.get(f"{url}/web/login", timeout=30).text
    marker = 'name="csrf_token" value="'
    token = page.split(marker, 1)[1].split('"', 1)[0]
    response = session.post(
        f"{url}/web/login",
        data={"login": LOGIN, "password": PASSWORD, "csrf_token": token},
        timeout=30,
    )
    response.raise_for_status()
    check = session.get(f"{url}/my/account", timeout=30, allow_redirects=False)
    if check.status_code != 200:
        sys.exit(f"cannot open /my/account on {url}: {check.status_code}")
    return session


def timed_get(session, url):
    start = time.perf_counter()
    response = session.get(f"{url}/my/account", timeout=30, allow_redirects=False)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed, response.text


def summary(name, samples):
    ms = sorted(s * 1000 for s in samples)
    p90 = ms[int(len(ms) * 0.9) - 1]
    print(
        f"{name:<28} n={len(ms):<4} median={statistics.median(ms):7.2f} ms  "
        f"mean={statistics.mean(ms):7.2f} ms  p90={p90:7.2f} ms  "
        f"min={ms[0]:7.2f} ms"
    )
    return statistics.median(ms)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--prefix", default="pfa_bench")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--suite",
        action="store_true",
        help="the addon side has the whole suite installed, not only this addon",
    )
    parser.add_argument(
        "--groups",
        type=int,
        default=1,
        help="Portal Access Groups in the addon database (the user's one included)",
    )
    args = parser.parse_args()

    stock_db = f"{args.prefix}_stock"
    modules = SUITE if args.suite else "portal_field_access"
    addon_db = f"{args.prefix}_{'suite' if args.suite else 'addon'}_{args.groups}g"
    build_db(stock_db, "portal", args.rebuild)
    build_db(addon_db, modules, args.rebuild, args.groups)

    servers = []
    try:
        for db in (stock_db, addon_db):
            servers.append(start_server(db))
        (_p1, stock_url), (_p2, addon_url) = servers
        stock, addon = login(stock_url), login(addon_url)
        _t, html = timed_get(addon, addon_url)
        assert 'name="siret"' in html and 'name="new_password"' in html, (
            "the addon page does not show the 7 fields"
        )
        for _i in range(args.warmup):
            timed_get(stock, stock_url)
            timed_get(addon, addon_url)
        stock_times, addon_times = [], []
        for i in range(args.requests):
            # alternate which side goes first to cancel ordering effects
            pairs = [(stock, stock_url, stock_times), (addon, addon_url, addon_times)]
            for session, url, bucket in pairs if i % 2 else reversed(pairs):
                bucket.append(timed_get(session, url)[0])
    finally:
        for proc, _url in servers:
            proc.terminate()
            proc.wait(timeout=30)

    print(f"GET /my/account, {args.requests} requests each, {args.warmup} warm-up")
    stock_median = summary("stock (portal)", stock_times)
    addon_median = summary("portal_field_access (7 W)", addon_times)
    ratio = addon_median / stock_median
    print(f"ratio of medians: {ratio:.3f} ({(ratio - 1) * 100:+.1f} %), target <= 1.10")
    print(
        json.dumps(
            {
                "modules": modules,
                "portal_access_groups": args.groups,
                "stock_median_ms": round(stock_median, 2),
                "addon_median_ms": round(addon_median, 2),
                "ratio": round(ratio, 3),
            }
        )
    )
    return 0 if ratio <= 1.10 else 1


if __name__ == "__main__":
    sys.exit(main())
