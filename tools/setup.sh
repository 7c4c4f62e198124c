#!/usr/bin/env bash
# Idempotent set-up: finds Odoo 17, builds the virtualenv, installs the Python requirements.
# Writes $LOCAL_DIR/odoo.env, sourced by the other tools.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
mkdir -p "$LOCAL_DIR"

serie_of() {  # prints the release serie of an Odoo source tree, or nothing
    local rel="$1/odoo/release.py"
    [ -f "$rel" ] || return 0
    (cd "$1" && "$PYTHON" -c 'import runpy; print(runpy.run_path("odoo/release.py")["serie"])' 2>/dev/null) || true
}

find_odoo() {
    # 1. an explicit checkout
    if [ -n "${ODOO_SRC:-}" ]; then
        [ "$(serie_of "$ODOO_SRC")" = "17.0" ] || die "ODOO_SRC=$ODOO_SRC is not an Odoo 17.0 source tree."
        echo "$ODOO_SRC"; return
    fi
    # 2. an odoo package already importable
    local found
    found=$("$PYTHON" - <<'PY' 2>/dev/null || true
import os, odoo.release
if odoo.release.serie == "17.0":
    print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.release.__file__))))
PY
)
    if [ -n "$found" ] && [ -f "$found/odoo-bin" ]; then echo "$found"; return; fi
    # 3. the copy an earlier set-up kept in the per-user cache
    if [ "$(serie_of "$ODOO_CACHE")" = "17.0" ]; then echo "$ODOO_CACHE"; return; fi
    [ -L "$ODOO_CACHE" ] && [ ! -e "$ODOO_CACHE" ] && rm -f "$ODOO_CACHE"  # a forgotten source tree
    # 4. a shallow clone of the official branch, when the network allows
    log "Odoo 17 not found; cloning $ODOO_GIT_URL ($ODOO_GIT_REF) into $ODOO_CACHE"
    mkdir -p "$CACHE_DIR"
    rm -rf "$ODOO_CACHE.tmp"
    if git clone -q --depth 1 --branch "$ODOO_GIT_REF" "$ODOO_GIT_URL" "$ODOO_CACHE.tmp" 2>/dev/null \
        && [ "$(serie_of "$ODOO_CACHE.tmp")" = "17.0" ]; then
        mv "$ODOO_CACHE.tmp" "$ODOO_CACHE"; echo "$ODOO_CACHE"; return
    fi
    rm -rf "$ODOO_CACHE.tmp"
    die "Odoo 17.0 was not found. Provide it once, in any of these ways:
  - ODOO_SRC=/path/to/odoo-17.0-checkout make test
  - git clone --depth 1 -b 17.0 https://github.com/odoo/odoo.git $ODOO_CACHE
  - ODOO_GIT_URL=<git url or local repository> ODOO_GIT_REF=<branch> make test"
}

ODOO_SRC="$(find_odoo)"
[ -n "$ODOO_SRC" ] || exit 1
# A source tree outside the cache is remembered there, so a later clean clone (CI) finds it again.
if [ "$ODOO_SRC" != "$ODOO_CACHE" ] && [ ! -e "$ODOO_CACHE" ]; then
    mkdir -p "$CACHE_DIR" && ln -s "$ODOO_SRC" "$ODOO_CACHE"
fi
log "Odoo 17.0: $ODOO_SRC"

command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)

# Re-install only when an input changed.
stamp="$VENV/.suite-stamp"
want=$(cat "$ODOO_SRC/requirements.txt" "$SUITE_ROOT/requirements.txt" | sha1sum | cut -c1-40)-$ODOO_SRC
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing Python requirements (Odoo's and the suite's)"
    "${PIP[@]}" install --upgrade pip wheel "setuptools<81"  # Odoo 17 imports pkg_resources
    "${PIP[@]}" install -r "$ODOO_SRC/requirements.txt"
    # compat mode: a plain .pth path, so OCA addon wheels (odoo/addons/*) do not shadow the source package
    "${PIP[@]}" install --no-deps -e "$ODOO_SRC" --config-settings editable_mode=compat
    "${PIP[@]}" install -r "$SUITE_ROOT/requirements.txt"
    echo "$want" > "$stamp"
fi
"$VENV/bin/python" -c 'import odoo.release as r; assert r.serie == "17.0", r.serie' \
    || die "the virtualenv does not import Odoo 17.0"

cat > "$LOCAL_DIR/odoo.env" <<ENV
ODOO_SRC='$ODOO_SRC'
ODOO_BIN='$ODOO_SRC/odoo-bin'
ODOO_ADDONS_PATH='$ODOO_SRC/odoo/addons,$ODOO_SRC/addons,$SUITE_ROOT'
ENV
