#!/usr/bin/env bash
# `make lint`: OCA's checks through pre-commit (.pre-commit-config.yaml) on every file.
# Sets up what it needs: the suite's virtualenv (the licence check reads Odoo's addons
# through it), pre-commit in its own small virtualenv, Node.js for prettier and eslint.
# Extra arguments go to pre-commit, e.g. `tools/lint.sh pylint_odoo`.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$SUITE_ROOT/tools/setup.sh"
LINT_VENV="$LOCAL_DIR/lint-venv"
if [ ! -x "$LINT_VENV/bin/pre-commit" ]; then
    log "installing pre-commit into $LINT_VENV"
    command -v "$PYTHON" >/dev/null || PYTHON=python3
    "$PYTHON" -m venv "$LINT_VENV"
    "$LINT_VENV/bin/python" -m pip --disable-pip-version-check -q install "pre-commit>=3.5"
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing Node.js (prettier and eslint run on it)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q --no-install-recommends nodejs npm >/dev/null \
            || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends nodejs npm >/dev/null; }
    else
        die "Node.js and npm are needed for prettier and eslint: install them (e.g. apt-get install nodejs npm)"
    fi
fi
cd "$SUITE_ROOT"
export VENV
exec "$LINT_VENV/bin/pre-commit" run --show-diff-on-failure --color=always --all-files "$@"
