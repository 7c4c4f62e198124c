"""`make upgrade-test`: the suite's data survives an upgrade from its first release.

1. `git worktree add` of the released commit (UPGRADE_FROM, default cfaf07c: 17.0.1.0.0)
   in a temporary directory;
2. a fresh database with the addons of that release installed, with demo data;
3. a portal user switched to internal (and a Portal Access Group) at that version,
   then a dump of the suite's data: every stored field the suite's addons define (on
   their own models and on the models they extend), all records (archived ones too),
   and the suite's system parameters;
4. `-u` of the addons with this checkout's code (migration scripts run here: each
   addon's manifest version must then be higher than the released one);
5. the same dump again, compared: a field or value that is gone or changed is reported,
   unless tools/upgrade_expected.json declares it, per addon: a field renamed by a
   migration script ("renamed_fields": {"model.old": "model.new"}), a field dropped on
   purpose ("dropped_fields"), a parameter renamed ("renamed_params"), values changed on
   purpose ("changed_values": {"model.field": {"record id": "why"}}), a stored
   computed field whose values change ("recomputed_fields": {"model.field": "why"}),
   a one2many/many2many that may only gain records ("grown_fields": ["model.field"]).

6. the switch opened before the upgrade still reverts (Revert now) to exactly the
   groups the user had.

Exits non-zero on any unexpected difference, on an ERROR in Odoo's log, or when an
addon's version was not raised although its data changed. Last line: "N passed, N
failed".
"""

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / os.environ.get("LOCAL_DIR", ".local")  # relative: to the checkout
VENV_PY = ROOT / os.environ.get("VENV", ".venv") / "bin" / "python"
ADDONS = ["access_right_template", "user_dynamic_management", "portal_field_access"]
EXPECTED = ROOT / "tools" / "upgrade_expected.json"
BAD_LOG = (" ERROR ", " CRITICAL ")

# Run inside `odoo shell` (stdin): prints the dump as one JSON line.
DUMP_SCRIPT = r"""
import json
addons = ADDONS_PLACEHOLDER
skip = {"id", "create_uid", "create_date", "write_uid", "write_date", "__last_update"}
imd = env["ir.model.data"].sudo().search(
    [("module", "in", addons), ("model", "=", "ir.model.fields")]
)
fields = env["ir.model.fields"].sudo().browse(imd.mapped("res_id")).exists()
dump = {"fields": {}, "params": {}, "versions": {}}
for mod in env["ir.module.module"].sudo().search([("name", "in", addons)]):
    dump["versions"][mod.name] = mod.latest_version
by_model = {}
for field in fields:
    if field.store and field.name not in skip and field.ttype != "binary":
        by_model.setdefault(field.model, []).append(field.name)
for model, names in sorted(by_model.items()):
    if model not in env:
        continue
    Model = env[model].sudo().with_context(active_test=False, prefetch_fields=False)
    names = [n for n in names if n in Model._fields and Model._fields[n].store]
    records = Model.search([], order="id")
    for name in sorted(names):
        field = Model._fields[name]
        values = {}
        for rec in records:
            value = rec[name]
            if field.type in ("many2one",):
                value = value.id or None
            elif field.type in ("one2many", "many2many"):
                value = sorted(value.ids)
            elif field.type in ("date", "datetime"):
                value = value and str(value)
            elif field.type in ("html",):
                value = value and str(value)
            values[str(rec.id)] = value
        dump["fields"][f"{model}.{name}"] = values
prefixes = tuple(f"{a}." for a in addons)
for param in env["ir.config_parameter"].sudo().search([]):
    if param.key.startswith(prefixes):
        dump["params"][param.key] = param.value
env.cr.rollback()
print("UPGRADE-DUMP " + json.dumps(dump, sort_keys=True, default=str))
"""


# Run at the released version, with its API (a fixed commit: this never changes): the
# state an upgrade must carry over, beyond demo data. A portal user is switched to
# internal at upgrade time, and a Portal Access Group grants rights.
SEED_SCRIPT = r"""
import json
from odoo import Command
portal = env.ref("base.group_portal")
Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
switcher = Users.create({
    "name": "Upgrade Switcher", "login": "upgrade_switcher",
    "groups_id": [Command.set([portal.id])], "allow_portal_access_internal": True,
    "enable_idle_time": True, "idle_time": 30,
})
reader = Users.create({
    "name": "Upgrade Reader", "login": "upgrade_reader",
    "groups_id": [Command.set([portal.id])],
})
groups_before = sorted(switcher.groups_id.ids)
switch = switcher._udm_switch_to_internal(ip_address="127.0.0.1", user_agent="upgrade")
env["portal.access.group"].create({
    "name": "Upgrade test group",
    "user_ids": [Command.link(reader.id)],
    "line_ids": [
        Command.create({"field_name": "login", "perm_read": True}),
        Command.create({"field_name": "street2", "perm_write": True}),
    ],
})
env.cr.commit()
seed = {"switcher": switcher.id, "switch": switch.id, "groups_before": groups_before}
print("UPGRADE-SEED " + json.dumps(seed))
"""

