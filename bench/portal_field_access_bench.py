"""Benchmark: /my/account with portal_field_access vs stock /my/account.

Not a timed test: it prints figures. Two databases without demo data:

- ``<prefix>_stock``: ``portal`` only (stock My Account);
- ``<prefix>_addon``: ``portal_field_access`` (and its dependencies), with a
  Portal Access Group giving the portal user Write on every managed field, the
  most expensive page to render (every block shown, language list loaded).

French is active in both databases: a second language makes Odoo localise the
page's links, and that cost belongs to the database, not to the suite.

Three rows, each side by side: GET /my/account (the page), then two saves
(POST /my/account, the city changed at every request; the redirection is not
followed): the stock form on both sides (the same keys, the same change: what
the suite adds to stock's save), then on the addon side the suite's own form
with its 16 fields (shown, no target: every field is checked, the unchanged
login against the other users', and the change is logged on the contact). Both
servers run at the same time and the requests alternate between them, so that
the load of this shared machine weighs on both sides alike. The figures that
matter are the ratios of the medians (target: at most 1.10 for the page and
for the stock form's save).

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
print("SETUP OK", env.ref("base.fr").id)
"""
# What the portal user's My Account form posts, as a browser would (the city
# is set per request): the stock form, and the suite's with Write on every field
# (the password fields left empty).
STOCK_FORM = {
    "name": "Bench Portal",
    "email": "bench@example.com",
    "phone": "+33 1 00 00 00 00",
    "street": "1 rue de la Paix",
    "zipcode": "75002",
    "state_id": "",
    "vat": "",
    "company_name": "",
}
SUITE_FORM = dict(
    {key: value for key, value in STOCK_FORM.items() if key != "name"},
    firstname="Bench",
    lastname="Portal",
    street2="Bat. A",
    lang="en_US",
    siret="55210055400013",
    login=LOGIN,
    login_password="",
    old_password="",
    new_password="",
    confirm_password="",
)
CITIES = ("Lyon", "Paris")


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
    """Create ``db`` if needed and set the bench user up; return the id of
    France (the user's country)."""
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
    return int(out.stdout.split("SETUP OK", 1)[1].split()[0])


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


def csrf_token(session, url):
    page = session.get(f"{url}/my/account", timeout=30).text
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def timed_post(session, url, form, i):
    """Save My Account with ``form`` (the city changes at every request)."""
    data = dict(form, city=CITIES[i % 2])
    start = time.perf_counter()
    response = session.post(
        f"{url}/my/account", data=data, timeout=30, allow_redirects=False
    )
    elapsed = time.perf_counter() - start
    assert response.status_code == 303, (response.status_code, response.text[-2000:])
    return elapsed


def alternate(requests, sides, timed):
    """Time ``requests`` of ``timed(session, url, i)`` on each of the two
    ``sides`` (session, url), alternating which side goes first."""
    times = ([], [])
    for i in range(requests):
        order = (0, 1) if i % 2 else (1, 0)
        for side in order:
            session, url = sides[side]
            times[side].append(timed(session, url, i))
    return times


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
    stock_country = build_db(stock_db, "portal", args.rebuild)
    addon_country = build_db(addon_db, modules, args.rebuild, args.groups)

    servers = []
    try:
        for db in (stock_db, addon_db):
            servers.append(start_server(db))
        (_p1, stock_url), (_p2, addon_url) = servers
        stock, addon = login(stock_url), login(addon_url)
        _t, html = timed_get(addon, addon_url)
        assert 'name="siret"' in html and 'name="new_password"' in html, (
            "the addon page does not show every field"
        )
        sides = ((stock, stock_url), (addon, addon_url))

        def get(session, url, _i):
            return timed_get(session, url)[0]

        def poster(stock_form, addon_form):
            forms = {
                stock_url: dict(stock_form, country_id=str(stock_country)),
                addon_url: dict(addon_form, country_id=str(addon_country)),
            }
            for session, url in sides:
                forms[url]["csrf_token"] = csrf_token(session, url)
            return lambda session, url, i: timed_post(session, url, forms[url], i)

        target = "target <= 1.10"
        rows = (
            ("GET", "", target, get),
            ("POST, stock form", "post_", target, poster(STOCK_FORM, STOCK_FORM)),
            ("POST, suite form", "post_suite_form_", "no target",
             poster(STOCK_FORM, SUITE_FORM)),
        )  # fmt: skip
        times = {}
        for label, prefix, target, timed in rows:
            alternate(args.warmup, sides, timed)
            times[label, prefix, target] = alternate(args.requests, sides, timed)
    finally:
        for proc, _url in servers:
            proc.terminate()
            proc.wait(timeout=30)

    result = {"modules": modules, "portal_access_groups": args.groups}
    for (label, prefix, target), (stock_times, addon_times) in times.items():
        print(
            f"{label} /my/account, {args.requests} requests each, {args.warmup} warm-up"
        )
        stock_median = summary("stock (portal)", stock_times)
        addon_median = summary("portal_field_access (all W)", addon_times)
        ratio = addon_median / stock_median
        print(f"ratio of medians: {ratio:.3f} ({(ratio - 1) * 100:+.1f} %), {target}")
        result.update(
            {
                f"{prefix}stock_median_ms": round(stock_median, 2),
                f"{prefix}addon_median_ms": round(addon_median, 2),
                f"{prefix}ratio": round(ratio, 3),
            }
        )
    print(json.dumps(result))
    # the targets: the page and the stock form's save
    return 0 if max(result["ratio"], result["post_ratio"]) <= 1.10 else 1


if __name__ == "__main__":
    sys.exit(main())
