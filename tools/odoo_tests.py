"""`make test-odoo`: Odoo's own tests of the modules the suite changes, run against the
suite.

Why a runner of its own: with `-i ... --test-enable` Odoo runs a module's at_install
tests right after that module is loaded (odoo/modules/loading.py), so the at_install
tests of base, mail, portal... never see the suite's addons, which load later. Here the
registry of a database where everything is already installed is loaded first, then the
same test classes are built and run with odoo.tests.loader's logic (at_install with
module.current_test set, then post_install), browser tours included.

Two databases with demo data, the way Odoo's own CI runs these tests:
  A  the suite's three addons + partner_firstname + the modules below
  B  the same modules minus the suite (partner_firstname included, to tell its effects
     apart from ours)
A failure only in A is a defect of the suite. A probe test, run in the same context as
base's at_install tests, proves which side sees the suite.

    python tools/odoo_tests.py            build both databases, run, print the A/B table
    python tools/odoo_tests.py --fast     without the browser tests (make test)
    python tools/odoo_tests.py --reuse    keep the databases if they exist
    python tools/odoo_tests.py --table    the last run's result per module (Markdown)
    python tools/odoo_tests.py --run-db DB --expect-suite yes --json out.json  (a side)

Exit status: non-zero when a test fails only with the suite, when the probe fails, or
when a test is skipped (a tour without Chromium must not pass silently).
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import unittest
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCAL = os.environ.get("LOCAL_DIR", os.path.join(ROOT, ".local"))
VENV_PY = os.path.join(
    os.environ.get("VENV", os.path.join(ROOT, ".venv")), "bin", "python"
)

SUITE = ["access_right_template", "user_dynamic_management", "portal_field_access"]
COMMON = ["partner_firstname", "mail", "portal", "auth_signup", "auth_totp_portal"]
# module -> test files (None: all of them)
SELECTION = {
    "base": [
        "test_res_users",
        "test_user_has_group",
        "test_acl",
        "test_ir_http",
        "test_res_partner",
    ],
    "mail": ["test_res_users", "test_res_partner"],
    "portal": None,
    "auth_signup": None,
    "auth_totp": None,
    "auth_totp_portal": None,
}
DB_A = "odoo_tests_with_suite"
DB_B = "odoo_tests_without_suite"
PROBE_ID = "probe.SuiteVisibilityProbe"
# how many times a class failing only with the suite is run again before it counts
RERUNS = 2


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _conf():
    user_conf = os.path.join(ROOT, "odoo.conf")
    return user_conf if os.path.exists(user_conf) else os.path.join(LOCAL, "odoo.conf")


def _addons_path():
    with open(os.path.join(LOCAL, "odoo.env")) as env:
        match = re.search(r"ODOO_ADDONS_PATH='([^']*)'", env.read())
    return match.group(1)


# ---------------------------------------------------------------------------
# One side, in this process
# ---------------------------------------------------------------------------


def _recording_result_class():
    from odoo.tests.result import OdooTestResult

    class RecordingResult(OdooTestResult):
        """OdooTestResult that also remembers the outcome of every test, by class."""

        def __init__(self):
            super().__init__()
            self.by_class = defaultdict(
                lambda: {"tests": 0, "failed": [], "skipped": [], "seconds": 0.0}
            )
            self._started = None

        @staticmethod
        def _class_id(test):
            test = getattr(test, "test_case", None) or test  # subtests
            if isinstance(test, unittest.TestCase):
                return f"{test.__class__.__module__}.{test.__class__.__qualname__}"
            # a setUpClass/module error holder: "setUpClass (module.Class)"
            match = re.search(r"\(([\w.]+)\)", str(test))
            return match.group(1) if match else str(test)

        @staticmethod
        def _name(test):
            test = getattr(test, "test_case", None) or test
            return getattr(test, "_testMethodName", str(test))

        def startTest(self, test):
            super().startTest(test)
            self.by_class[self._class_id(test)]["tests"] += 1
            self._started = time.time()

        def stopTest(self, test):
            super().stopTest(test)
            if self._started:
                self.by_class[self._class_id(test)]["seconds"] += (
                    time.time() - self._started
                )

        def addError(self, test, err):
            super().addError(test, err)
            self.by_class[self._class_id(test)]["failed"].append(self._name(test))

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self.by_class[self._class_id(test)]["failed"].append(self._name(test))

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            self.by_class[self._class_id(test)]["skipped"].append(
                f"{self._name(test)}: {reason}"
            )

    return RecordingResult


def _probe_class(expect_suite):
    from odoo.tests import TransactionCase

    class SuiteVisibilityProbe(TransactionCase):
        """Runs next to base's at_install tests: shows which registry they test."""

        def test_suite_visibility(self):
            env = self.env
            installed = set(
                env["ir.module.module"]
                .search([("state", "=", "installed")])
                .mapped("name")
            )
            visible = {
                # the suite's models are in the registry the tests use
                "portal.internal.switch" in env,
                # the suite's fields are on res.users
                "allow_portal_access_internal" in env["res.users"]._fields,
                # and its request hook is in ir.http's class hierarchy
                any(
                    cls.__module__.startswith("odoo.addons.user_dynamic_management")
                    for cls in type(env["ir.http"]).__mro__
                ),
            }
            self.assertEqual(set(SUITE) <= installed, expect_suite, installed)
            self.assertEqual(visible, {expect_suite}, "suite visibility")
            self.assertIn("partner_firstname", installed)
            self.assertIn("firstname", env["res.partner"]._fields)

    SuiteVisibilityProbe.test_tags = {"standard", "at_install"}
    SuiteVisibilityProbe.test_module = "base"
    SuiteVisibilityProbe.test_class = "SuiteVisibilityProbe"
    SuiteVisibilityProbe.test_sequence = 0
    SuiteVisibilityProbe.__module__ = "probe"
    SuiteVisibilityProbe.__qualname__ = "SuiteVisibilityProbe"
    return SuiteVisibilityProbe


