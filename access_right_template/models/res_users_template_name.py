# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models

DEFAULT_TEMPLATE_XMLID = "access_right_template.template_internal_from_portal"
# its name in data/res_users_data.xml (the source of its translations)
DEFAULT_TEMPLATE_NAME = "Template for Internal from Portal"


class ResUsers(models.Model):
    """A template's name: it names a set of access rights, not a person."""

    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._access_right_template_keep_name_whole()
        return users

    def write(self, vals):
        res = super().write(vals)
        if {"name", "is_access_right_template"} & vals.keys():
            self._access_right_template_keep_name_whole()
        return res

    def _access_right_template_keep_name_whole(self):
        """Keep the names of these templates in one piece where contacts' names are
        split into first and last name (partner_firstname guesses that "Template for
        Internal from Portal" is a first name "Template"): the whole name goes to the
        last name, as that addon does for companies."""
        partners = self.sudo().filtered("is_access_right_template").partner_id
        if "firstname" not in partners._fields:
            return
        for partner in partners.filtered("firstname"):
            partner.write({"lastname": partner.name, "firstname": False})

    @api.model
    def _access_right_template_default_name(self):
        """The default template's name in the language of this environment."""
        return _("Template for Internal from Portal")  # DEFAULT_TEMPLATE_NAME

    @api.model
    def _access_right_template_name_default_template(self):
        """At installation, name the default template in the language the database
        was created in (its administrator's), unless someone renamed it already."""
        template = self.env.ref(DEFAULT_TEMPLATE_XMLID, raise_if_not_found=False)
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        lang = admin and admin.lang
        if not template or not lang or lang == "en_US":
            return
        # compared with the source text rather than with _() in English: a database
        # where English is not active would translate that too
        if template.name == DEFAULT_TEMPLATE_NAME:
            in_lang = self.with_context(lang=lang)
            template.sudo().write(
                {"name": in_lang._access_right_template_default_name()}
            )
