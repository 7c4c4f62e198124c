"""`make test`: every addon's tests through Odoo's runner, then tests/ with pytest.

Odoo part: a fresh database (no demo data), the suite's addons installed with
--test-enable, at_install and post_install tests of those addons (browser tours
included). A skipped test counts as a failure: a tour that cannot find Chromium must
not pass silently. Any ERROR/CRITICAL log line is a failure too (as in OCA CI).

The last line printed is "N passed, N failed" over both parts; the exit status is
non-zero on any failure.
"""

import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCAL = os.environ.get("LOCAL_DIR", os.path.join(ROOT, ".local"))
VENV_PY = os.path.join(
    os.environ.get("VENV", os.path.join(ROOT, ".venv")), "bin", "python"
)

RESULT_RE = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
SKIP_RE = re.compile(r"\bskipped (\S+) : (.*)")
BAD_LOG_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")


def conf_path():
    user_conf = os.path.join(ROOT, "odoo.conf")
    return user_conf if os.path.exists(user_conf) else os.path.join(LOCAL, "odoo.conf")


def run_odoo_tests(addons, test_tags, db):
    conf = conf_path()
    subprocess.run(
        [VENV_PY, os.path.join(ROOT, "tools", "dbutil.py"), conf, "drop", db],
        check=True,
    )
    port = subprocess.run(
        [VENV_PY, os.path.join(ROOT, "tools", "dbutil.py"), conf, "freeport"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    cmd = [
        os.path.join(ROOT, "tools", "odoo.sh"),
        "-d", db, f"--db-filter=^{db}$",
        "-i", addons,
        "--without-demo=all",
        "--test-tags", test_tags,
        "--stop-after-init",
        "--log-level=test",
        f"--http-port={port}",
        "--workers=0",
        "--max-cron-threads=0",
    ]  # fmt: skip
    print("+", " ".join(cmd), flush=True)
    log_path = os.path.join(LOCAL, "test-odoo.log")
    tests = failed = errors = 0
    skipped, bad_lines = [], []
    with (
        open(log_path, "w") as log,
        subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        ) as proc,
    ):
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
            if m := RESULT_RE.search(line):
                failed, errors, tests = map(int, m.groups())
            elif m := SKIP_RE.search(line):
                skipped.append(f"{m.group(1)}: {m.group(2)}")
            elif BAD_LOG_RE.match(line):
                bad_lines.append(line.rstrip())
    rc = proc.returncode
    print(
        f"\nOdoo runner: {tests} tests, {failed} failed, {errors} error(s), "
        f"{len(skipped)} skipped (rc={rc})"
    )
    for s in skipped:
        print(f"  SKIPPED (counted as failure): {s}")
    if bad_lines and not (failed or errors):
        print(f"  {len(bad_lines)} ERROR/CRITICAL log line(s) outside tests, e.g.:")
        for line in bad_lines[:10]:
            print("   ", line[:300])
    bad = failed + errors + len(skipped)
    if not bad and (rc or bad_lines or not tests):
        bad = (
            1  # install failure, an error logged outside a test, or no test ran at all
        )
    return tests - min(tests, failed + errors + len(skipped)), bad


def run_pytest(paths, db):
    env = dict(os.environ, SUITE_TEST_DB=db, SUITE_ODOO_CONF=conf_path())
    out = subprocess.run(
        [VENV_PY, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfEs", *paths],
        check=False,
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    sys.stdout.write(out.stdout)
    summary = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    counts = {
        k: int(n)
        for n, k in re.findall(r"(\d+) (passed|failed|errors?|skipped)", summary)
    }
    passed = counts.get("passed", 0)
    bad = counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    bad += counts.get("skipped", 0)
    if out.returncode not in (0,) and not bad:
        bad = 1
    return passed, bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--addons",
        default=os.environ.get(
            "SUITE_ADDONS",
            "access_right_template,user_dynamic_management,portal_field_access",
        ),
    )
    parser.add_argument(
        "--tags", help="Odoo --test-tags (default: /<addon> for each addon)"
    )
    parser.add_argument("--db", default=os.environ.get("TEST_DB", "portal_suite_test"))
    parser.add_argument(
        "--no-pytest", action="store_true", help="only the Odoo runner part"
    )
    parser.add_argument(
        "--pytest-only", action="store_true", help="only the top-level pytest part"
    )
    parser.add_argument("pytest_paths", nargs="*", default=["tests"])
    args = parser.parse_args()
    addons = args.addons
    tags = args.tags or ",".join(f"/{a}" for a in addons.split(","))
    t0 = time.time()
    passed = failed = 0
    if not args.pytest_only:
        p, f = run_odoo_tests(addons, tags, args.db)
        passed, failed = passed + p, failed + f
    if not args.no_pytest:
        p, f = run_pytest(args.pytest_paths, args.db)
        passed, failed = passed + p, failed + f
    print(f"\nwhole run: {time.time() - t0:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
