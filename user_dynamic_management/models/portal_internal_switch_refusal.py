# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextlib

from odoo import _, api, fields, models
from odoo.exceptions import UserError

REFUSAL_KINDS = [
    ("quota", "Quota"),
    ("seats", "Seats"),
    ("approval", "Approval"),
    ("not_allowed", "Not Allowed"),
    ("other", "Other"),
]
# attribute of a UserError raised by a switch: the kind of refusal (see _udm_kind)
ERROR_KIND_ATTR = "udm_refusal_kind"
MESSAGE_MAX_LENGTH = 2000


class PortalInternalSwitchRefusal(models.Model):
    """A switch to internal that was refused (quota, seats, approval, not allowed...).

    A log, like the switches: created only by the addon's code (sudo, after the refused
    transaction was rolled back), never changed nor deleted from the UI or RPC. Access
    Rights administrators may read it.
    """

    _name = "portal.internal.switch.refusal"
    _inherit = "udm.audit.log.mixin"
    _description = "Refused Portal Switch"
    _order = "date desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        comodel_name="res.users",
        index=True,
        # the log outlives the user: the login is kept below
        ondelete="set null",
        readonly=True,
    )
    user_login = fields.Char(string="Login", readonly=True)
    date = fields.Datetime(
        required=True, index=True, readonly=True, default=fields.Datetime.now
    )
    kind = fields.Selection(
        selection=REFUSAL_KINDS,
        string="Reason",
        required=True,
        default="other",
        readonly=True,
    )
    message = fields.Text(readonly=True, help="What the user was told.")

    def _udm_own_write_refusal(self):
        """What a change that does not come from the addon's own code is told (see
        udm.audit.log.mixin)."""
        return _(
            "Refused portal switches are a log: they cannot be created, changed or "
            "deleted by hand."
        )

    @api.model
    def _udm_record(self, user, error):
        """Log that `user`'s switch was refused with the UserError `error`. Call it
        after the refused transaction was rolled back (see controllers/portal.py), so
        that the log stays. Extension point."""
        message = str(error.args[0]) if error.args else str(error)
        return self._udm_own().create(
            {
                "user_id": user.id,
                "user_login": user.sudo().login,
                "kind": self._udm_error_kind(error),
                "message": message[:MESSAGE_MAX_LENGTH],
            }
        )

    @api.model
    def _udm_error_kind(self, error):
        """The kind of refusal `error` says (see _udm_kind), "other" when untold."""
        kind = getattr(error, ERROR_KIND_ATTR, None)
        return kind if kind in dict(REFUSAL_KINDS) else "other"

    @api.model
    @contextlib.contextmanager
    def _udm_kind(self, kind):
        """Context manager: a UserError raised inside is a refusal of `kind` (unless
        an inner one told its kind already). Used by portal.internal.switch._udm_open
        around each of its checks."""
        try:
            yield
        except UserError as error:
            if not getattr(error, ERROR_KIND_ATTR, None):
                setattr(error, ERROR_KIND_ATTR, kind)
            raise


class PortalInternalSwitch(models.Model):
    """The kinds of the fairness refusals (portal_internal_switch_fairness.py), which
    are checked along with the seats: switches per day and the cooldown are a quota
    of the user's own, the template's seats are seats."""

    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _udm_check_daily_limit(self, now, user, daily_limit):
        with self.env["portal.internal.switch.refusal"]._udm_kind("quota"):
            return super()._udm_check_daily_limit(now, user, daily_limit)

    @api.model
    def _udm_check_cooldown(self, now, user, cooldown):
        with self.env["portal.internal.switch.refusal"]._udm_kind("quota"):
            return super()._udm_check_cooldown(now, user, cooldown)

    @api.model
    def _udm_check_template_seats(self, now, user, template):
        with self.env["portal.internal.switch.refusal"]._udm_kind("seats"):
            return super()._udm_check_template_seats(now, user, template)
