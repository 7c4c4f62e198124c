# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a governed user's change leaves behind on ``res.users``: the note on
the contact's chatter and the security notice of a login change."""

from markupsafe import Markup

from odoo import _, models, tools

# Shown for an empty value (read-only fields, audit notes).
EMPTY = "\N{EM DASH}"


class ResUsers(models.Model):
    """Audit notes and notices of a governed user's changes."""

    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    def _pfa_display(self, field, value):
        """Human form of a normalized value, for notes and read-only fields."""
        if not value:
            return EMPTY
        if field.widget == "country":
            return self.env["res.country"].sudo().browse(value).display_name
        if field.widget == "state":
            return self.env["res.country.state"].sudo().browse(value).display_name
        if field.widget == "lang":
            return dict(self.env["res.lang"].get_installed()).get(value, value)
        return str(value)

    def _pfa_log_changes(self, changes):
        """Log ``[(field, old, new)]`` on the contact's chatter (never a
        password value), at the end of the transaction
        (``res.partner._pfa_queue_audit_note``)."""
        if not changes:
            return
        self.ensure_one()
        labels = self._pfa_labels()
        items = []
        for field, old, new in changes:
            label = labels[field.key]
            if field.write_only:
                items.append(Markup("<li>%s</li>") % _("%s changed", label))
            else:
                new = self._pfa_normalize(field, new)
                items.append(
                    Markup("<li>%s: %s \N{RIGHTWARDS ARROW} %s</li>")
                    % (
                        label,
                        self._pfa_display(field, old),
                        self._pfa_display(field, new),
                    )
                )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            _("Profile changed by the portal user:"),
            Markup().join(items),
        )
        self.partner_id._pfa_queue_audit_note(body)

    def _pfa_send_login_notice(self, old_login, old_email):
        """Warn the old address(es) that the login changed (as a security
        notice: the owner of the account may not be the one who changed it)."""
        self.ensure_one()
        recipients = {
            address
            for address in (old_email, old_login)
            if address and tools.single_email_re.match(address)
        }
        if not recipients:
            return
        # the notice speaks the user's language (_() reads self's context)
        self.with_context(lang=self.lang or self.env.lang)._pfa_create_login_notice(
            old_login, sorted(recipients)
        )

    def _pfa_create_login_notice(self, old_login, recipients):
        """Queue the login-change notice to ``recipients``."""
        body = Markup("<div><p>%s</p><p>%s</p><p>%s</p></div>") % (
            _("Hello %s,", self.name),
            _(
                "The login of your account was changed from %(old)s to %(new)s.",
                old=old_login,
                new=self.login,
            ),
            _(
                "If you did not make this change, contact us at once: someone "
                "may have access to your account."
            ),
        )
        # sudo: portal users may not create mails
        self.env["mail.mail"].sudo().create(
            {
                "subject": _("Your login was changed"),
                "body_html": body,
                "email_to": ",".join(recipients),
                "email_from": self.company_id.partner_id.email_formatted or False,
                "auto_delete": True,
            }
        )
