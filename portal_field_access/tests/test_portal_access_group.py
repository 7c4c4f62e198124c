# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from ..managed_fields import FIELD_KEYS
from .common import STANDARD_RIGHTS, PortalFieldAccessCommon


@tagged("post_install", "-at_install")
class TestPortalAccessGroup(PortalFieldAccessCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_pfa_common()

    def test_new_group_has_one_line_per_field(self):
        group = self.env["portal.access.group"].create({"name": "Empty"})
        self.assertEqual(
            sorted(group.line_ids.mapped("field_name")), sorted(FIELD_KEYS)
        )
        self.assertFalse(any(group.line_ids.mapped("perm_read")))
        self.assertFalse(any(group.line_ids.mapped("perm_write")))
        # nobody is listed: the portal user keeps the default rights
        self.assertEqual(self.portal._portal_field_access(), STANDARD_RIGHTS)

    def test_default_group(self):
        """A portal user in no group gets the rights stock Odoo gives; one an
        admin puts in a group gets exactly that group's rights."""
        default = self.env.ref("portal_field_access.portal_access_group_default")
        self.assertTrue(default.default_group)
        self.assertEqual(
            set(STANDARD_RIGHTS),
            {"firstname", "lastname", "email", "phone", "company_name", "vat"}
            | {"street", "city", "zip", "country_id", "state_id", "password"},
        )
        self.assertEqual(self.portal._portal_field_access(), STANDARD_RIGHTS)
        self._make_group({"firstname": "read"}, users=self.portal)
        self.assertEqual(self.portal._portal_field_access(), {"firstname": "read"})
        # the others still get the default rights
        self.assertEqual(self.other_portal._portal_field_access(), STANDARD_RIGHTS)
        # a group for all portal users replaces the default for everyone
        self._make_group({"lang": "write"}, all_portal_users=True)
        self.assertEqual(self.other_portal._portal_field_access(), {"lang": "write"})

    def test_translations(self):
        """Labels, messages and the default group are translated."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["portal_field_access"], ["fr_FR"]
        )
        portal = self.portal.with_context(lang="fr_FR")
        self.assertEqual(portal._pfa_labels()["lastname"], "Nom")
        self._make_group({"street2": "write"}, users=self.portal)
        with self.assertRaises(AccessError) as exc:
            self.portal.with_user(self.portal).with_context(lang="fr_FR").write(
                {"lang": "fr_FR"}
            )
        self.assertEqual(
            exc.exception.args[0],
            "Vous n'êtes pas autorisé à modifier : Langue. Rien n'a été enregistré.",
        )
        # the refusals of the hostile-client fixes too
        with self.assertRaises(ValidationError) as exc:
            self.portal.with_user(self.portal).with_context(lang="fr_FR").write(
                {"street2": "Bat.\u202eA"}
            )
        self.assertIn("contient un saut de ligne", exc.exception.args[0])
        with self.assertRaises(UserError) as exc:
            portal._pfa_check_password_reset()
        self.assertIn("ne peut donc pas être réinitialisé ici", exc.exception.args[0])
        default = self.env.ref("portal_field_access.portal_access_group_default")
        self.assertEqual(
            default.with_context(lang="fr_FR").name,
            "Utilisateurs portail (droits standard)",
        )

    def test_form_creates_group(self):
        """New > Name > Save works from the form (the lines' Field is sent)."""
        form = Form(self.env["portal.access.group"].with_user(self.admin_rights))
        form.name = "From the form"
        with form.line_ids.edit(0) as line:
            line.perm_write = True
        with form.line_ids.edit(1) as line:
            line.perm_read = True
        form.user_ids.add(self.portal)
        group = form.save()
        self.assertEqual(
            sorted(group.line_ids.mapped("field_name")), sorted(FIELD_KEYS)
        )
        self.assertEqual(group.user_ids, self.portal)
        self.assertEqual(
            self.portal._portal_field_access(),
            {FIELD_KEYS[0]: "write", FIELD_KEYS[1]: "read"},
        )

    def test_union_of_groups(self):
        self._make_group(
            {"login": "read", "street2": "write"}, users=self.portal, name="A"
        )
        self._make_group(
            {"login": "write", "street2": "read", "siret": "read"},
            users=self.portal,
            name="B",
        )
        self._make_group({"lang": "write"}, users=self.other_portal, name="C")
        self.assertEqual(
            self.portal._portal_field_access(),
            {"login": "write", "street2": "write", "siret": "read"},
        )
        self.assertEqual(self.other_portal._portal_field_access(), {"lang": "write"})

    def test_all_portal_users(self):
        group = self._make_group({"siret": "read"}, all_portal_users=True)
        self._make_group({"siret": "write"}, users=self.other_portal)
        self.assertEqual(self.portal._portal_field_access(), {"siret": "read"})
        self.assertEqual(self.other_portal._portal_field_access(), {"siret": "write"})
        # archived groups give nothing: back to the default rights
        group.active = False
        self.assertEqual(self.portal._portal_field_access(), STANDARD_RIGHTS)

    def test_internal_and_public_users_unaffected(self):
        self._make_group({key: "write" for key in FIELD_KEYS}, all_portal_users=True)
        group = self._make_group({"login": "write"})
        # an internal user listed in a group (e.g. after a change of user type)
        group.sudo().user_ids = [Command.link(self.internal.id)]
        self.assertEqual(self.internal._portal_field_access(), {})
        self.assertEqual(self.env.ref("base.public_user")._portal_field_access(), {})
        self.assertEqual(self.admin_rights._portal_field_access(), {})

    def test_write_implies_read(self):
        group = self._make_group({})
        line = group.line_ids.filtered(lambda rec: rec.field_name == "street2")
        line.perm_write = True
        self.assertTrue(line.perm_read)
        # Write without Read is refused
        with self.assertRaises(ValidationError) as exc:
            line.write({"perm_read": False})
        self.assertRegex(exc.exception.args[0], "Write implies Read")
        self.env.invalidate_all()
        self.assertTrue(line.perm_read)
        self.assertTrue(line.perm_write)
        # the rights of a write line include reading
        group.user_ids = [Command.link(self.portal.id)]
        self.assertEqual(self.portal._portal_field_access(), {"street2": "write"})

    def test_password_is_write_only(self):
        group = self._make_group({"password": "read"})
        line = group.line_ids.filtered(lambda rec: rec.field_name == "password")
        # Read alone is meaningless for a password: it mirrors Write
        line.perm_read = True
        line.flush_recordset()
        group.user_ids = [Command.link(self.portal.id)]
        self.assertNotIn("password", self.portal._portal_field_access())
        line.perm_write = True
        self.assertEqual(self.portal._portal_field_access(), {"password": "write"})

    def test_one_line_per_field(self):
        group = self._make_group({})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["portal.access.group.line"].create(
                {"group_id": group.id, "field_name": "login"}
            )
            self.env.flush_all()

    def test_user_form_shows_groups(self):
        group = self._make_group({"login": "read"}, users=self.portal)
        self.assertEqual(
            self.portal.with_user(self.admin_rights).portal_access_group_ids, group
        )
        arch = (
            self.env["res.users"]
            .with_user(self.admin_rights)
            .get_view(self.env.ref("base.view_users_form").id)["arch"]
        )
        self.assertIn('name="portal_access_group_ids"', arch)
        # membership edited from the user's side applies at once (cached rights)
        self.assertEqual(self.other_portal._portal_field_access(), STANDARD_RIGHTS)
        self.other_portal.with_user(self.admin_rights).write(
            {"portal_access_group_ids": [Command.link(group.id)]}
        )
        self.assertEqual(self.other_portal._portal_field_access(), {"login": "read"})

    def test_admin_only_access(self):
        Group = self.env["portal.access.group"]
        # an Access Rights administrator manages groups
        group = Group.with_user(self.admin_rights).create({"name": "Managed"})
        group.with_user(self.admin_rights).write(
            {"user_ids": [Command.link(self.portal.id)]}
        )
        group.line_ids[:1].with_user(self.admin_rights).perm_write = True
        self.assertTrue(group.with_user(self.admin_rights).read(["name"]))
        # internal (non admin) and portal users may neither read nor change them
        for user in (self.internal, self.portal):
            with self.assertRaises(AccessError):
                Group.with_user(user).create({"name": "Forbidden"})
            with self.assertRaises(AccessError):
                group.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                group.with_user(user).write({"all_portal_users": True})
            with self.assertRaises(AccessError):
                group.line_ids[:1].with_user(user).write({"perm_write": True})
            with self.assertRaises(AccessError):
                group.with_user(user).unlink()
        # nor add themselves to a group through their own user record
        with self.assertRaises(AccessError):
            self.portal.with_user(self.portal).write(
                {"portal_access_group_ids": [Command.link(group.id)]}
            )
        self.env.invalidate_all()
        self.assertFalse(group.all_portal_users)
        self.assertEqual(group.user_ids, self.portal)
        self.assertFalse(Group.search([("name", "=", "Forbidden")]))
