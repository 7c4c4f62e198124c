"""Benchmark: the switch itself, under load, and the revert of closed browsers.

Not a timed test: it prints figures (JSON on the last line). One database without demo
data (``<prefix>_switch``) with the three addons, served with --workers=2 and one cron
worker, as in production.

1. Switch round trip: POST /my/switch_to_internal, then the backend page /web it
   redirects to, until served; against a plain GET /my of another portal user,
   alternating. Twice: with "Confirm switch with password" off, and on with a password
   hashed by Odoo (600,000 PBKDF2 rounds are part of the price). Target: <= 2x /my.
   With the confirmation, Odoo's own login (POST /web/session/authenticate, the same
   password check) is timed in the same rounds: the switch is compared with it too.
2. Switch storm: internal users' JSON-RPC latency (res.partner search_read) while 60
   switch/revert cycles per minute run, against the same calls with no storm, in
   12-second windows (after 3 s for the previous kind to end). Target: storm median
   <= 1.10x calm median. In the same run, at the same rate: stock Odoo group changes
   by an administrator (what any group change costs), bare cache invalidations, page
   loads that clear no cache, and the suite's cycle with the password confirmation.
   The cache invalidation signals of each kind are counted (Odoo's
   base_cache_signaling_* sequences). The cycle reverts with "Back to portal now", not
   a logout and a login: Odoo rehashes the bench's cheap passwords at 600,000 rounds on
   the first login, and a login per cycle would measure PBKDF2. See Storm.
3. Closed browsers: users with 1 minute of idle time switch one per second and send
   nothing more; the revert time minus the deadline is collected (p50, p99, max).

Usage: .venv/bin/python bench/user_dynamic_management_switch.py [--prefix udm_bench]
       [--rebuild] [--round-trips 30] [--storm-windows 4] [--closed 30]
(0 skips a part; --storm-windows is the number of rounds of one calm window and one
window per storm kind. $VENV is the virtualenv, $UDM_BENCH_PORT the HTTP port.)
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
PY = os.path.join(os.environ.get("VENV", os.path.join(ROOT, ".venv")), "bin", "python")
DBUTIL = os.path.join(ROOT, "tools", "dbutil.py")
CONF = os.path.join(ROOT, ".local", "odoo.conf")
ADDONS = "access_right_template,user_dynamic_management,portal_field_access"
PORT = int(os.environ.get("UDM_BENCH_PORT", "8371"))

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
internal_logins = ([f"bench_int_{i}" for i in range(3)]
                   + [f"bench_load_{i}" for i in range(10)])
for login in internal_logins:
    if not env["res.users"].search([("login", "=", login)]):
        env["res.users"].create({"name": login, "login": login,
                                 "groups_id": [Command.set(internal.ids)]})
# the control storm's portal users (not allowed to switch: an administrator changes
# their groups)
for i in range(10):
    login = f"bench_ctrl_{i}"
    if not env["res.users"].search([("login", "=", login)]):
        env["res.users"].create({"name": login, "login": login,
                                 "groups_id": [Command.set(portal.ids)]})
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


def install_db(db, port):
    """A new database `db` with the suite, no demo data (Odoo on `port` meanwhile)."""
    subprocess.run([PY, DBUTIL, CONF, "drop", db], check=True)
    subprocess.run(
        [ODOO_SH, "-d", db, "-i", ADDONS, "--without-demo=all", "--stop-after-init",
         "--log-level=warn", f"--http-port={port}"],
        check=True,
    )  # fmt: skip


def run_setup(db, script):
    """Run `script` in the Odoo shell of `db`; it prints "SETUP OK" when done."""
    out = subprocess.run(
        [ODOO_SH, "shell", "-d", db, "--no-http", "--log-level=warn"],
        input=script,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "SETUP OK" not in out:
        sys.exit(f"setup failed:\n{out}")


def build(db, closed, rebuild):
    if db_exists(db) and not rebuild:
        return
    install_db(db, PORT + 50)
    run_setup(db, SETUP.replace("__CLOSED__", str(closed)))


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

    def switch(self, token, **fields):
        """POST the switch (`fields`: the form's other fields, e.g. totp_code) and load
        the backend page it leads to; return ms."""
        start = time.perf_counter()
        resp = self.http.post(
            self.url + "/my/switch_to_internal",
            data={"csrf_token": token, "password": self.password, **fields},
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


def start_server(db, port=None):
    """odoo-bin on `db` with two workers and one cron worker, on `port` (PORT by
    default) and the next one; returns (process, URL) once it serves pages."""
    port = port or PORT
    proc = subprocess.Popen(
        [ODOO_SH, "-d", db, f"--db-filter=^{db}$", f"--http-port={port}",
         f"--gevent-port={port + 1}", "--workers=2", "--max-cron-threads=1",
         "--log-level=warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
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
        # with the confirmation, the control is Odoo's own login of another user
        # (the same PBKDF2 check of a password Odoo hashed): what the password costs
        kinds = ("switch", "my", "login") if confirm == "True" else ("switch", "my")
        times = {name: [] for name in kinds}
        for i in range(count + 3):  # 3 warm-up rounds (Odoo rehashes at first login)
            token = user.token()
            order = kinds[i % len(kinds) :] + kinds[: i % len(kinds)]
            for name in order:
                start = time.perf_counter()
                if name == "switch":
                    elapsed = user.switch(token)
                elif name == "login":
                    page.authenticate()
                    elapsed = (time.perf_counter() - start) * 1000
                else:
                    page.http.get(url + "/my", timeout=60).raise_for_status()
                    elapsed = (time.perf_counter() - start) * 1000
                if i >= 3:
                    times[name].append(elapsed)
            user.revert()
        key = "password_confirmed" if confirm == "True" else "no_password"
        median = {name: statistics.median(values) for name, values in times.items()}
        result[key] = {
            "switch_round_trip": stats(times["switch"]),
            "my_page": stats(times["my"]),
            "ratio": round(median["switch"] / median["my"], 2),
        }
        if "login" in times:
            result[key]["login"] = stats(times["login"])
            result[key]["login_ratio"] = round(median["login"] / median["my"], 2)
            result[key]["switch_vs_login"] = round(
                median["switch"] / median["login"], 2
            )
    return result


STORM_KINDS = (
    "suite",
    "control_groups",
    "control_signals",
    "control_load",
    "suite_password",
)


class Signals:
    """Reads Odoo's cache invalidation sequences (one per cache group): what every
    worker checks at the start of each request, and clears its caches when it moved."""

    GROUPS = ("default", "assets", "templates", "routing")

    def __init__(self, db):
        import psycopg2  # Odoo's own driver, in the virtualenv

        conf = {}
        with open(CONF) as f:
            for line in f:
                key, sep, value = line.partition(" = ")
                if sep:
                    conf[key.strip()] = value.strip()
        self.conn = psycopg2.connect(
            dbname=db,
            **{
                name: conf[f"db_{name}"]
                for name in ("host", "port", "user", "password")
                if conf.get(f"db_{name}") not in (None, "False")
            },
        )
        self.conn.autocommit = True

    def read(self):
        with self.conn.cursor() as cr:
            values = {}
            for group in self.GROUPS:
                cr.execute(f"SELECT last_value FROM base_cache_signaling_{group}")
                values[group] = cr.fetchone()[0]
            return values


class Storm:
    """Internal users' JSON-RPC in calm windows and under five storms of the same rate
    (10 threads, each starting a cycle every 10 s, one second apart: 60 cycles/min):

    - suite: a portal user loads /my, switches (password confirmation off), loads
      /web, sends an activity report, and goes "Back to portal now" (the session
      stays: no login, so no PBKDF2 in the cycle);
    - control_groups: stock Odoo's price of the same group changes: an administrator
      makes a portal user internal, then portal again (res.users.write of groups_id,
      two writes per cycle like one switch and one revert; the user may not switch);
    - control_signals: the same number of cache invalidations, almost free: an
      administrator sets a parameter twice (ir.config_parameter clears the 'default'
      caches of every worker, like a group change), nothing else;
    - control_load: requests that clear no cache: an internal user loads /my and
      /web twice and reads their user (nothing is written);
    - suite_password: the suite's cycle with "Confirm switch with password" on (one
      600,000-round PBKDF2 check per switch, as in production by default).

    Each round runs every kind once (a calm window first, the storms in a rotating
    order); ratios are against the calm median, pooled and per round.
    """

    THREADS = 10

    def __init__(self, url, db, admin, window_seconds=12, settle=3):
        self.url, self.admin = url, admin
        self.window_seconds, self.settle = window_seconds, settle
        self.internals = [Client(url, db, f"bench_int_{i}") for i in range(3)]
        portal = [Client(url, db, f"bench_storm_{i}") for i in range(self.THREADS)]
        self.clients = {
            "suite": portal,
            "suite_password": portal,
            "control_groups": [
                Client(url, db, "admin", "admin") for _i in range(self.THREADS)
            ],
            "control_signals": [
                Client(url, db, "admin", "admin") for _i in range(self.THREADS)
            ],
            "control_load": [
                Client(url, db, f"bench_load_{i}") for i in range(self.THREADS)
            ],
        }
        self.ctrl_ids = admin.call(
            "res.users", "search", [("login", "=like", "bench_ctrl_%")], order="login"
        )
        self.group_ids = {
            name: admin.call("ir.model.data", "check_object_reference", "base", name)[1]
            for name in ("group_portal", "group_user")
        }
        self.signals = Signals(db)
        self.current = "calm"
        self.kind_started, self.kind_signals = time.time(), self.signals.read()
        self.stop = threading.Event()
        self.cycles = {kind: [] for kind in STORM_KINDS}  # client-side ms per cycle
        self.errors = {kind: 0 for kind in STORM_KINDS}
        self.times = {kind: [] for kind in ("calm", *STORM_KINDS)}
        self.per_round = {kind: [] for kind in self.times}
        self.signal_counts = {kind: {} for kind in self.times}
        self.seconds = {kind: 0.0 for kind in self.times}

    def cycle(self, kind, k):
        client = self.clients[kind][k]
        if kind in ("suite", "suite_password"):
            client.switch(client.token())
            client.jsonrpc("/user_dynamic_management/heartbeat", {})
            client.jsonrpc("/user_dynamic_management/back_to_portal", {})
        elif kind == "control_groups":
            for group in ("group_user", "group_portal"):
                client.call(
                    "res.users",
                    "write",
                    [self.ctrl_ids[k]],
                    {"groups_id": [(6, 0, [self.group_ids[group]])]},
                )
        elif kind == "control_signals":
            for _i in range(2):
                # a new value each time: an unchanged one is not written
                client.call(
                    "ir.config_parameter",
                    "set_param",
                    f"bench.storm_signal_{k}",
                    str(time.time()),
                )
        else:
            for _i in range(2):
                client.http.get(self.url + "/my", timeout=60).raise_for_status()
                client.http.get(self.url + "/web", timeout=60).raise_for_status()
            client.call("res.users", "read", [client.uid], ["name", "login"])

    def loop(self, k):
        time.sleep(k)
        while not self.stop.is_set():
            started = time.time()
            kind = self.current
            if kind in self.cycles:
                start = time.perf_counter()
                try:
                    self.cycle(kind, k)
                    self.cycles[kind].append((time.perf_counter() - start) * 1000)
                except (requests.RequestException, RuntimeError, AssertionError):
                    self.errors[kind] += 1
                    if kind in ("suite", "suite_password"):
                        # leave the user a portal user for the next cycle
                        self.clients[kind][k].jsonrpc(
                            "/user_dynamic_management/back_to_portal", {}
                        )
            time.sleep(max(0.05, 10.0 - (time.time() - started)))

    def set_kind(self, kind):
        if kind in ("suite", "suite_password"):
            self.admin.call(
                "ir.config_parameter",
                "set_param",
                "user_dynamic_management.confirm_password",
                str(kind == "suite_password"),
            )
        # cycles, signals and time count from here: the kind's cycles start from now,
        # the previous kind's end during the settle time (a few signals at most)
        self.kind_started, self.kind_signals = time.time(), self.signals.read()
        self.current = kind
        time.sleep(self.settle)

    def window(self, kind):
        """One window of back-to-back JSON-RPC calls of the internal users."""
        before, start_at = self.kind_signals, time.time()
        values, i = [], 0
        while time.time() < start_at + self.window_seconds:
            client = self.internals[i % len(self.internals)]
            start = time.perf_counter()
            client.call("res.partner", "search_read", [], ["name", "email"], limit=40)
            values.append((time.perf_counter() - start) * 1000)
            i += 1
        self.seconds[kind] += time.time() - self.kind_started
        after = self.signals.read()
        counts = self.signal_counts[kind]
        for group, value in after.items():
            if value != before[group]:
                counts[group] = counts.get(group, 0) + value - before[group]
        self.times[kind].extend(values)
        self.per_round[kind].append(statistics.median(values))

    def run(self, rounds):
        threads = [
            threading.Thread(target=self.loop, args=(k,), daemon=True)
            for k in range(self.THREADS)
        ]
        for thread in threads:
            thread.start()
        started_at = time.time()
        try:
            for r in range(rounds):
                shift = r % len(STORM_KINDS)
                for kind in ("calm", *STORM_KINDS[shift:], *STORM_KINDS[:shift]):
                    self.set_kind(kind)
                    self.window(kind)
        finally:
            self.current = "calm"
            self.stop.set()
            for thread in threads:
                thread.join(timeout=60)
        result = self.summary()
        result["seconds"] = round(time.time() - started_at)
        return result

    def summary(self):
        calm = statistics.median(self.times["calm"])
        result = {"calm": dict(stats(self.times["calm"]))}
        result["calm"]["signals"] = self.signal_counts["calm"]
        for kind in STORM_KINDS:
            cycles = self.cycles[kind]
            signals = self.signal_counts[kind]
            result[kind] = {
                "rpc": stats(self.times[kind]),
                "ratio": round(statistics.median(self.times[kind]) / calm, 3),
                # each round's storm window against the same round's calm window
                "ratio_per_round": [
                    round(value / calm_value, 3)
                    for value, calm_value in zip(
                        self.per_round[kind], self.per_round["calm"], strict=True
                    )
                ],
                "cycles_per_minute": round(len(cycles) / self.seconds[kind] * 60, 1),
                "cycle_ms_median": cycles and round(statistics.median(cycles), 1),
                "signals": signals,
                "default_signals_per_cycle": cycles
                and round(signals.get("default", 0) / len(cycles), 2),
                "errors": self.errors[kind],
            }
        # the headline (what bench/run_all.py reads): the suite's storm
        result["storm"] = result["suite"]["rpc"]
        result["ratio"] = result["suite"]["ratio"]
        result["cycles_per_minute_during_storm"] = result["suite"]["cycles_per_minute"]
        return result


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
        result = {}
        if args.round_trips:
            result["round_trip"] = round_trips(url, db, args.round_trips, admin)
        if args.storm_windows:
            result["storm"] = Storm(url, db, admin).run(args.storm_windows)
        if args.closed:
            result["closed_browsers"] = closed_browsers(url, db, args.closed, admin)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
