#!/usr/bin/env bash
# Shared settings for the suite's tooling. Sourced by the other tools/*.sh scripts.
# Everything can be overridden from the environment (or `make VAR=value`).
set -euo pipefail

SUITE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUITE_NAME="odoo-portal-suite"
SUITE_ADDONS="${SUITE_ADDONS:-access_right_template,user_dynamic_management,portal_field_access}"
LOCAL_DIR="${LOCAL_DIR:-$SUITE_ROOT/.local}"
VENV="${VENV:-$SUITE_ROOT/.venv}"
case "$VENV" in /*) ;; *) VENV="$SUITE_ROOT/$VENV" ;; esac   # the tools change directory
PYTHON="${PYTHON:-python3.11}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/$SUITE_NAME"
ODOO_CACHE="$CACHE_DIR/odoo-17.0"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
ODOO_GIT_REF="${ODOO_GIT_REF:-17.0}"
ODOO_PORT="${ODOO_PORT:-8069}"
DEV_DB="${DEV_DB:-portal_suite_dev}"
TEST_DB="${TEST_DB:-portal_suite_test}"
# Private PostgreSQL cluster (used only when no database is configured).
PG_PORT="${PG_PORT:-54329}"
PG_ROLE="${PG_ROLE:-odoo}"
PG_OS_USER="${PG_OS_USER:-postgres}"

log() { printf '\033[1m[suite]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[suite] %s\033[0m\n' "$*" >&2; exit 1; }
