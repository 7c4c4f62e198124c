"""The strict invariant of the random sequences, expected to fail until the revert is
delta-based: an administrator's group edits made while a user is switched survive the
revert. Not collected by `make test` (the file name does not start with test_); run it
explicitly:

    SUITE_TEST_DB=<db> .venv/bin/python -m pytest \
        tests/pending_udm_random_sequences_strict.py
"""

from udm_state_machine import run_sequences


def test_admin_edits_made_while_switched_survive_the_revert(test_db):
    # the first failing sequence is reported as found: shrinking stateful sequences
    # takes more than ten minutes on a 2-core machine
    run_sequences(test_db, strict=True, examples=1000, steps=6, shrink=False)
