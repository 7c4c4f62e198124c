# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import fields, models

# Key of the transaction's precommit data: {contact id: [audit note bodies]}
# waiting to be logged (res.partner._pfa_queue_audit_note).
AUDIT_NOTES = "portal_field_access.audit_notes"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Same name, label and size as l10n_fr's field, so that both addons can be
    # installed together without depending on the accounting stack.
    siret = fields.Char(string="SIRET", size=14)

    def write(self, vals):
        # a portal user writing their own contact (if some addon lets them)
        # obeys the same rights as on their user (res.users._pfa_guard_own_write)
        Users = self.env["res.users"]
        vals, changes = Users._pfa_guard_own_write(self, vals)
        res = super().write(vals)
        self.env.user._pfa_log_changes(changes)
        return res

    # ------------------------------------------------------------------
    # Audit notes of portal users' changes (res.users._pfa_log_changes)
    # ------------------------------------------------------------------
    def _pfa_queue_audit_note(self, body):
        """Log the audit note ``body`` on this contact's chatter when the
        transaction commits. A change of a tracked field (the address, the
        e-mail) makes mail log a tracking message on the contact then: the note
        becomes that message's text, one message instead of two (a second
        message doubled the cost of a My Account save). Otherwise the note is
        logged alone (``_pfa_log_pending_notes``)."""
        self.ensure_one()
        notes = self.env.cr.precommit.data.setdefault(AUDIT_NOTES, {})
        if not notes:
            self.env.cr.precommit.add(self.browse()._pfa_log_pending_notes)
        notes.setdefault(self.id, []).append(body)

    def _track_get_default_log_message(self, tracked_fields):
        # the text of the contact's tracking message: the audit notes waiting
        # for it, if any
        body = super()._track_get_default_log_message(tracked_fields)
        notes = self.env.cr.precommit.data.get(AUDIT_NOTES, {}).pop(self.id, None)
        if not notes:
            return body
        return Markup().join([body, *notes] if body else notes)

    def _pfa_log_pending_notes(self):
        """Log the audit notes no tracking message carried (run before the
        commit)."""
        data = self.env.cr.precommit.data
        if data.get(f"mail.tracking.{self._name}"):
            # the contacts' tracking runs later in this commit (a contact was
            # written after the first note was queued): let it take its notes
            # first. Mail pops that key when it runs, so this ends.
            self.env.cr.precommit.add(self._pfa_log_pending_notes)
            return
        for partner_id, bodies in data.pop(AUDIT_NOTES, {}).items():
            # sudo: a portal user may not post on contacts; the note is about
            # their own contact and written by the server
            self.browse(partner_id).sudo()._message_log(body=Markup().join(bodies))
        # the main flush ran before the precommit hooks
        self.env.flush_all()
