#!/usr/bin/env bash
# `make wheel-test`: the addons as an integrator gets them with `pip install odoo-addon-<name>`.
#  1. builds the three wheels (tools/dist.sh);
#  2. creates a fresh virtualenv ($LOCAL_DIR/wheel-venv) with Odoo 17 (its requirements and
#     the source, as tools/setup.sh does) and installs the wheels into it with pip, which
#     pulls their dependencies (odoo-addon-partner_firstname, python-stdnum) from PyPI;
#  3. installs the addons on a fresh database with an addons path that holds Odoo's own
#     addons only (never this checkout), running access_right_template's tests from the
#     installed wheel, then checks that every addon was loaded from the virtualenv.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$SUITE_ROOT/tools/setup.sh"
source "$LOCAL_DIR/odoo.env"
WHEEL_DB="${WHEEL_DB:-portal_suite_wheels}"
WHEEL_VENV="$LOCAL_DIR/wheel-venv"
t0=$SECONDS

mapfile -t wheels < <("$SUITE_ROOT/tools/dist.sh")
log "built ${#wheels[@]} wheels: ${wheels[*]##*/}"

rm -rf "$WHEEL_VENV"
command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -m venv "$WHEEL_VENV"
PIP=("$WHEEL_VENV/bin/python" -m pip --disable-pip-version-check -q)
log "fresh virtualenv $WHEEL_VENV: Odoo 17 and its requirements"
{ "${PIP[@]}" install --upgrade pip wheel "setuptools<81" \
  && "${PIP[@]}" install -r "$ODOO_SRC/requirements.txt" \
  && "${PIP[@]}" install --no-deps -e "$ODOO_SRC" --config-settings editable_mode=compat; } \
    > "$LOCAL_DIR/wheel-venv.log" 2>&1 || { tail -30 "$LOCAL_DIR/wheel-venv.log" >&2; die "could not install Odoo 17 in $WHEEL_VENV"; }
log "pip install ${wheels[*]##*/}"
# websocket-client: not a dependency of the addons, but their browser tours need it
"${PIP[@]}" install "${wheels[@]}" "websocket-client>=1.0" 2> >(grep -v "^WARNING: Location" >&2)
"$WHEEL_VENV/bin/python" -m pip --disable-pip-version-check list 2>/dev/null | grep -E '^odoo-addon-' >&2

pg_started=$("$SUITE_ROOT/tools/pg.sh" start)
trap '[ "$pg_started" != started ] || "$SUITE_ROOT/tools/pg.sh" stop' EXIT
conf="$LOCAL_DIR/odoo.conf"; [ -f "$SUITE_ROOT/odoo.conf" ] && conf="$SUITE_ROOT/odoo.conf"
"$VENV/bin/python" "$SUITE_ROOT/tools/dbutil.py" "$conf" drop "$WHEEL_DB"
work=$(mktemp -d)
trap 'rm -rf "$work"; [ "$pg_started" != started ] || "$SUITE_ROOT/tools/pg.sh" stop' EXIT
core_path="$ODOO_SRC/odoo/addons,$ODOO_SRC/addons"   # not this checkout: addons come from the wheels
opts=(-c "$conf" --addons-path="$core_path" --data-dir="$work/data" -d "$WHEEL_DB" --db-filter="^$WHEEL_DB\$")

log "installing the addons from the wheels on database $WHEEL_DB (addons path: Odoo only)"
cd "$work"   # nothing of the checkout on sys.path either
port=$("$VENV/bin/python" "$SUITE_ROOT/tools/dbutil.py" "$conf" freeport)
"$WHEEL_VENV/bin/python" "$ODOO_BIN" "${opts[@]}" -i "${SUITE_ADDONS}" --without-demo=all --stop-after-init --workers=0 \
    --max-cron-threads=0 --http-port="$port" --test-enable --test-tags=/access_right_template \
    --log-level=test > "$work/install.log" 2>&1 || { tail -40 "$work/install.log" >&2; die "installing from the wheels failed"; }
if grep -E '^\S+ \S+ [0-9]+ (ERROR|CRITICAL) ' "$work/install.log" >&2; then
    die "errors in the log of the install from the wheels"
fi
if grep -E 'skipped \S+ : ' "$work/install.log" >&2; then   # e.g. a tour without Chromium
    die "tests were skipped in the install from the wheels"
fi
result=$(grep -Eo '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$work/install.log" | tail -1)
[[ "$result" =~ ^0\ failed,\ 0\ error\(s\)\ of\ ([1-9][0-9]*)\ tests$ ]] \
    || { tail -40 "$work/install.log" >&2; die "access_right_template's tests from its wheel: ${result:-none ran}"; }
log "access_right_template's tests, run from its wheel: $result"

# Smoke check, in Odoo's shell: installed, loaded from the wheel virtualenv, models usable.
SUITE_ROOT="$SUITE_ROOT" WHEEL_VENV="$WHEEL_VENV" SUITE_ADDONS="$SUITE_ADDONS" \
"$WHEEL_VENV/bin/python" "$ODOO_BIN" shell "${opts[@]}" --no-http --log-level=warn > "$work/smoke.log" 2>&1 <<'PY' || true
import os
from odoo import Command
from odoo.modules.module import get_module_path

root = os.path.realpath(os.environ["SUITE_ROOT"])
venv = os.path.realpath(os.environ["WHEEL_VENV"])
for name in os.environ["SUITE_ADDONS"].split(","):
    module = env["ir.module.module"].search([("name", "=", name)])
    assert module.state == "installed", f"{name}: {module.state}"
    path = os.path.realpath(get_module_path(name))
    site = os.path.join(venv, "lib")  # .../lib/pythonX.Y/site-packages/odoo/addons/<name>
    assert path.startswith(site + os.sep), f"{name} loaded from {path}"
    assert "/site-packages/odoo/addons/" in path, f"{name} loaded from {path}"
    assert path != os.path.join(root, name), f"{name} loaded from the checkout"
    print(f"SMOKE {name} {module.latest_version} from {path}")
portal = env["res.users"].with_context(no_reset_password=True).create(
    {"name": "Wheel smoke", "login": "wheel_smoke", "groups_id": [Command.link(env.ref("base.group_portal").id)]}
)
assert portal.share, "a portal user is a share user"
assert env["portal.access.group"].search_count([]) >= 0
assert env["portal.internal.switch"].search_count([("user_id", "=", portal.id)]) == 0
env.cr.rollback()
print("SMOKE OK")
PY
grep '^SMOKE' "$work/smoke.log" >&2 || true
grep -qx 'SMOKE OK' "$work/smoke.log" || { tail -30 "$work/smoke.log" >&2; die "smoke check of the wheel install failed"; }
"$VENV/bin/python" "$SUITE_ROOT/tools/dbutil.py" "$conf" drop "$WHEEL_DB"
log "wheel test passed in $((SECONDS - t0)) s"
