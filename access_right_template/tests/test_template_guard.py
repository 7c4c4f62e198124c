# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged

from .common import AccessRightTemplateCommon


@tagged("post_install", "-at_install")
class TestTemplateGuard(AccessRightTemplateCommon, TransactionCase):
    """A template that lets its users create, change or delete administration data
    is refused unless "Allows administration rights" is ticked; templates made of
    ordinary business groups are accepted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_art_common("guard_admin")
        cls.group_user = cls.env.ref("base.group_user")
        cls.template = cls.Users.with_user(cls.admin).create(
            {
                "name": "Guarded template",
                "is_access_right_template": True,
                "groups_id": [Command.set(cls.group_user.ids)],
            }
        )

    def _group_writing(self, model_xmlid, name=None, **perms):
        """A custom group with create/write/delete rights on one model and no
        administration group among its implied groups."""
        model = self.env.ref(model_xmlid)
        perms = perms or {"perm_write": True}
        return self.env["res.groups"].create(
            {
                "name": name or f"Writes {model.model}",
                "model_access": [
                    Command.create(
                        {
                            "name": f"guard test {model.model}",
                            "model_id": model.id,
                            "perm_read": True,
                            **perms,
                        }
                    )
                ],
            }
        )

    def _group_reading(self, model_xmlid, domain=None):
        """A custom group with read rights on one model, and a record rule for
        reading when `domain` is given."""
        model = self.env.ref(model_xmlid)
        vals = {
            "name": f"Reads {model.model}",
            "model_access": [
                Command.create(
                    {
                        "name": f"guard test read {model.model}",
                        "model_id": model.id,
                        "perm_read": True,
                    }
                )
            ],
        }
        if domain:
            vals["rule_groups"] = [
                Command.create(
                    {
                        "name": f"guard test rule {model.model}",
                        "model_id": model.id,
                        "domain_force": domain,
                        "perm_read": True,
                        "perm_write": False,
                        "perm_create": False,
                        "perm_unlink": False,
                    }
                )
            ]
        return self.env["res.groups"].create(vals)

    def _assert_accepted(self, group):
        """`group` makes an acceptable template with Internal User."""
        self.assertFalse(
            self.Users._access_right_template_admin_powers_for(self.group_user | group)
        )
        self.template.with_user(self.admin).groups_id = [Command.link(group.id)]
        self.assertIn(group, self.template.groups_id)
        self.template.with_user(self.admin).groups_id = [Command.unlink(group.id)]

    def _assert_refused(self, group, model_name, power=None):
        """Adding `group` to the template is refused, names the model (and `power`,
        the sentence naming the group, the operation and the model, when given), and
        changes nothing; with "Allows administration rights" it is accepted."""
        before = self.template.groups_id
        with self.assertRaises(ValidationError) as cm:
            self.template.with_user(self.admin).write(
                {"groups_id": [Command.link(group.id)]}
            )
        self.assertIn(model_name, str(cm.exception))
        if power:
            self.assertIn(power, str(cm.exception))
        self.assertIn("Allows administration rights", str(cm.exception))
        self.env.invalidate_all()
        self.assertEqual(self.template.groups_id, before)
        self.assertFalse(self.template.allow_administration_rights)
        # deliberately allowed: accepted
        self.template.with_user(self.admin).write(
            {
                "allow_administration_rights": True,
                "groups_id": [Command.link(group.id)],
            }
        )
        self.assertIn(group, self.template.groups_id)
        self.assertTrue(self.template._access_right_template_validate())
        self.template.with_user(self.admin).write(
            {
                "groups_id": [Command.set(before.ids)],
                "allow_administration_rights": False,
            }
        )

    # refused -------------------------------------------------------------

    def test_write_on_technical_models_refused(self):
        for model_xmlid, model_name in [
            ("base.model_ir_asset", "ir.asset"),
            ("base.model_ir_model_data", "ir.model.data"),
            ("base.model_ir_mail_server", "ir.mail_server"),
            ("base.model_res_company", "res.company"),
            ("base.model_ir_cron", "ir.cron"),
            ("base.model_ir_ui_view", "ir.ui.view"),
            ("base.model_res_users", "res.users"),
        ]:
            with self.subTest(model=model_name):
                self._assert_refused(self._group_writing(model_xmlid), model_name)

    def test_create_or_delete_count_too(self):
        self._assert_refused(
            self._group_writing("base.model_ir_asset", perm_create=True), "ir.asset"
        )
        self._assert_refused(
            self._group_writing("base.model_ir_cron", perm_unlink=True), "ir.cron"
        )

    def test_write_on_mail_templates_refused_when_restricted(self):
        """In Odoo's default configuration every internal user may edit every mail
        template (Internal User implies Mail Template Editor), so no group can give
        more. Once template rendering is restricted, internal users edit only their
        own templates: a group opening all of them is refused, and so is the Mail
        Template Editor group; write access alone (still limited to one's own
        templates by the employees' rule) gives nothing more and is accepted."""
        writes_all = self._group_writing("mail.model_mail_template")
        writes_all.rule_groups = [
            Command.create(
                {
                    "name": "every mail template",
                    "model_id": self.env.ref("mail.model_mail_template").id,
                    "domain_force": "[(1, '=', 1)]",
                    "perm_read": False,
                }
            )
        ]
        writes_own = self._group_writing("mail.model_mail_template", "Writes own")
        for group in (writes_all, writes_own):
            self.assertFalse(
                self.Users._access_right_template_admin_models_for(
                    self.group_user | group
                ),
                "default configuration: no more than an internal user may do",
            )
        self.env["ir.config_parameter"].sudo().set_param(
            "mail.restrict.template.rendering", True
        )
        self.assertNotIn(
            self.env.ref("mail.group_mail_template_editor"),
            self.group_user.trans_implied_ids,
        )
        self._assert_refused(writes_all, "mail.template")
        self._assert_refused(
            self.env.ref("mail.group_mail_template_editor"), "mail.template"
        )
        self.template.with_user(self.admin).groups_id = [Command.link(writes_own.id)]
        self.assertIn(writes_own, self.template.groups_id)

    def test_widening_record_rule_refused(self):
        """Internal users write only their own filters; a group whose record rule
        opens every user's filters widens that."""
        group = self.env["res.groups"].create(
            {
                "name": "Edits everybody's filters",
                "rule_groups": [
                    Command.create(
                        {
                            "name": "all filters",
                            "model_id": self.env.ref("base.model_ir_filters").id,
                            "domain_force": "[(1, '=', 1)]",
                            "perm_read": False,
                            "perm_create": False,
                            "perm_unlink": False,
                            "perm_write": True,
                        }
                    )
                ],
            }
        )
        self._assert_refused(group, "ir.filters")

    def test_read_of_secret_models_refused(self):
        """Reading the models that hold secrets (database.secret, password reset
        links, mail server passwords, logs) is administration: the refusal names the
        group, the model and that it may read it."""
        for model_xmlid in (
            "base.model_ir_config_parameter",
            "mail.model_mail_mail",
            "mail.model_fetchmail_server",
            "base.model_ir_logging",
            "base.model_res_users_log",
        ):
            model = self.env.ref(model_xmlid)
            with self.subTest(model=model.model):
                group = self._group_reading(model_xmlid)
                self._assert_refused(
                    group,
                    model.model,
                    f"group '{group.name}' may read '{model.name}' ({model.model}), "
                    "which holds secrets",
                )

    def test_read_of_everybody_api_keys_refused(self):
        """Internal users read their own API keys (a rule of the Internal User
        group); a group whose rule opens everybody's keys is refused, a group merely
        granting read rights again (or with an own-records rule) is not."""
        model = self.env.ref("base.model_res_users_apikeys")
        opens_all = self._group_reading("base.model_res_users_apikeys", "[]")
        self._assert_refused(
            opens_all,
            "res.users.apikeys",
            f"group '{opens_all.name}' may read '{model.name}' (res.users.apikeys)",
        )
        self._assert_accepted(self._group_reading("base.model_res_users_apikeys"))
        self._assert_accepted(
            self._group_reading(
                "base.model_res_users_apikeys", '[("user_id", "=", user.id)]'
            )
        )

    def test_read_of_own_records_accepted(self):
        """Reading only one's own records of a secret model reveals no one else's
        secrets; creating or changing even one's own code is still refused."""
        self._assert_accepted(
            self._group_reading(
                "mail.model_mail_mail", "[('create_uid', '=', user.id)]"
            )
        )
        own_crons = self._group_writing("base.model_ir_cron", perm_create=True)
        own_crons.rule_groups = [
            Command.create(
                {
                    "name": "own crons",
                    "model_id": self.env.ref("base.model_ir_cron").id,
                    "domain_force": "[('create_uid', '=', user.id)]",
                }
            )
        ]
        self._assert_refused(own_crons, "ir.cron")

    def test_message_names_group_operation_and_model(self):
        model = self.env.ref("base.model_ir_asset")
        group = self._group_writing("base.model_ir_asset", perm_unlink=True)
        self._assert_refused(
            group,
            "ir.asset",
            f"is administration-equivalent: group '{group.name}' may delete "
            f"'{model.name}' (ir.asset) records, which are administration data. Tick "
            "'Allows administration rights' on it to use it anyway.",
        )

    def test_implied_group_counts(self):
        writer = self._group_writing("base.model_ir_config_parameter")
        wrapper = self.env["res.groups"].create(
            {"name": "Innocent looking", "implied_ids": [Command.link(writer.id)]}
        )
        self._assert_refused(wrapper, "ir.config_parameter")

    def test_checked_again_at_switch_time(self):
        """Rights given to a template's group after the template was saved are
        caught by `_access_right_template_validate`, which consumers call at every
        switch."""
        group = self.env["res.groups"].create({"name": "Harmless for now"})
        self.template.with_user(self.admin).groups_id = [Command.link(group.id)]
        self.assertTrue(self.template._access_right_template_validate())
        self.env["ir.model.access"].create(
            {
                "name": "later: assets",
                "model_id": self.env.ref("base.model_ir_asset").id,
                "group_id": group.id,
                "perm_read": True,
                "perm_write": True,
            }
        )
        with self.assertRaises(ValidationError) as cm:
            self.template._access_right_template_validate()
        self.assertIn("ir.asset", str(cm.exception))

    def test_one_query(self):
        """The capability check reads access rights and rules in one query, not one
        per model."""
        group = self._group_writing("base.model_ir_asset")
        groups = self.group_user | group
        self.Users._access_right_template_admin_models_for(groups)  # warm caches
        count = self.env.cr.sql_log_count
        models = self.Users._access_right_template_admin_models_for(groups)
        # the check itself, and env.ref()'s existence check of Internal User
        self.assertLessEqual(self.env.cr.sql_log_count - count, 2)
        self.assertEqual(models.mapped("model"), ["ir.asset"])

    # accepted ------------------------------------------------------------

    def test_every_ordinary_group_accepted(self):
        """Every installed group but the other user types and the administration
        groups (and the groups implying them) makes an acceptable template with
        Internal User: Contact Creation, Multi Currencies, Technical Features,
        Access to export, Mail Template Editor, and the business apps' user and
        manager groups when they are installed."""
        Users = self.Users.with_user(self.admin)
        user_types = self.env.ref("base.module_category_user_type")
        admin_groups = Users._access_right_template_admin_groups()
        excluded = admin_groups | self.env.ref("base.group_portal")
        ordinary = (
            self.env["res.groups"]
            .search([])
            .filtered(
                lambda g: (
                    g.category_id != user_types
                    and not ((g | g.trans_implied_ids) & excluded)
                )
            )
        )
        self.assertIn(self.env.ref("base.group_partner_manager"), ordinary)
        self.assertIn(self.env.ref("base.group_allow_export"), ordinary)
        refused = {}
        for group in ordinary:
            try:
                with self.env.cr.savepoint():
                    Users.create(
                        {
                            "name": f"Template with {group.full_name}",
                            "is_access_right_template": True,
                            "groups_id": [Command.set((self.group_user | group).ids)],
                        }
                    )
            except ValidationError as error:
                refused[group.full_name] = str(error)
        self.assertFalse(refused)

    def test_reading_or_writing_contacts_accepted(self):
        """Contacts are not administration data, not even the contacts of other
        users (see `_access_right_template_technical_model_patterns`): a group
        reading every contact, or changing them like Contact Creation, is accepted.
        So are the other ordinary models of the secret-looking kind: attachments
        (checked against their document), mail servers (their passwords are fields
        for Settings only)."""
        self._assert_accepted(self._group_reading("base.model_res_partner", "[]"))
        self._assert_accepted(self._group_writing("base.model_res_partner"))
        self._assert_accepted(self._group_reading("base.model_ir_attachment"))
        self._assert_accepted(self._group_reading("base.model_ir_mail_server"))

    def test_secret_models_in_registry(self):
        secret = self.Users._access_right_template_secret_models()
        self.assertIn("ir.config_parameter", secret)
        self.assertNotIn("ir.attachment", secret)
        self.assertTrue(all(model in self.env for model in secret))
        self.assertEqual(
            "auth_totp.device" in secret, "auth_totp.device" in self.env.registry
        )

    def test_administration_groups_refused(self):
        before = self.template.groups_id
        for xmlid in (
            "base.group_erp_manager",
            "base.group_system",
            "base.group_sanitize_override",
        ):
            group = self.env.ref(xmlid)
            with self.subTest(group=xmlid):
                with self.assertRaises(ValidationError) as cm:
                    self.template.with_user(self.admin).write(
                        {"groups_id": [Command.link(group.id)]}
                    )
                self.assertIn("grants administration rights", str(cm.exception))
                self.env.invalidate_all()
                self.assertEqual(self.template.groups_id, before)
