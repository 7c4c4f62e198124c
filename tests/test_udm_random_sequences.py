"""1,000 random sequences of switch / activity / idle time / logout / admin revert /
admin group edits / template edits / allow-flag changes (see udm_state_machine.py),
with the invariants checked after every step: never two open switches for a user,
share consistent with the user type, every non-switched user back to their portal
groups with the administrator's edits applied (also edits made while the user was
switched: the revert only takes back what the switch added), no template ever able to
log in.
"""

from udm_state_machine import run_sequences

EXAMPLES = int(__import__("os").environ.get("UDM_EXAMPLES", 1000))
STEPS = 6


def test_random_sequences_keep_the_invariants(test_db):
    # the first failing sequence is reported as found: shrinking stateful sequences
    # takes more than ten minutes on a 2-core machine
    run_sequences(test_db, strict=True, examples=EXAMPLES, steps=STEPS, shrink=False)