def _selected_tests(module, files):
    from odoo.tests import loader

    for test_module in loader.get_test_modules(module):
        if files is None or test_module.__name__.rsplit(".", 1)[1] in files:
            yield from loader.unwrap_suite(
                unittest.TestLoader().loadTestsFromModule(test_module)
            )


def _run(suite, result, module_name):
    """odoo.tests.loader.run_suite, with our result object."""
    from odoo.modules import module

    module.current_test = module_name
    threading.current_thread().testing = True
    try:
        suite(result)
    finally:
        threading.current_thread().testing = False
        module.current_test = None


def run_db(db, expect_suite, json_path, fast=False, only=None):
    import odoo
    from odoo.tests import HttpCase, loader
    from odoo.tests.suite import OdooSuite
    from odoo.tests.tag_selector import TagsSelector
    from odoo.tools import config

    # no --test-enable (it would run tests while loading) and no --db-filter (web's
    # health test mocks it)
    config.parse_config(
        [
            "-c", _conf(), f"--addons-path={_addons_path()}",
            "-d", db, f"--http-port={_free_port()}", f"--gevent-port={_free_port()}",
            "--workers=0", "--max-cron-threads=0", "--log-level=warn",
        ]
    )  # fmt: skip
    # what odoo-bin does before preloading a registry
    odoo.service.server.load_server_wide_modules()
    threading.current_thread().dbname = db
    server = odoo.service.server.ThreadedServer(odoo.http.root)
    server.http_spawn()
    registry = odoo.modules.registry.Registry.new(db, update_module=False)
    config["test_enable"] = True
    config["test_tags"] = "+standard"
    tags = TagsSelector(config["test_tags"])
    installed = set(registry._init_modules)
    result = _recording_result_class()()
    t0 = time.time()
    probe = _probe_class(expect_suite)
    post = []
    for module_name, files in SELECTION.items():
        if module_name not in installed:
            raise SystemExit(f"{module_name} is not installed in {db}")
        tests = list(_selected_tests(module_name, files))
        if module_name == "base":
            tests += unittest.TestLoader().loadTestsFromTestCase(probe)
        if fast:
            tests = [t for t in tests if not isinstance(t, HttpCase)]
        if only:
            tests = [
                t
                for t in tests
                if f"{t.__class__.__module__}.{t.__class__.__qualname__}" in only
                or t.__class__ is probe
            ]
        at_install = TagsSelector("at_install")
        post += [
            t for t in tests if TagsSelector("post_install").check(t) and tags.check(t)
        ]
        suite = OdooSuite(
            sorted(
                (t for t in tests if at_install.check(t) and tags.check(t)),
                key=lambda t: t.test_sequence,
            )
        )
        print(f"[{db}] {module_name}: {suite.countTestCases()} at_install", flush=True)
        _run(suite, result, module_name)
    post_suite = OdooSuite(sorted(post, key=lambda t: t.test_sequence))
    if post_suite.has_http_case():
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["ir.qweb"]._pregenerate_assets_bundles()
    print(f"[{db}] post_install: {post_suite.countTestCases()}", flush=True)
    _run(post_suite, result, None)
    del loader  # imported for its side effects on odoo.tests only
    seconds = time.time() - t0
    with open(json_path, "w") as out:
        json.dump({"seconds": seconds, "classes": result.by_class}, out, indent=1)
    print(f"[{db}] {result} in {seconds:.0f} s", flush=True)
    server.stop()
    return 0


