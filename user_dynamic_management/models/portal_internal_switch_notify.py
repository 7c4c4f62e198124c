# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Telling people: e-mails to the Portal switch managers, bus notifications and
chatter notes at the switch and the revert."""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, models
from odoo.fields import Command

from .const import BUS_REVERTED, PARAM_NOTIFY_MANAGERS, PARAM_NOTIFY_USER

_logger = logging.getLogger(__name__)


class PortalInternalSwitch(models.Model):
    _inherit = "portal.internal.switch"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # E-mails to the Portal switch managers (Settings, off by default)
    # ------------------------------------------------------------------

    @api.model
    def _udm_mail_recipients(self, user):
        """Partners e-mailed about `user`'s switch: the Portal switch managers, and the
        user when "Send the user a copy" is set. Empty when e-mails are off."""
        if self._udm_get_param(PARAM_NOTIFY_MANAGERS, "False") != "True":
            return self.env["res.partner"]
        group = self.env.ref(
            "user_dynamic_management.group_portal_switch_manager",
            raise_if_not_found=False,
        )
        partners = group.users.partner_id if group else self.env["res.partner"]
        if user and self._udm_get_param(PARAM_NOTIFY_USER, "False") == "True":
            partners |= user.partner_id
        return partners

    @api.model
    def _udm_send_mail(self, template_xmlid, record, user, **ctx):
        """Queue the e-mail `template_xmlid` about `record` (`user`'s switch) to the
        recipients above: one e-mail per language and timezone, each recipient
        reading it in their own (times in the template use the `udm_tz` of the
        context), not in the switching user's. Returns the ids of the mails."""
        partners = self._udm_mail_recipients(user)
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not partners or not template:
            return []
        default_lang = self.env.company.sudo().partner_id.lang or "en_US"
        audiences = defaultdict(lambda: self.env["res.partner"])
        for partner in partners.sudo():
            audiences[(partner.lang or default_lang, partner.tz or "UTC")] |= partner
        return [
            template.sudo()
            .with_context(lang=lang, udm_tz=tz, **ctx)
            .send_mail(
                record.id,
                email_values={
                    "recipient_ids": [Command.link(pid) for pid in audience.ids]
                },
            )
            for (lang, tz), audience in audiences.items()
        ]

    @api.model
    def _udm_notify_refused(self, user, message):
        """E-mail the managers that `user` was refused (quota, seats...). Called after
        the refused transaction was rolled back (see controllers/portal.py)."""
        return self._udm_send_mail(
            "user_dynamic_management.mail_template_switch_refused",
            user.sudo(),
            user,
            udm_refusal=message,
        )

    def _udm_notify_opened(self):
        """Audit note on the user's partner (instead of mail's "Portal Access
        Granted"), the managers' e-mail and a log line. Extension point."""
        self.ensure_one()
        user = self.user_id
        self._udm_send_mail(
            "user_dynamic_management.mail_template_switch_opened", self, user
        )
        user.partner_id._message_log(
            body=Markup("<p>%s</p>")
            % _(
                "Switched to an internal user (template %(template)s, IP %(ip)s).",
                template=self.template_id.name,
                ip=self.ip_address or "-",
            )
        )
        _logger.info(
            "Portal user %s (#%d) switched to internal with template %s (#%d)",
            user.login,
            user.id,
            self.template_id.name,
            self.template_id.id,
        )

    def _udm_notify_reverted(self, reason, kept_internal=False):
        """Tell the users' open tabs (bus), log a chatter note and a log line."""
        users = self.user_id
        if not self:
            return
        env = self.env
        users.fetch(["partner_id", "login"])  # one query, not one per user below
        env["bus.bus"]._sendmany(
            [
                (
                    switch.user_id.partner_id,
                    BUS_REVERTED,
                    # the id lets a newer switch's page ignore a replayed notification
                    {"reason": reason, "switch_id": switch.id},
                )
                for switch in self
                if switch.user_id
            ]
        )
        reason_label = dict(self._fields["reason"]._description_selection(env))[reason]
        if kept_internal:
            text = _(
                "Switch closed (%s): kept as an internal user by an administrator.",
                reason_label,
            )
        else:
            text = _("Switched back to a portal user (%s).", reason_label)
        note = Markup("<p>%s</p>") % text
        # one batch of audit notes (mail's own portal-access notes are bypassed)
        users.partner_id._message_log_batch({p.id: note for p in users.partner_id})
        if self._udm_mail_recipients(False):
            for switch in self:
                self._udm_send_mail(
                    "user_dynamic_management.mail_template_switch_reverted",
                    switch,
                    switch.user_id,
                    udm_reason_label=reason_label,
                )
        for switch in self:
            _logger.info(
                "User %s (#%s) switch closed (%s)%s",
                switch.user_login,
                switch.user_id.id,
                reason,
                " - kept internal" if kept_internal else "",
            )
