#!/usr/bin/env bash
# Runs Odoo 17 with the suite's addons path and database settings: tools/odoo.sh [odoo-bin arguments]
# (tools/setup.sh and tools/pg.sh start must have run.)
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$LOCAL_DIR/odoo.env"
conf="$LOCAL_DIR/odoo.conf"
[ -f "$SUITE_ROOT/odoo.conf" ] && conf="$SUITE_ROOT/odoo.conf"
cmd=()
case "${1:-}" in -*|"") ;; *) cmd=("$1"); shift ;; esac   # a sub-command (shell, ...) comes first
exec "$VENV/bin/python" "$ODOO_BIN" "${cmd[@]}" -c "$conf" --addons-path="$ODOO_ADDONS_PATH" "$@"
