"""`make bench`: every benchmark of bench/, one after the other, and a summary table.

Each script prints its figures as JSON on its last line; they are gathered in
.local/bench-results.json with a description of the machine, and summed up as a
Markdown table (the one in README.md). Every comparison runs its two sides side by
side, alternating requests, so that the load of a shared machine weighs on both alike.

Usage: .venv/bin/python bench/run_all.py [--quick] [--only NAME[,NAME]]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = os.path.join(ROOT, ".venv", "bin", "python")
LOCAL = os.environ.get("LOCAL_DIR", os.path.join(ROOT, ".local"))


def benchmarks(quick):
    n = 0.25 if quick else 1
    return {
        "latency": [
            "user_dynamic_management_latency.py", "--requests", str(int(800 * n)),
        ],
        "my_account": [
            "portal_field_access_bench.py", "--suite", "--requests", str(int(200 * n)),
        ],
        "my_account_1000_groups": [
            "portal_field_access_bench.py", "--suite", "--groups", "1000",
            "--requests", str(int(200 * n)),
        ],
        "switch": [
            "user_dynamic_management_switch.py", "--round-trips", str(int(30 * n)),
            "--storm-windows", "2" if quick else "4", "--closed", "30",
        ],
        "switch_totp": [
            "user_dynamic_management_totp.py", "--switches", str(int(30 * n)),
        ],
        "cron_10k": ["user_dynamic_management_cron.py", "--users", "10000"],
        "cron_100k": ["user_dynamic_management_cron.py", "--users", "100000"],
        "install": ["install_time.py"],
    }  # fmt: skip


def machine():
    def cmd(*args):
        try:
            return subprocess.run(
                args, capture_output=True, text=True, check=False
            ).stdout.strip()
        except OSError:
            return ""

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in open("/proc/cpuinfo")
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "postgresql": cmd("psql", "--version") or cmd("pg_config", "--version"),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def run(name, args):
    print(f"== {name}: {' '.join(args)}", flush=True)
    start = time.time()
    proc = subprocess.run(
        [PY, os.path.join(ROOT, "bench", args[0]), *args[1:]],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(("{", "["))]
    if not lines:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        return {"error": f"no result (rc={proc.returncode})"}
    result = json.loads(lines[-1])
    print(json.dumps(result), f"({time.time() - start:.0f} s)", flush=True)
    return result


# the storm bench's controls, measured in the same run as the suite's storm
STORM_CONTROLS = (
    ("control_groups", "stock group changes by an administrator, 2 per cycle"),
    ("control_signals", "bare cache invalidations, 2 per cycle"),
    ("control_load", "page loads that clear no cache"),
    ("suite_password", "the suite's cycle with password confirmation"),
)


def cron_rows(results):
    """The summary's rows of the every-minute job (cron_10k, cron_100k)."""
    rows = []
    for key in ("cron_10k", "cron_100k"):
        r = results.get(key)
        if not isinstance(r, list):
            continue
        windows = [x for x in r if x.get("kind") == "windows_extensions"]
        r = [x for x in r if x.get("kind") != "windows_extensions"]
        if r:
            due100 = [x for x in r if x["due"] == 100]
            by_due = {x["due"]: x for x in r}  # the last run of each size
            per_due = "; ".join(
                f"{due} due: {x['queries']} queries, {x['seconds']} s"
                for due, x in sorted(by_due.items())
            )
            switch = due100[-1]
            one = (
                f"; one switch {switch['one_switch_s']} s "
                f"({switch['one_switch_queries']} queries), one revert "
                f"{switch['one_revert_s']} s ({switch['one_revert_queries']} queries)"
                if "one_switch_s" in switch
                else ""
            )
            rows.append(
                (f"Every-minute job, {r[0]['portal_users']:,} portal users, "
                 f"{r[0]['switched']:,} switched, 100 due",
                 "< 1 s, same queries",
                 f"{max(x['seconds'] for x in due100)} s ({per_due}){one}")
            )  # fmt: skip
        if windows:
            due = "; ".join(
                f"{x['switches']} due: {x['queries']} queries, {x['seconds']} s "
                f"(without windows nor extensions: {x['control_queries']})"
                for x in windows
            )
            idle = ", ".join(str(x["none_due_queries"]) for x in windows)
            sizes = ", ".join(str(x["switches"]) for x in windows)
            rows.append(
                (f"Same job ({key.split('_')[1]} portal users), {sizes} switches with "
                 "windows and extensions", "same queries",
                 f"{due}; none due: {idle} queries")
            )  # fmt: skip
    return rows