# Run after the upgrade, with this checkout's code: the switch opened before the upgrade
# still reverts to exactly the groups the user had (rolled back afterwards).
CHECK_SCRIPT = r"""
import json
seed = SEED_PLACEHOLDER
switcher = env["res.users"].browse(seed["switcher"])
switch = env["portal.internal.switch"].browse(seed["switch"])
problems = []
if switch.state != "active" or switcher.share:
    problems.append(f"the switch is {switch.state}, user share={switcher.share}")
try:
    switch.action_revert_now()
except Exception as exc:  # reported as a failure of the test, with the error
    problems.append(f"Revert now failed: {exc!r}")
if not switcher.share or sorted(switcher.groups_id.ids) != seed["groups_before"]:
    problems.append(
        f"after Revert now: share={switcher.share}, groups "
        f"{sorted(switcher.groups_id.ids)} instead of {seed['groups_before']}"
    )
env.cr.rollback()
print("UPGRADE-CHECK " + json.dumps(problems))
"""


def log(msg):
    print(f"[upgrade-test] {msg}", flush=True)


def conf_path():
    user_conf = ROOT / "odoo.conf"
    return user_conf if user_conf.exists() else LOCAL / "odoo.conf"


def odoo_env():
    values = {}
    for line in (LOCAL / "odoo.env").read_text().splitlines():
        key, _, value = line.partition("=")
        values[key] = value.strip("'")
    return values


def run_odoo(args, log_path, stdin=None):
    env = odoo_env()
    cmd = [str(VENV_PY), env["ODOO_BIN"], *args]
    with open(log_path, "w") as out:
        proc = subprocess.run(
            cmd,
            input=stdin,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tempfile.gettempdir(),
            check=False,
        )
    text = Path(log_path).read_text()
    bad = [
        line
        for line in text.splitlines()
        if any(tag in line for tag in BAD_LOG) and line[:4].isdigit()
    ]
    return proc.returncode, text, bad


def shell(common, log_path, script, tag):
    """Runs script in `odoo shell`; returns the JSON it printed after `tag`."""
    rc, text, bad = run_odoo(
        ["shell", *common, "--no-http", "--log-level=warn"], log_path, stdin=script
    )
    for line in text.splitlines():
        if line.startswith(f"{tag} "):
            return json.loads(line[len(tag) + 1 :])
    raise SystemExit(f"{tag}: no result (rc={rc}):\n{text[-3000:]}")


def dump(common, log_path):
    script = DUMP_SCRIPT.replace("ADDONS_PLACEHOLDER", repr(ADDONS))
    return shell(common, log_path, script, "UPGRADE-DUMP")


def version_tuple(version):
    return tuple(int(x) for x in version.split("."))


def compare(before, after, expected):
    """Returns the list of unexpected differences (strings)."""
    problems = []
    renamed = expected.get("renamed_fields", {})
    dropped = set(expected.get("dropped_fields", []))
    changed = expected.get("changed_values", {})
    recomputed = expected.get("recomputed_fields", {})  # any value may change: why
    grown = set(expected.get("grown_fields", []))  # x2many: old ids must all remain
    for key, old_values in sorted(before["fields"].items()):
        if key in dropped:
            continue
        new_key = renamed.get(key, key)
        if new_key not in after["fields"]:
            problems.append(
                f"field {key} is gone after the upgrade: {len(old_values)} record(s) "
                "had a value (rename it in a migration script and declare it in "
                "tools/upgrade_expected.json)"
            )
            continue
        new_values = after["fields"][new_key]
        if new_key in recomputed:
            continue
        allowed = changed.get(new_key, {})
        for rec_id, old in old_values.items():
            if rec_id not in new_values:
                problems.append(f"{new_key}: record {rec_id} is gone")
            elif new_key in grown and set(old) <= set(new_values[rec_id]):
                continue
            elif new_values[rec_id] != old and str(rec_id) not in allowed:
                new = new_values[rec_id]
                problems.append(f"{new_key}: record {rec_id} was {old!r}, now {new!r}")
    renamed_params = expected.get("renamed_params", {})
    for key, old in sorted(before["params"].items()):
        new_key = renamed_params.get(key, key)
        if after["params"].get(new_key) != old:
            problems.append(
                f"system parameter {key}: was {old!r}, now "
                f"{after['params'].get(new_key)!r} (as {new_key})"
            )
    return problems