def _load_result(db):
    """The JSON result a side's run left in .local/."""
    with open(os.path.join(LOCAL, f"{db}.json")) as data:
        return json.load(data)


def markdown_table(a, b):
    """The A/B result per module, as the README shows it (Markdown)."""
    modules = defaultdict(lambda: {"tests": [0, 0], "failed": [[], []]})
    for side, data in enumerate((a, b)):
        for class_id, res in data["classes"].items():
            if class_id == PROBE_ID:
                continue
            row = modules[class_id.split(".")[2]]
            row["tests"][side] += res["tests"]
            row["failed"][side] += [f"{_short(class_id)}.{n}" for n in res["failed"]]
    lines = [
        "| Odoo module | tests (A / B) | failed with the suite (A) "
        "| failed without (B) | failed only with the suite |",
        "| --- | --- | --- | --- | --- |",
    ]
    for module, row in sorted(modules.items()):
        only_a = sorted(set(row["failed"][0]) - set(row["failed"][1]))
        lines.append(
            f"| {module} | {row['tests'][0]} / {row['tests'][1]} "
            f"| {len(row['failed'][0])} | {len(row['failed'][1])} "
            f"| {', '.join(only_a) or 'none'} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Orchestration: build the databases, run both sides, compare
# ---------------------------------------------------------------------------


def _db_exists(db):
    return (
        subprocess.run(
            [VENV_PY, os.path.join(ROOT, "tools", "dbutil.py"), _conf(), "exists", db],
            check=False,
        ).returncode
        == 0
    )


def build_db(db, modules, wait=True):
    """Install `modules` (with demo data) on a new database `db`."""
    subprocess.run(
        [VENV_PY, os.path.join(ROOT, "tools", "dbutil.py"), _conf(), "drop", db],
        check=True,
    )
    cmd = [
        os.path.join(ROOT, "tools", "odoo.sh"),
        "-d", db, "-i", ",".join(modules), "--stop-after-init",
        f"--http-port={_free_port()}", "--workers=0", "--max-cron-threads=0",
        "--log-level=warn",
    ]  # fmt: skip
    started = time.time()
    proc = subprocess.Popen(cmd)
    if wait and proc.wait():
        raise SystemExit(f"installing {modules} on {db} failed")
    return proc, db, started


def _short(class_id):
    parts = class_id.split(".")
    # odoo.addons.<module>.tests.<file>.<Class>
    return f"{parts[2]}.{parts[-2]}.{parts[-1]}" if len(parts) >= 6 else class_id


def compare(a, b):
    """Print the A/B table; return the classes failing only with the suite."""
    rows = sorted(set(a["classes"]) | set(b["classes"]))
    width = max(len(_short(r)) for r in rows)
    print(f"\n{'class':<{width}}  tests  fail A  fail B  skipped")
    totals = [0, 0, 0, 0, 0]
    only_a, skipped = [], []
    for row in rows:
        ra = a["classes"].get(row, {"tests": 0, "failed": [], "skipped": []})
        rb = b["classes"].get(row, {"tests": 0, "failed": [], "skipped": []})
        skips = ra["skipped"] + rb["skipped"]
        print(
            f"{_short(row):<{width}}  {ra['tests']:>5}  {len(ra['failed']):>6}"
            f"  {len(rb['failed']):>6}  {len(skips):>7}"
        )
        totals[0] += ra["tests"]
        totals[1] += len(ra["failed"])
        totals[2] += len(rb["failed"])
        totals[3] += len(skips)
        totals[4] += rb["tests"]
        new = sorted(set(ra["failed"]) - set(rb["failed"]))
        if new and row != PROBE_ID:
            only_a.append((row, new))
        skipped += [f"{_short(row)}.{s}" for s in skips]
    label = f"total (A / B tests: {totals[0]} / {totals[4]})"
    print(
        f"{label:<{width}}  {totals[0]:>5}  {totals[1]:>6}  {totals[2]:>6}"
        f"  {totals[3]:>7}"
    )
    for side, data in (("A", a), ("B", b)):
        for row, res in sorted(data["classes"].items()):
            for name in res["failed"]:
                print(f"  failed in {side}: {_short(row)}.{name}")
    for s in skipped:
        print(f"  SKIPPED (counted as failure): {s}")
    return only_a, skipped


def _launch_side(db, expect, fast, only, tag):
    """Start one side's run in a subprocess; return (process, json path, log path)."""
    out = os.path.join(LOCAL, f"{db}{tag}.json")
    log_path = os.path.join(LOCAL, f"{db}{tag}.log")
    if os.path.exists(out):
        os.unlink(out)
    cmd = [
        VENV_PY, os.path.abspath(__file__), "--run-db", db,
        "--expect-suite", expect, "--json", out,
    ]  # fmt: skip
    if fast:
        cmd.append("--fast")
    if only:
        cmd += ["--only", ",".join(only)]
    log = open(log_path, "w")  # noqa: SIM115 (closed when the process is collected)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    proc.log_file = log
    return proc, out, log_path


def run_sides(sides, fast, only=None, tag=""):
    """Run the sides side by side (one process each); return their results or None."""
    running = [_launch_side(db, expect, fast, only, tag) for db, _m, expect in sides]
    results = []
    for (db, _m, _e), (proc, out, log_path) in zip(sides, running, strict=True):
        proc.wait()
        proc.log_file.close()
        if proc.returncode or not os.path.exists(out):
            with open(log_path) as log:
                print(log.read()[-5000:])
            print(f"the run on {db} crashed (rc={proc.returncode}), log: {log_path}")
            return None
        with open(out) as data:
            results.append(json.load(data))
        print(f"[{db}] tests run in {results[-1]['seconds']:.0f} s, log: {log_path}")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-db", help="run the tests on this database (one side)")
    parser.add_argument("--expect-suite", choices=["yes", "no"], default="yes")
    parser.add_argument("--json")
    parser.add_argument("--only", help="class ids to run (comma-separated)")
    parser.add_argument(
        "--fast",
        action="store_true",
        help="without the browser tests (HttpCase classes): what `make test` runs",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the databases if they exist"
    )
    parser.add_argument(
        "--table",
        action="store_true",
        help="print the last run's A/B result per module as a Markdown table",
    )
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    if args.table:
        print(markdown_table(*(_load_result(db) for db in (DB_A, DB_B))))
        return 0
    if args.run_db:
        return run_db(
            args.run_db, args.expect_suite == "yes", args.json, args.fast, only
        )

    t0 = time.time()
    sides = ((DB_A, SUITE + COMMON, "yes"), (DB_B, COMMON, "no"))
    builds = [
        build_db(db, modules, wait=False)
        for db, modules, _expect in sides
        if not (args.reuse and _db_exists(db))
    ]
    for proc, db, started in builds:
        if proc.wait():
            print(f"installing the modules on {db} failed")
            return 1
        print(f"[{db}] modules installed in {time.time() - started:.0f} s")
    results = run_sides(sides, args.fast)
    if results is None:
        return 1
    only_a, skipped = compare(*results)
    flaky = []
    for attempt in range(1, RERUNS + 1):
        if not only_a:
            break
        # a browser tour can time out on a loaded machine (auth_totp's did, on
        # either side): run those classes again on both sides; only a failure that
        # repeats with the suite alone is a defect
        print("\nre-running the classes that failed only with the suite:")
        rows = [row for row, _n in only_a]
        again = run_sides(sides, args.fast, rows, f"-rerun{attempt}")
        if again is None:
            return 1
        still, _skipped = compare(*again)
        flaky += [row for row in rows if row not in dict(still)]
        only_a = still
    probe_ok = all(
        not r["classes"].get(PROBE_ID, {"failed": ["missing"]})["failed"]
        for r in results
    )
    print(
        f"\nprobe: {'the suite is visible in A only' if probe_ok else 'FAILED'}; "
        f"whole run {time.time() - t0:.0f} s"
    )
    for row in flaky:
        print(f"flaky (failed with the suite, passed when run again): {_short(row)}")
    for row, names in only_a:
        print(f"DEFECT (fails only with the suite): {_short(row)}: {', '.join(names)}")
    return 1 if only_a or skipped or not probe_ok else 0


if __name__ == "__main__":
    sys.exit(main())
