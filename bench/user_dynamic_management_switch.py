"""Benchmark: the switch itself, under load, and the revert of closed browsers.

Not a timed test: it prints figures (JSON on the last line). One database without demo
data (``<prefix>_switch``) with the three addons, served with --workers=2 and one cron
worker, as in production.

1. Switch round trip: POST /my/switch_to_internal, then the backend page /web it
   redirects to, until served; against a plain GET /my of another portal user,
   alternating. Twice: with "Confirm switch with password" off, and on with a password
   hashed by Odoo (600,000 PBKDF2 rounds are part of the price). Target: <= 2x /my.
2. Switch storm: internal users' JSON-RPC latency (res.partner search_read) while 60
   switch/revert cycles per minute run, against the same calls with no storm, in
   alternating 15-second windows. Target: storm median <= 1.10x calm median.
3. Closed browsers: users with 1 minute of idle time switch one per second and send
   nothing more; the revert time minus the deadline is collected (p50, p99, max).

Usage: .venv/bin/python bench/user_dynamic_management_switch.py [--prefix udm_bench]
       [--rebuild] [--round-trips 30] [--storm-windows 4] [--closed 30]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_SH = os.path.join(ROOT, "tools", "odoo.sh")
PY = os.path.join(ROOT, ".venv", "bin", "python")
DBUTIL = os.path.join(ROOT, "tools", "dbutil.py")
CONF = os.path.join(ROOT, ".local", "odoo.conf")
ADDONS = "access_right_template,user_dynamic_management,portal_field_access"
PORT = 8371

# users: bench_rt_page (reads /my), bench_rt_fast/bench_rt_slow (round trips),
# bench_storm_0..9 (storm), bench_int_0..2 (internal), bench_closed_0..N (closed)
SETUP = r"""
from odoo import Command
from passlib.context import CryptContext
env = env(context=dict(env.context, no_reset_password=True, tracking_disable=True))
portal, internal = env.ref("base.group_portal"), env.ref("base.group_user")
cheap = CryptContext(["pbkdf2_sha512"], pbkdf2_sha512__rounds=1000)
logins = (["bench_rt_page", "bench_rt_fast", "bench_rt_slow"]
          + [f"bench_storm_{i}" for i in range(10)]
          + [f"bench_closed_{i}" for i in range(__CLOSED__)])
for login in logins:
    if not env["res.users"].search([("login", "=", login)]):
        env["res.users"].create({
            "name": login, "login": login,
            "groups_id": [Command.set(portal.ids)],
            "allow_portal_access_internal": True, "enable_idle_time": True,
            "idle_time": 1 if login.startswith("bench_closed") else 600,
        })
for i in range(3):
    login = f"bench_int_{i}"
    if not env["res.users"].search([("login", "=", login)]):
        env["res.users"].create({"name": login, "login": login,
                                 "groups_id": [Command.set(internal.ids)]})
env["res.partner"].create([{"name": f"Bench partner {i}"} for i in range(200)])
env.flush_all()
users = env["res.users"].search([("login", "=like", "bench_%")])
for user in users:
    if user.login == "bench_rt_slow":
        user.password = "pw-" + user.login          # Odoo's own hash
    else:
        env.cr.execute("UPDATE res_users SET password = %s WHERE id = %s",
                       (cheap.hash("pw-" + user.login), user.id))
