# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import Command, http
from odoo.tests.common import new_test_user

from ..managed_fields import MANAGED_FIELDS

# What the default group "Portal users (standard rights)" grants.
STANDARD_RIGHTS = {field.key: "write" for field in MANAGED_FIELDS if field.standard}
# The password of the portal user of the fixtures (``cls.portal``).
PASSWORD = "pfa_portal_pwd1"


def _patch_temporarily_internal(case, user):
    """Make ``user`` a portal user temporarily given internal rights (as
    user_dynamic_management's switch would) for the rest of the test."""
    Users = type(case.env["res.users"])
    case.patch(Users, "_is_temporarily_internal", lambda self: self.ids == user.ids)


class PortalFieldAccessCommon:
    """Fixtures shared by the unit and HTTP tests (no demo data)."""

    @classmethod
    def _setup_pfa_common(cls):
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.admin_rights = new_test_user(
            cls.env,
            login="pfa_erp_manager",
            groups="base.group_user,base.group_erp_manager",
        )
        cls.internal = new_test_user(
            cls.env, login="pfa_internal", groups="base.group_user"
        )
        cls.portal = new_test_user(
            cls.env,
            login="pfa_portal",
            password=PASSWORD,
            groups="base.group_portal",
            name="Jane Portal",
        )
        cls.other_portal = new_test_user(
            cls.env, login="pfa_other_portal", groups="base.group_portal"
        )

    @classmethod
    def _write_portal_address(cls, **extra):
        """Give the portal user's contact the address the tests start from (what
        stock My Account requires), plus the values ``extra``."""
        cls.portal.partner_id.write(
            {
                "email": "jane@example.com",
                "phone": "+33 1 23 45 67 89",
                "street": "1 rue de la Paix",
                "city": "Paris",
                "zip": "75002",
                "country_id": cls.env.ref("base.fr").id,
                **extra,
            }
        )

    @classmethod
    def _make_group(cls, rights, users=None, all_portal_users=False, name="Group"):
        """Create a group; ``rights`` maps a field key to 'read' or 'write'."""
        group = cls.env["portal.access.group"].create(
            {
                "name": name,
                "all_portal_users": all_portal_users,
                "user_ids": [Command.set((users or cls.env["res.users"]).ids)],
            }
        )
        for line in group.line_ids:
            right = rights.get(line.field_name)
            if right == "write":
                line.perm_write = True
            elif right == "read":
                line.perm_read = True
        return group


class PortalFieldAccessHttpCommon(PortalFieldAccessCommon):
    """Helpers of the HTTP tests: requests as the portal user of the fixtures."""

    def _grant(self, rights, user=None):
        """A group giving ``rights`` to ``user`` (default: the portal user)."""
        return self._make_group(rights, users=user or self.portal)

    def _assert_password_is(self, password, user=None):
        """``password`` is the password of ``user`` (default: the portal user)."""
        self.env["res.users"].with_user(user or self.portal)._check_credentials(
            password, {"interactive": True}
        )

    def _account_post(self, data):
        """POST My Account with the portal user's address, plus ``data``."""
        partner = self.portal.partner_id
        form = {
            "csrf_token": http.Request.csrf_token(self),
            "email": partner.email,
            "phone": partner.phone,
            "street": partner.street,
            "city": partner.city,
            "zipcode": partner.zip,
            "country_id": str(partner.country_id.id),
        }
        form.update(data)
        return self.url_open("/my/account", data=form, allow_redirects=False)

    def _jsonrpc(self, model, method, *args):
        """call_kw as the web client does, in the logged-in session."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": {}},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _xmlrpc(self, model, method, *args):
        """execute_kw as the portal user."""
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.portal.id, PASSWORD, model, method, list(args)
        )
