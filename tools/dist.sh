#!/usr/bin/env bash
# `make dist`: one wheel per addon (odoo-addon-<name>, built by whool from its pyproject.toml)
# into dist/. whool packages the files under git control and derives the version from the
# manifest and the git history, so run it in a git checkout.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
DIST_DIR="${DIST_DIR:-$SUITE_ROOT/dist}"
git -C "$SUITE_ROOT" rev-parse --git-dir >/dev/null 2>&1 || die "make dist needs a git checkout (whool packages git-tracked files)"
rm -rf "$DIST_DIR" && mkdir -p "$DIST_DIR"
IFS=, read -r -a addons <<< "$SUITE_ADDONS"
for addon in "${addons[@]}"; do
    [ -f "$SUITE_ROOT/$addon/pyproject.toml" ] || die "$addon has no pyproject.toml"
    "$VENV/bin/python" -m pip --disable-pip-version-check -q wheel --no-deps \
        --wheel-dir "$DIST_DIR" "$SUITE_ROOT/$addon" >&2 || die "building the wheel of $addon failed"
done
ls "$DIST_DIR"/*.whl
