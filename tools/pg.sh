#!/usr/bin/env bash
# Database connection for the suite: either the one the user configured (PG* variables or an odoo.conf),
# or a private PostgreSQL cluster kept in $LOCAL_DIR/pgdata.
#   tools/pg.sh start   -> starts the private cluster if needed (then prints "started" on
#                          stdout), writes $LOCAL_DIR/db.conf and $LOCAL_DIR/odoo.conf
#   tools/pg.sh stop    -> stops the private cluster
#   tools/pg.sh status  -> prints "running" (exit 0) or "stopped" (exit 3)
#   tools/pg.sh destroy -> stops it and removes its data
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
mkdir -p "$LOCAL_DIR"
PGDATA_DIR="$LOCAL_DIR/pgdata"
DBCONF="$LOCAL_DIR/db.conf"

as_cluster_user() {
    if [ "$(id -u)" = 0 ]; then
        # from / : the current directory may be a private checkout the cluster user cannot enter
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

pg_bin() {
    local b
    for b in "$(command -v "$1" 2>/dev/null)" /usr/lib/postgresql/*/bin/"$1"; do
        [ -x "$b" ] && { echo "$b"; return; }
    done
    die "PostgreSQL server binary '$1' not found: install PostgreSQL (e.g. apt-get install postgresql) or set PG* variables."
}

user_configured() {
    [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}${PGDATABASE:-}" ] || [ -f "$SUITE_ROOT/odoo.conf" ]
}

write_conf() {  # host port user
    cat > "$DBCONF" <<CONF
db_host = $1
db_port = $2
db_user = $3
db_password = ${PGPASSWORD:-False}
CONF
}

start() {
    if user_configured; then
        if [ -f "$SUITE_ROOT/odoo.conf" ]; then
            : > "$DBCONF"   # the user's odoo.conf is passed to Odoo as is
            log "database: settings from $SUITE_ROOT/odoo.conf"
        else
            write_conf "${PGHOST:-False}" "${PGPORT:-False}" "${PGUSER:-False}"
            log "database: PG* environment (${PGHOST:-local}:${PGPORT:-5432})"
        fi
        return
    fi
    local data sock
    data=$(cluster_dir)
    if [ "$(id -u)" = 0 ]; then
        id "$PG_OS_USER" >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_OS_USER"
        # The cluster runs as $PG_OS_USER, who must be able to reach its data directory. A checkout in a
        # private directory (mktemp -d) is not reachable: keep the data outside and link it in.
        if ! runuser -u "$PG_OS_USER" -- test -x "$LOCAL_DIR"; then
            local outside
            outside="/var/tmp/$SUITE_NAME-$(printf '%s' "$SUITE_ROOT" | sha1sum | cut -c1-12)"
            mkdir -p "$outside" && chown "$PG_OS_USER" "$outside" && chmod 700 "$outside"
            [ -L "$PGDATA_DIR" ] || { rm -rf "$PGDATA_DIR"; ln -s "$outside" "$PGDATA_DIR"; }
            data="$outside"
        fi
    fi
    sock="$data"
    if [ "${#sock}" -gt 80 ]; then sock="/tmp"; fi   # unix socket paths are limited to ~107 bytes
    if [ ! -f "$data/PG_VERSION" ]; then
        log "initialising a private PostgreSQL cluster in $data"
        mkdir -p "$data"
        [ "$(id -u)" = 0 ] && chown "$PG_OS_USER" "$data"
        as_cluster_user "$(pg_bin initdb)" -D "$data" -U "$PG_ROLE" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_cluster_user "$(pg_bin pg_ctl)" -D "$data" status >/dev/null 2>&1; then
        log "starting PostgreSQL on port $PG_PORT (socket in $sock)"
        as_cluster_user "$(pg_bin pg_ctl)" -D "$data" -l "$data/server.log" -w -t 60 \
            -o "-p $PG_PORT -k $sock -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null || { tail -20 "$data/server.log" >&2; die "PostgreSQL did not start"; }
        echo started   # on stdout: the caller started the cluster and should stop it
    fi
    write_conf "$sock" "$PG_PORT" "$PG_ROLE"
}

cluster_dir() {  # the real data directory: $PGDATA_DIR may be a link to a directory kept outside
    # Resolved here, as the invoking user: the cluster user may not traverse a private checkout to
    # follow the link, and pg_ctl would then report "no server running" for a running server.
    readlink -f "$PGDATA_DIR" 2>/dev/null || echo "$PGDATA_DIR"
}

stop() {
    local data
    data=$(cluster_dir)
    [ -f "$data/PG_VERSION" ] || return 0
    if as_cluster_user "$(pg_bin pg_ctl)" -D "$data" status >/dev/null 2>&1; then
        log "stopping PostgreSQL"
        as_cluster_user "$(pg_bin pg_ctl)" -D "$data" -m fast -w stop >/dev/null
    fi
}

write_odoo_conf() {  # the configuration tools/odoo.sh passes to Odoo (unless the user has an odoo.conf)
    source "$LOCAL_DIR/odoo.env"
    { echo "[options]"; cat "$DBCONF"
      echo "addons_path = $ODOO_ADDONS_PATH"; echo "data_dir = $LOCAL_DIR/data"; } > "$LOCAL_DIR/odoo.conf"
}

destroy() {  # stop the private cluster and remove its data (also when kept outside)
    stop
    local target
    target=$(readlink -f "$PGDATA_DIR" 2>/dev/null || true)
    rm -rf "$PGDATA_DIR"
    if [ -n "$target" ] && [ "$target" != "$PGDATA_DIR" ]; then rm -rf "$target"; fi
}

status() {  # exit 0 when the private cluster runs
    local data
    data=$(cluster_dir)
    [ -f "$data/PG_VERSION" ] && as_cluster_user "$(pg_bin pg_ctl)" -D "$data" status >/dev/null 2>&1
}

case "${1:-start}" in
    start) start; write_odoo_conf ;;
    stop) stop ;;
    status) if status; then echo running; else echo stopped; exit 3; fi ;;
    destroy) destroy ;;
    *) die "usage: $0 start|stop|status|destroy" ;;
esac
