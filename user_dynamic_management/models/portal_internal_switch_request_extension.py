# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .const import BUS_EXTENSION_DECIDED


class PortalInternalSwitchRequest(models.Model):
    """Extension requests: when the policy requires an approval, "Extend by N
    minutes" asks the approvers (activity and message, as a Full User Request does)
    instead of extending. Approved, the switch is extended at once, within what its
    policy still allows then, and the user's countdown shows the new end; refused,
    the user is told why in the backend. They end with the switch.
    """

    _inherit = "portal.internal.switch.request"

    kind = fields.Selection(
        selection=[("switch", "Switch to internal"), ("extension", "Extension")],
        required=True,
        default="switch",
        readonly=True,
        index=True,
    )
    extension_of_id = fields.Many2one(
        comodel_name="portal.internal.switch",
        string="Extends",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        help="The running switch this extension request is for.",
    )

    @api.model
    def _udm_extension_blocker(self, switch):
        """The extension request of `switch` that stops its user from asking again:
        one waiting for an answer, or one an approver refused (an answer for the
        rest of this switch: asking again would only notify the approvers again).
        The newest; empty when the user may ask."""
        return self.sudo().search(
            [
                ("extension_of_id", "=", switch.id),
                ("state", "in", ("pending", "refused")),
            ],
            order="id desc",
            limit=1,
        )

    @api.model
    def _udm_file_extension(self, switch, minutes):
        """Ask the approvers to extend the open `switch` (locked by the caller) by
        `minutes`; return the request. Refused (UserError, nothing changed) when an
        extension of it is already waiting or was refused."""
        blocker = self._udm_extension_blocker(switch)
        if blocker.state == "pending":
            raise UserError(
                _("You already asked for an extension: an approver will answer.")
            )
        if blocker:
            raise UserError(blocker._udm_extension_refused_text())
        # the requester cannot read requests: they do not follow theirs
        request = (
            self.sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(
                {
                    "user_id": switch.user_id.id,
                    "kind": "extension",
                    "extension_of_id": switch.id,
                    "duration": minutes,
                    # of no use once the switch has ended
                    "expiry_date": switch.end_deadline,
                }
            )
        )
        request._udm_notify_approvers()
        return request

    def _udm_approvers_message(self):
        if self.kind != "extension":
            return super()._udm_approvers_message()
        switch = self.extension_of_id
        return _(
            "%(user)s asks to extend their internal access by %(minutes)s minutes "
            "(it ends at %(time)s %(tz)s; extended by %(total)s min so far).",
            user=self.user_id.name,
            minutes=self.duration,
            time=switch._udm_format_clock(switch.end_deadline, self.user_id),
            tz=self.user_id.tz or "UTC",
            total=switch.extended_minutes,
        )

    def _udm_activity_summary(self):
        if self.kind != "extension":
            return super()._udm_activity_summary()
        return _("Extension request of %s", self.user_id.name)

    def _udm_decide(self, state, refusal_reason=False):
        """Approved extension requests extend their switches at once (and are then
        used); the users of decided ones are told in the backend."""
        requests = super()._udm_decide(state, refusal_reason=refusal_reason)
        extensions = requests.filtered(lambda request: request.kind == "extension")
        if state == "approved":
            for request in extensions:
                request._udm_grant_extension()
            extensions.write({"state": "used"})
        extensions._udm_tell_extension_decided()
        return requests

    def _udm_grant_extension(self):
        """Extend the switch of this approved request by what was asked, within what
        its policy allows now (the maximum extension, the end of its window or
        planned access). Raises UserError, the decision undone, when the switch has
        ended or cannot be extended any more."""
        self.ensure_one()
        switch = self.extension_of_id._udm_lock_open()
        now = fields.Datetime.now()
        if not switch._udm_running_at(now):
            raise UserError(
                _("The internal access this extension was asked for has ended.")
            )
        offer = switch._udm_extension_offer(now, approved=True)
        if offer["kind"]:
            raise UserError(
                _("This extension can no longer be granted: %s", offer["reason"])
            )
        return switch._udm_apply_extension(min(self.duration, offer["minutes"]))

    def _udm_told_by_mail(self):
        # the users of extension requests are in the backend: told by the countdown
        return self.kind == "switch" and super()._udm_told_by_mail()

    def _udm_tell_extension_decided(self):
        """The users' open tabs learn the decision (bus): the countdown asks the
        server for the new end, or shows the refusal and its reason."""
        self.env["bus.bus"]._sendmany(
            [
                (
                    request.user_id.partner_id,
                    BUS_EXTENSION_DECIDED,
                    {
                        "switch_id": request.extension_of_id.id,
                        "granted": request.state == "used",
                        "message": request._udm_extension_decision_message(),
                    },
                )
                for request in self
            ]
        )

    def _udm_extension_decision_message(self):
        """What the user reads about the decision, in their language."""
        self.ensure_one()
        request = self.with_context(lang=self.user_id.lang)
        if request.state == "used":
            return request._udm_extension_granted_text()
        return request._udm_extension_refused_text()

    def _udm_extension_granted_text(self):
        return _(
            "An approver extended your internal access by %s minutes.", self.duration
        )

    def _udm_extension_refused_text(self):
        if self.refusal_reason:
            return _("Your extension request was refused: %s", self.refusal_reason)
        return _("Your extension request was refused.")

    @api.model
    def _udm_expire_extensions(self, switches):
        """The waiting extension requests of these ended switches expire."""
        pending = self.sudo().search(
            [("extension_of_id", "in", switches.ids), ("state", "=", "pending")]
        )
        if pending:
            pending.write({"state": "expired"})
            pending.activity_unlink(["mail.mail_activity_data_todo"])
        return pending


class PortalInternalSwitch(models.Model):
    """The switch side of extension requests: "Extend" asks the approvers when the
    policy requires an approval; the status says when an extension is waiting or
    was refused (no second ask in that switch)."""

    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _udm_extend_or_ask(self, uid):
        """ "Extend by N minutes" of the user `uid` (the logged-in user): extends
        their open switch, or asks the approvers when the policy requires it.
        Returns {"extended": minutes} or {"requested": minutes}; UserError, nothing
        changed, when refused."""
        now = fields.Datetime.now()
        switch = self._udm_active_for_user(uid)._udm_lock_open()
        offer = switch._udm_running_at(now) and switch._udm_extension_offer(now)
        if not offer or offer["kind"] != "approval":
            # extended, or refused with the reason _udm_extend gives
            return {"extended": self._udm_extend(uid)}
        Request = self.env["portal.internal.switch.request"]
        Request._udm_file_extension(switch, offer["minutes"])
        return {"requested": offer["minutes"]}

    def _udm_status(self):
        """While an extension request waits, "Extend" is not offered and
        "extension_note" says so."""
        status = super()._udm_status()
        if self and self.state == "active" and status.get("extension_approval"):
            Request = self.env["portal.internal.switch.request"]
            blocker = Request._udm_extension_blocker(self)
            if blocker:
                status.update(
                    extension_minutes=0,
                    extension_approval=False,
                    extension_note=(
                        _(
                            "Extension of %s min asked: waiting for an approver.",
                            blocker.duration,
                        )
                        if blocker.state == "pending"
                        else blocker._udm_extension_refused_text()
                    ),
                )
        return status

    def _udm_notify_reverted(self, reason, kept_internal=False):
        self.env["portal.internal.switch.request"]._udm_expire_extensions(self)
        return super()._udm_notify_reverted(reason, kept_internal=kept_internal)
