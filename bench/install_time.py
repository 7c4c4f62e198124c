"""Benchmark: installing the three addons on a fresh database.

Not a timed test: it prints figures (JSON on the last line). Two fresh databases
without demo data, installed one after the other:

- ``<prefix>_deps``: only what the suite depends on (base_setup, bus, portal,
  partner_firstname and their dependencies);
- ``<prefix>_suite``: the three addons (and the same dependencies).

The difference is what the suite itself costs at install time.

Usage: .venv/bin/python bench/install_time.py [--prefix install_bench]
"""

import argparse
import json
import os
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_SH = os.path.join(ROOT, "tools", "odoo.sh")
PY = os.path.join(ROOT, ".venv", "bin", "python")
DBUTIL = os.path.join(ROOT, "tools", "dbutil.py")
CONF = os.path.join(ROOT, ".local", "odoo.conf")
DEPENDENCIES = "base_setup,bus,portal,partner_firstname"
SUITE = "access_right_template,user_dynamic_management,portal_field_access"


def install(db, modules):
    subprocess.run([PY, DBUTIL, CONF, "drop", db], check=True)
    start = time.perf_counter()
    subprocess.run(
        [ODOO_SH, "-d", db, "-i", modules, "--without-demo=all", "--stop-after-init",
         "--log-level=warn", "--http-port=8397", "--workers=0",
         "--max-cron-threads=0"],
        check=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    subprocess.run([PY, DBUTIL, CONF, "drop", db], check=True)
    return round(elapsed, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", default="install_bench")
    args = parser.parse_args()
    deps = install(f"{args.prefix}_deps", DEPENDENCIES)
    suite = install(f"{args.prefix}_suite", SUITE)
    print(
        json.dumps(
            {
                "dependencies_s": deps,
                "suite_with_dependencies_s": suite,
                "suite_only_s": round(suite - deps, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