def table(results):
    rows = []

    def get(*path):
        value = results
        for key in path:
            value = value.get(key, {}) if isinstance(value, dict) else {}
        return value

    lat = results.get("latency", {})
    if "with" in lat:
        ratio = lat["with"]["median_ms"] / lat["without"]["median_ms"]
        rows.append(
            ("Backend JSON-RPC, switched user vs no suite", "<= 1.02",
             f"{lat['with']['median_ms']} vs {lat['without']['median_ms']} ms: "
             f"{ratio:.3f}")
        )  # fmt: skip
    for key, label in (
        ("my_account", "{} /my/account, suite vs stock"),
        ("my_account_1000_groups", "{} /my/account, suite with 1,000 groups vs stock"),
    ):
        r = results.get(key, {})
        for method, prefix, target in (
            ("GET", "", "<= 1.10"),
            ("POST (a save, the stock form)", "post_", "<= 1.10"),
            ("POST (a save, the suite's form of 16 fields)", "post_suite_form_", "-"),
        ):
            if f"{prefix}ratio" in r:
                rows.append(
                    (label.format(method), target,
                     f"{r[prefix + 'addon_median_ms']} vs "
                     f"{r[prefix + 'stock_median_ms']} ms: {r[prefix + 'ratio']}")
                )  # fmt: skip
    for mode in ("no_password", "password_confirmed"):
        r = get("switch", "round_trip", mode)
        if r:
            login = (
                f"; Odoo's own login (the same password check) "
                f"{r['login']['median_ms']} ms: {r['login_ratio']}x /my, the switch "
                f"{r['switch_vs_login']}x the login"
                if "login" in r
                else ""
            )
            rows.append(
                (f"Switch round trip ({mode.replace('_', ' ')}) vs GET /my", "<= 2x",
                 f"{r['switch_round_trip']['median_ms']} vs "
                 f"{r['my_page']['median_ms']} ms: {r['ratio']}x{login}")
            )  # fmt: skip
    r = results.get("switch_totp", {})
    if "ratio" in r:
        rows.append(
            ("Switch with TOTP vs password only (round trip, password confirmed)",
             "<= 1.10",
             f"{r['with_totp']['median_ms']} vs {r['password_only']['median_ms']} "
             f"ms: {r['ratio']}")
        )  # fmt: skip
    r = get("switch", "storm")
    if r:
        rows.append(
            (f"Internal users' JSON-RPC during a switch storm "
             f"({r['cycles_per_minute_during_storm']} switch+revert/min) vs calm",
             "<= 1.10",
             f"{r['storm']['median_ms']} vs {r['calm']['median_ms']} ms: {r['ratio']} "
             f"(per round: {', '.join(map(str, r['suite']['ratio_per_round']))}; "
             f"{r['suite']['default_signals_per_cycle']} cache signals per cycle)")
        )  # fmt: skip
        for kind, label in STORM_CONTROLS:
            c = r.get(kind)
            if c:
                rows.append(
                    (f"Same run, control: {label} "
                     f"({c['cycles_per_minute']}/min) vs calm", "-",
                     f"{c['rpc']['median_ms']} ms: {c['ratio']} (per round: "
                     f"{', '.join(map(str, c['ratio_per_round']))}; "
                     f"{c['default_signals_per_cycle']} cache signals per cycle)")
                )  # fmt: skip
    rows += cron_rows(results)
    r = get("switch", "closed_browsers")
    if r.get("reverted"):
        rows.append(
            (f"Revert after the idle deadline, {r['switched']} closed browsers",
             "p99 <= 5 s",
             f"p50 {r['late_p50_s']} s, p99 {r['late_p99_s']} s, max "
             f"{r['late_max_s']} s ({r['reverted']}/{r['switched']} reverted)")
        )  # fmt: skip
    r = results.get("install", {})
    if "suite_only_s" in r:
        rows.append(
            ("Install of the three addons on a fresh database (no demo)", "-",
             f"{r['suite_with_dependencies_s']} s with dependencies, "
             f"{r['dependencies_s']} s dependencies alone: {r['suite_only_s']} s")
        )  # fmt: skip
    out = ["| Benchmark | Target | Result |", "| --- | --- | --- |"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests")
    parser.add_argument("--only", help="comma-separated benchmark names")
    args = parser.parse_args()
    selected = benchmarks(args.quick)
    if args.only:
        selected = {k: v for k, v in selected.items() if k in args.only.split(",")}
    path = os.path.join(LOCAL, "bench-results.json")
    results = {}
    if args.only and os.path.exists(path):
        with open(path) as previous:
            results = json.load(previous)
    results["machine"] = machine()
    for name, bench_args in selected.items():
        results[name] = run(name, bench_args)
        with open(path, "w") as out:
            json.dump(results, out, indent=1)
    print(f"\nmachine: {json.dumps(results['machine'])}\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