env["ir.config_parameter"].set_param("user_dynamic_management.max_portal_user", "0")
env.cr.commit()
print("SETUP OK")
"""


def db_exists(db):
    return (
        subprocess.run(
            [PY, DBUTIL, CONF, "exists", db], check=False, capture_output=True
        ).returncode
        == 0
    )


def build(db, closed, rebuild):
    if db_exists(db) and not rebuild:
        return
    subprocess.run([PY, DBUTIL, CONF, "drop", db], check=True)
    subprocess.run(
        [ODOO_SH, "-d", db, "-i", ADDONS, "--without-demo=all", "--stop-after-init",
         "--log-level=warn", f"--http-port={PORT + 50}"],
        check=True,
    )  # fmt: skip
    out = subprocess.run(
        [ODOO_SH, "shell", "-d", db, "--no-http", "--log-level=warn"],
        input=SETUP.replace("__CLOSED__", str(closed)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "SETUP OK" not in out:
        sys.exit(f"setup failed:\n{out}")


class Client:
    def __init__(self, url, db, login, password=None):
        self.url, self.db, self.login = url, db, login
        self.password = password or "pw-" + login
        self.http = requests.Session()
        self.authenticate()

    def authenticate(self):
        res = self.jsonrpc(
            "/web/session/authenticate",
            {"db": self.db, "login": self.login, "password": self.password},
        )
        self.uid = res["uid"]

    def jsonrpc(self, path, params):
        body = self.http.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
            timeout=120,
        ).json()
        if "error" in body:
            raise RuntimeError(body["error"])
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        return self.jsonrpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def token(self):
        html = self.http.get(self.url + "/my", timeout=60).text
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def switch(self, token):
        """POST the switch and load the backend page it leads to; return ms."""
        start = time.perf_counter()
        resp = self.http.post(
            self.url + "/my/switch_to_internal",
            data={"csrf_token": token, "password": self.password},
            allow_redirects=False,
            timeout=120,
        )
        assert resp.headers.get("Location", "").endswith("/web"), resp.headers
        page = self.http.get(self.url + "/web", allow_redirects=False, timeout=120)
        elapsed = (time.perf_counter() - start) * 1000
        assert page.status_code == 200, page.status_code
        return elapsed

    def revert(self):
        self.http.get(self.url + "/web/session/logout", timeout=60)
        self.http = requests.Session()
        self.authenticate()


def start_server(db):
    proc = subprocess.Popen(
        [ODOO_SH, "-d", db, f"--db-filter=^{db}$", f"--http-port={PORT}",
         f"--gevent-port={PORT + 1}", "--workers=2", "--max-cron-threads=1",
         "--log-level=warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{PORT}"
    for _i in range(120):
        try:
            if requests.get(url + "/web/login", timeout=5).status_code == 200:
                return proc, url
        except requests.ConnectionError:
            pass
        time.sleep(1)
    proc.kill()
    sys.exit("the server did not start")


def stats(values):
    values = sorted(values)
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values), 1),
        "p90_ms": round(values[len(values) * 9 // 10], 1),
    }


def round_trips(url, db, count, admin):
    page = Client(url, db, "bench_rt_page")
    result = {}
    for login, confirm in (("bench_rt_fast", "False"), ("bench_rt_slow", "True")):
        admin.call(
            "ir.config_parameter",
            "set_param",
            "user_dynamic_management.confirm_password",
            confirm,
        )
        user = Client(url, db, login)
        times = {"switch": [], "my": []}
        for i in range(count + 3):  # 3 warm-up rounds
            token = user.token()
            order = ("switch", "my") if i % 2 else ("my", "switch")
            for name in order:
                if name == "switch":
                    elapsed = user.switch(token)
                else:
                    start = time.perf_counter()
                    page.http.get(url + "/my", timeout=60).raise_for_status()
                    elapsed = (time.perf_counter() - start) * 1000
                if i >= 3:
                    times[name].append(elapsed)
            user.revert()
        key = "password_confirmed" if confirm == "True" else "no_password"
        result[key] = {
            "switch_round_trip": stats(times["switch"]),
            "my_page": stats(times["my"]),
            "ratio": round(
                statistics.median(times["switch"]) / statistics.median(times["my"]),
                2,
            ),
        }
    return result


def storm(url, db, windows, window_seconds=15):
    internals = [Client(url, db, f"bench_int_{i}") for i in range(3)]
    stormers = [Client(url, db, f"bench_storm_{i}") for i in range(10)]
    storming = threading.Event()
    stop = threading.Event()
    cycles = [0]

    def storm_loop(k):
        # 60 switch/revert cycles per minute: each of the 10 portal users starts one
        # every 10 seconds, the users one second apart
        time.sleep(k)
        user = stormers[k]
        while not stop.is_set():
            started = time.time()
            if storming.is_set():
                user.switch(user.token())
                user.revert()
                cycles[0] += 1
            time.sleep(max(0.05, 10.0 - (time.time() - started)))

    threads = [
        threading.Thread(target=storm_loop, args=(k,), daemon=True)
        for k in range(len(stormers))
    ]
    for thread in threads:
        thread.start()
    times = {"calm": [], "storm": []}
    started_at = time.time()
    try:
        for w in range(2 * windows):
            name = "storm" if w % 2 else "calm"
            (storming.set if name == "storm" else storming.clear)()
            end = time.time() + window_seconds
            i = 0
            while time.time() < end:
                client = internals[i % len(internals)]
                start = time.perf_counter()
                client.call(
                    "res.partner", "search_read", [], ["name", "email"], limit=40
                )
                times[name].append((time.perf_counter() - start) * 1000)
                i += 1
    finally:
        stop.set()
        storming.clear()
        for thread in threads:
            thread.join(timeout=60)
    storm_minutes = windows * window_seconds / 60
    return {
        "calm": stats(times["calm"]),
        "storm": stats(times["storm"]),
        "ratio": round(
            statistics.median(times["storm"]) / statistics.median(times["calm"]), 3
        ),
        "cycles_per_minute_during_storm": round(cycles[0] / storm_minutes, 1),
        "seconds": round(time.time() - started_at),
    }


def closed_browsers(url, db, count, admin):
    ids = []
    for i in range(count):
        start = time.time()
        client = Client(url, db, f"bench_closed_{i}")
        client.switch(client.token())
        ids.append(client.uid)
        # the browser is closed: nothing more is sent
        time.sleep(max(0.0, 1.0 - (time.time() - start)))
    deadline = time.time() + 60 + 150
    records = []
    while time.time() < deadline:
        records = admin.call(
            "portal.internal.switch",
            "search_read",
            [("user_id", "in", ids)],
            ["state", "deadline", "end_date", "reason"],
            order="id desc",
        )
        if records and all(r["state"] == "reverted" for r in records[:count]):
            break
        time.sleep(2)

    def parse(value):
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")

    late = sorted(
        (parse(r["end_date"]) - parse(r["deadline"])).total_seconds()
        for r in records[:count]
        if r["state"] == "reverted"
    )
    if not late:
        return {"reverted": 0, "switched": count}
    return {
        "switched": count,
        "reverted": len(late),
        "reasons": sorted({r["reason"] for r in records[:count] if r["reason"]}),
        "late_p50_s": late[len(late) // 2],
        "late_p99_s": late[min(len(late) - 1, int(len(late) * 0.99))],
        "late_max_s": late[-1],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", default="udm_bench")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--round-trips", type=int, default=30)
    parser.add_argument("--storm-windows", type=int, default=4)
    parser.add_argument("--closed", type=int, default=30)
    args = parser.parse_args()
    db = f"{args.prefix}_switch"
    # the closed-browser users switch once: a fresh database each run
    build(db, args.closed, True if args.closed else args.rebuild)
    proc, url = start_server(db)
    try:
        admin = Client(url, db, "admin", "admin")
        result = {"round_trip": round_trips(url, db, args.round_trips, admin)}
        result["storm"] = storm(url, db, args.storm_windows)
        if args.closed:
            result["closed_browsers"] = closed_browsers(url, db, args.closed, admin)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
