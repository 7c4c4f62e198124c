#!/usr/bin/env bash
# `make run`: Odoo 17 with the suite installed on a demo database, served on http://localhost:$ODOO_PORT.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$SUITE_ROOT/tools/setup.sh"
pg_started=$("$SUITE_ROOT/tools/pg.sh" start)
conf="$LOCAL_DIR/odoo.conf"; [ -f "$SUITE_ROOT/odoo.conf" ] && conf="$SUITE_ROOT/odoo.conf"

stop_all() {
    trap - INT TERM EXIT
    if [ -n "${odoo_pid:-}" ]; then
        # Ctrl-C reached Odoo too (same process group): let it shut down gracefully;
        # a second signal would force it. Otherwise (signal sent to this script only),
        # ask it with SIGTERM.
        for _ in $(seq 50); do kill -0 "$odoo_pid" 2>/dev/null || break; sleep 0.2; done
        kill -TERM "$odoo_pid" 2>/dev/null || true
        wait "$odoo_pid" 2>/dev/null || true
    fi
    if [ "$pg_started" = started ]; then "$SUITE_ROOT/tools/pg.sh" stop; fi
    exit 0
}
trap stop_all INT TERM EXIT

# one database served: the database manager is off, so that nobody creates a database
# this server would never serve (Odoo then says the manager is disabled)
args=(-d "$DEV_DB" --db-filter="^$DEV_DB\$" --no-database-list --http-port="$ODOO_PORT")
# Contacts too: the documented set-up starts from a contact form (Contacts > Action > Grant portal access)
demo_addons="$SUITE_ADDONS,contacts"
if ! "$VENV/bin/python" "$SUITE_ROOT/tools/dbutil.py" "$conf" exists "$DEV_DB"; then
    log "creating database $DEV_DB with demo data, Contacts and the suite's addons (first run only, ~2 min)"
    "$SUITE_ROOT/tools/odoo.sh" -d "$DEV_DB" -i "$demo_addons" --stop-after-init --log-level=warn
else
    missing=$("$VENV/bin/python" "$SUITE_ROOT/tools/dbutil.py" "$conf" missing "$DEV_DB" "$demo_addons")
    if [ -n "$missing" ]; then
        log "installing $missing into database $DEV_DB"
        "$SUITE_ROOT/tools/odoo.sh" -d "$DEV_DB" -i "$missing" --stop-after-init --log-level=warn
    fi
    log "reusing database $DEV_DB"
fi
cat >&2 <<MSG

  Odoo 17 with the suite:  http://localhost:$ODOO_PORT/web/login   (database $DEV_DB)
  Demo logins:  administrator  admin / admin
                portal user    portal / portal   (may switch to internal, see /my)
                portal user    portal_profile / portal_profile
                               (in the Portal Access Group "Customers: profile", see /my/account)
  Only database $DEV_DB is served (the database manager is disabled); another one:
  DEV_DB=<name> make run creates and serves it.
  Ctrl-C stops Odoo, then the database.

MSG
"$SUITE_ROOT/tools/odoo.sh" "${args[@]}" &
odoo_pid=$!
wait "$odoo_pid"