def manifest_version(addon, tree):
    return ast.literal_eval((Path(tree) / addon / "__manifest__.py").read_text())[
        "version"
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="base", default="cfaf07c")
    parser.add_argument("--db", default="portal_suite_upgrade")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    t0 = time.time()
    per_addon = json.loads(EXPECTED.read_text()) if EXPECTED.exists() else {}
    expected = {}  # the declarations of all addons, merged
    for declarations in per_addon.values():
        for section, items in declarations.items():
            if isinstance(items, dict):
                expected.setdefault(section, {}).update(items)
            elif isinstance(items, list):
                expected.setdefault(section, []).extend(items)
    env = odoo_env()
    core = f"{env['ODOO_SRC']}/odoo/addons,{env['ODOO_SRC']}/addons"
    conf = str(conf_path())
    work = Path(tempfile.mkdtemp(prefix="suite-upgrade-"))
    base = work / "base"
    subprocess.run(
        [
            "git",
            "-C",
            str(ROOT),
            "worktree",
            "add",
            "--detach",
            "-q",
            str(base),
            args.base,
        ],
        check=True,
    )
    failures, passed = [], 0
    try:
        dbutil = [str(VENV_PY), str(ROOT / "tools" / "dbutil.py"), conf]
        subprocess.run([*dbutil, "drop", args.db], check=True)
        port = subprocess.run(
            [*dbutil, "freeport"], check=True, capture_output=True, text=True
        ).stdout.strip()
        common = ["-c", conf, "-d", args.db, f"--db-filter=^{args.db}$",
                  f"--data-dir={work / 'data'}"]  # fmt: skip
        server = ["--stop-after-init", "--workers=0", "--max-cron-threads=0",
                  f"--http-port={port}", "--log-level=warn"]  # fmt: skip

        log(f"installing the addons of {args.base} (with demo data) on {args.db}")
        rc, text, bad = run_odoo(
            [*common, f"--addons-path={core},{base}", "-i", ",".join(ADDONS), *server],
            work / "install.log",
        )
        if rc or bad:
            raise SystemExit(f"install of {args.base} failed:\n" + "\n".join(bad[:20]))
        old_code = [*common, f"--addons-path={core},{base}"]
        seed = shell(old_code, work / "seed.log", SEED_SCRIPT, "UPGRADE-SEED")
        log(f"a portal user switched to internal at the released version: {seed}")
        before = dump(old_code, work / "dump1.log")
        log(
            f"released data: {len(before['fields'])} fields, "
            f"{len(before['params'])} parameters, versions {before['versions']}"
        )

        log("upgrading to this checkout's code (-u)")
        rc, text, bad = run_odoo(
            [*common, f"--addons-path={core},{ROOT}", "-u", ",".join(ADDONS), *server],
            work / "upgrade.log",
        )
        if rc or bad:
            failures.append(
                "the upgrade logged errors:\n  "
                + "\n  ".join(bad[:20] or [text[-2000:]])
            )
        else:
            passed += 1
        new_code = [*common, f"--addons-path={core},{ROOT}"]
        after = dump(new_code, work / "dump2.log")
        check = CHECK_SCRIPT.replace("SEED_PLACEHOLDER", repr(seed))
        problems = shell(new_code, work / "check.log", check, "UPGRADE-CHECK")
        if problems:
            failures.append(
                "the switch opened before the upgrade: " + "; ".join(problems)
            )
        else:
            passed += 1
        log(
            "the switch opened before the upgrade reverts exactly: " + str(not problems)
        )

        problems = compare(before, after, expected)
        if problems:
            failures.append(
                "data lost or changed by the upgrade:\n  " + "\n  ".join(problems)
            )
        else:
            passed += 1
        log(
            f"data compared: {len(before['fields'])} fields, {len(problems)} problem(s)"
        )

        # a data change needs a migration script, which runs only on a version bump
        for addon in ADDONS:
            old, new = manifest_version(addon, base), manifest_version(addon, ROOT)
            if version_tuple(new) < version_tuple(old):
                failures.append(f"{addon}: version went down ({old} -> {new})")
            declared = any(
                per_addon.get(addon, {}).get(section)
                for section in ("renamed_fields", "dropped_fields", "renamed_params")
            )
            if (ROOT / addon / "migrations").is_dir() and new == old:
                failures.append(
                    f"{addon} has migrations/ but its version is still {old}"
                )
            elif declared and new == old:
                failures.append(f"{addon}: data changes declared but version is {old}")
            else:
                passed += 1
            log(f"{addon}: {old} -> {after['versions'].get(addon)} (manifest {new})")
    finally:
        if not args.keep:
            subprocess.run(
                [
                    str(VENV_PY),
                    str(ROOT / "tools" / "dbutil.py"),
                    conf,
                    "drop",
                    args.db,
                ],
                check=False,
            )
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
            check=False,
        )
        log(f"logs in {work}")
    for failure in failures:
        print(f"FAILED: {failure}")
    print(f"\nupgrade test: {time.time() - t0:.0f} s")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
