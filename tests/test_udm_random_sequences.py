"""1,000 random sequences of switch / activity / idle time / logout / admin revert /
admin group edits / template edits / allow-flag changes (see udm_state_machine.py),
with the invariants checked after every step: never two open switches for a user,
share consistent with the user type, every non-switched user back to their portal
groups (with the administrator's edits applied), no template ever able to log in.

The one invariant today's full-snapshot revert breaks (an administrator's group edit
made while the user is switched must survive the revert) is checked by
pending_udm_random_sequences_strict.py, run explicitly.
"""

from udm_state_machine import run_sequences

EXAMPLES = int(__import__("os").environ.get("UDM_EXAMPLES", 1000))
STEPS = 6


def test_random_sequences_keep_the_invariants(test_db):
    run_sequences(test_db, strict=False, examples=EXAMPLES, steps=STEPS)
