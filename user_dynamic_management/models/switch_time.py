# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Clock helpers of switches: which deadline passed, epoch milliseconds (the
countdown's unit)."""

from datetime import timezone


def _due_reason(deadline, end_deadline, now):
    """The revert reason of a switch with these deadlines at `now`, or False: `expired`
    (maximum duration) or `idle`, whichever deadline passed first."""
    passed = [
        (moment, reason)
        for moment, reason in ((end_deadline, "expired"), (deadline, "idle"))
        if moment and moment <= now
    ]
    return min(passed)[1] if passed else False


def _epoch_ms(value):
    """UTC naive datetime → epoch milliseconds."""
    return (
        int(value.replace(tzinfo=timezone.utc).timestamp() * 1000) if value else False
    )
