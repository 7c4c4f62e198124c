# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Names shared by the switch model's files, the controllers and other addons:
the admin group, settings keys, timings, the trusted-write marker, revert reasons,
refusals."""

from odoo.exceptions import UserError

MANAGER_GROUP = "base.group_erp_manager"
# what /my, the switch and the policy read of a user and of their template
UDM_POLICY_FIELDS = [
    "allow_portal_access_internal",
    "enable_idle_time",
    "idle_time",
    "udm_allowed_until",
    "udm_approval",
    "udm_max_duration",
    "udm_daily_limit",
    "udm_cooldown",
    "udm_template_seats",
    "switch_template_id",
    "is_access_right_template",
]
PARAM_MAX = "user_dynamic_management.max_portal_user"
PARAM_TIME_LIMIT = "user_dynamic_management.time_limit"
PARAM_CONFIRM_PASSWORD = "user_dynamic_management.confirm_password"
PARAM_REQUIRE_TOTP = "user_dynamic_management.require_totp"
PARAM_MAX_SEATS = "user_dynamic_management.max_seats"
PARAM_NOTIFY_MANAGERS = "user_dynamic_management.notify_managers"
PARAM_NOTIFY_USER = "user_dynamic_management.notify_user"
# Full User Requests
PARAM_REQUIRE_REASON = "user_dynamic_management.require_reason"
PARAM_REQUIRE_APPROVAL = "user_dynamic_management.require_approval"
PARAM_APPROVER_GROUP = "user_dynamic_management.approver_group_id"
PARAM_APPROVAL_VALIDITY = "user_dynamic_management.approval_validity"
PARAM_REQUEST_EXPIRY = "user_dynamic_management.request_expiry"
DEFAULT_APPROVAL_VALIDITY = 24  # hours to use an approval
DEFAULT_REQUEST_EXPIRY = 48  # hours an unanswered request waits
# approvers named in Settings one by one, besides the approvers group
APPROVERS_XMLID = "user_dynamic_management.group_request_approver"
# every setting of the addon is an ir.config_parameter under this prefix
PARAM_PREFIX = "user_dynamic_management."
# the cron runner sleeps up to a minute (+ jitter: the thread number, or pid % 10 in
# prefork) between wake-ups; a run that finds a deadline closer than this has a timer
# wake the runner at the deadline (a trigger due now notifies it on commit)
CRON_WAIT_MAX = 75
# the last activity is written at most once per this many seconds per user (no write
# per request), and at most once per third of the idle time, so that the client, which
# reports input at that pace, always lands a report before the deadline
ACTIVITY_WRITE_INTERVAL = 60
# a session re-reads its user's idle deadline at most this often (and at the deadline);
# must not exceed the shortest idle time (1 minute)
REQUEST_CHECK_INTERVAL = 60
BUS_REVERTED = "user_dynamic_management/reverted"
# an approver decided on an extension of the switch: the countdown asks for its status
BUS_EXTENSION_DECIDED = "user_dynamic_management/extension_decided"
# context key of the addon's own writes: on switch records (otherwise an immutable
# log) and on users (whose writes by others may end a switch)
CTX_OWN_WRITE = "udm_own_write"


class _OwnWriteMarker:
    """The value of CTX_OWN_WRITE in the addon's own writes.

    Why an object: an RPC caller chooses its context, and JSON can carry any string,
    number or boolean, never this object, so `is OWN_WRITE` cannot be forged from
    outside the process (a plain `True` could: a user would add a group to themselves
    "as the addon", and the revert would keep it).
    """

    __slots__ = ()

    def __repr__(self):
        return "<user_dynamic_management own write>"


OWN_WRITE = _OwnWriteMarker()
OWN_WRITE_CONTEXT = {CTX_OWN_WRITE: OWN_WRITE}


def is_own_write(env):
    """Whether `env` is the addon's own trusted write (see _OwnWriteMarker)."""
    return env.context.get(CTX_OWN_WRITE) is OWN_WRITE


REASONS = [
    ("idle", "Idle"),
    ("logout", "Logout"),
    ("admin", "Reverted by an administrator"),
    ("user", "Back to portal now"),
    ("uninstall", "Uninstall"),
    ("expired", "Maximum duration reached"),
]


class UdmLimitReached(UserError):
    """A switch refused by the quota or the seats (the managers may be e-mailed)."""
