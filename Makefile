# Odoo 17 portal suite: `make run` serves Odoo with the suite, `make test` runs every test.
# Both set up whatever is missing first (virtualenv, requirements, PostgreSQL, Odoo 17 itself).
SHELL := /bin/bash
ALL_ADDONS := access_right_template,user_dynamic_management,portal_field_access
ADDONS ?= $(ALL_ADDONS)
ODOO_PORT ?= 8069
export SUITE_ADDONS = $(ADDONS)
export ODOO_PORT

.PHONY: run test test-addon test-odoo bench setup lint shell clean help

help:
	@echo "make run    Odoo 17 + the suite on http://localhost:$(ODOO_PORT) (demo data)"
	@echo "make test   all tests (Odoo runner + tests/ with pytest) on a fresh database"
	@echo "make test ADDONS=portal_field_access   one addon's tests"
	@echo "make test-odoo   Odoo's own tests of base/mail/portal/auth_* with and without the suite (A/B)"
	@echo "make bench  every benchmark of bench/ and a summary table"
	@echo "make lint   pre-commit on every file"
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
	$(if $(filter $(ADDONS),$(ALL_ADDONS)),.venv/bin/python tools/odoo_tests.py --fast || rc=1;) \
	.venv/bin/python tools/run_tests.py $(if $(filter $(ADDONS),$(ALL_ADDONS)),,--no-pytest) || rc=1; \
	exit $$rc

test-odoo: setup
	@started=$$(tools/pg.sh start); \
	trap '[ "$$started" != started ] || tools/pg.sh stop' EXIT; \
	.venv/bin/python tools/odoo_tests.py $(ODOO_TESTS_ARGS)

bench: setup
	@started=$$(tools/pg.sh start); \
	trap '[ "$$started" != started ] || tools/pg.sh stop' EXIT; \
	.venv/bin/python bench/run_all.py $(BENCH_ARGS)

shell: setup
	@tools/pg.sh start
	@tools/odoo.sh shell -d $${DEV_DB:-portal_suite_dev} --no-http

lint: setup
	@test -x .venv/bin/pre-commit || .venv/bin/python -m pip -q install pre-commit ruff pylint-odoo
	@.venv/bin/pre-commit run --all-files

clean:
	-@tools/pg.sh destroy
	rm -rf .local .venv
