# Odoo 17 portal suite: `make run` serves Odoo with the suite, `make test` runs every test.
# Both set up whatever is missing first (virtualenv, requirements, PostgreSQL, Odoo 17 itself).
SHELL := /bin/bash
ALL_ADDONS := access_right_template,user_dynamic_management,portal_field_access
ADDONS ?= $(ALL_ADDONS)
ODOO_PORT ?= 8069
VENV ?= $(CURDIR)/.venv
export SUITE_ADDONS = $(ADDONS)
export ODOO_PORT VENV

.PHONY: run test test-addon test-odoo test-deploy bench setup lint shell clean help dist wheel-test upgrade-test readme screenshots

help:
	@echo "make run    Odoo 17 + the suite on http://localhost:$(ODOO_PORT) (demo data)"
	@echo "make test   all tests (Odoo runner + tests/ with pytest) on a fresh database"
	@echo "make test ADDONS=portal_field_access   one addon's tests"
	@echo "make test-odoo   Odoo's own tests of base/mail/portal/auth_* with and without the suite (A/B)"
	@echo "make test-deploy  nginx + two Odoo servers (sessions in PostgreSQL) + a cron server, driven through nginx"
	@echo "make bench  every benchmark of bench/ and a summary table"
	@echo "make lint   pre-commit on every file (OCA checks, licences, ruff, prettier, eslint)"
	@echo "make dist   one wheel per addon (odoo-addon-<name>) in dist/"
	@echo "make wheel-test  installs those wheels in a fresh virtualenv and database, smoke test"
	@echo "make upgrade-test  installs the addons of 17.0.1.0.0, upgrades them to this code, compares the data"
	@echo "make readme README.rst and static/description/index.html from readme/ fragments"
	@echo "make screenshots  static/description/*.png from a running \`make run\`"
	@echo "make shell  odoo shell on the dev database"
	@echo "make clean  stop and remove the private database cluster and the virtualenv"

setup:
	@tools/setup.sh

run:
	@tools/run.sh

test: setup
	@started=$$(tools/pg.sh start); \
	trap '[ "$$started" != started ] || tools/pg.sh stop' EXIT; \
	rc=0; \
	$(if $(filter $(ADDONS),$(ALL_ADDONS)),$(VENV)/bin/python tools/odoo_tests.py --fast || rc=1;) \
	$(VENV)/bin/python tools/run_tests.py $(if $(filter $(ADDONS),$(ALL_ADDONS)),,--no-pytest) || rc=1; \
	exit $$rc

dist: setup
	@tools/dist.sh

wheel-test:
	@tools/wheel_test.sh

upgrade-test: setup
	@started=$$(tools/pg.sh start); \
	trap '[ "$$started" != started ] || tools/pg.sh stop' EXIT; \
	$(VENV)/bin/python tools/upgrade_test.py

readme: setup
	@$(VENV)/bin/python tools/gen_readme.py

screenshots: setup
	@$(VENV)/bin/python tools/screenshots.py

test-odoo: setup
	@started=$$(tools/pg.sh start); \
	trap '[ "$$started" != started ] || tools/pg.sh stop' EXIT; \
	$(VENV)/bin/python tools/odoo_tests.py $(ODOO_TESTS_ARGS)

# Needs Debian's nginx (.ci/run installs it) and test-requirements.txt (installed here).
test-deploy: setup
	@$(VENV)/bin/python -m pip --disable-pip-version-check -q install -r test-requirements.txt \
		2> >(grep -v "^WARNING: Location" >&2)
	@started=$$(tools/pg.sh start); \
	trap '[ "$$started" != started ] || tools/pg.sh stop' EXIT; \
	SUITE_ODOO_CONF=$$( [ -f odoo.conf ] && echo "$(CURDIR)/odoo.conf" || echo "$(CURDIR)/.local/odoo.conf" ) \
		$(VENV)/bin/python -m pytest -p no:cacheprovider -q -s -rfEs tests/deploy_checks.py

bench: setup
	@started=$$(tools/pg.sh start); \
	trap '[ "$$started" != started ] || tools/pg.sh stop' EXIT; \
	$(VENV)/bin/python bench/run_all.py $(BENCH_ARGS)

shell: setup
	@tools/pg.sh start
	@tools/odoo.sh shell -d $${DEV_DB:-portal_suite_dev} --no-http

lint:
	@tools/lint.sh

clean:
	-@tools/pg.sh destroy
	rm -rf .local .venv dist
