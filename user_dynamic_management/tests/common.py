# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.fields import Command
from odoo.tests.common import new_test_user

from odoo.addons.user_dynamic_management.models.portal_internal_switch import (
    PARAM_CONFIRM_PASSWORD,
    PARAM_MAX,
    PARAM_TIME_LIMIT,
)

# The route of the countdown's "Extend" (and "Ask to extend").
EXTEND_URL = "/user_dynamic_management/extend"
CONTEXT = {"tracking_disable": True, "no_reset_password": True, "mail_notrack": True}


class UdmCommon:
    """Fixtures shared by the TransactionCase and HttpCase tests (no demo data used)."""

    @classmethod
    def _udm_setup(cls):
        cls.env = cls.env(context=dict(cls.env.context, **CONTEXT))
        cls.Switch = cls.env["portal.internal.switch"]
        cls.ICP = cls.env["ir.config_parameter"].sudo()
        cls.ICP.set_param(PARAM_MAX, 0)
        cls.ICP.set_param(PARAM_TIME_LIMIT, 0)
        cls.group_portal = cls.env.ref("base.group_portal")
        cls.group_user = cls.env.ref("base.group_user")
        # a share group beyond portal, which the revert must keep
        cls.group_extra_share = cls.env["res.groups"].create(
            {"name": "UDM extra portal group", "share": True}
        )
        cls.group_template_extra = cls.env["res.groups"].create(
            {"name": "UDM template group"}
        )
        cls.template = cls.env["res.users"].create(
            {
                "name": "UDM Template",
                "login": "udm_template",
                "is_access_right_template": True,
                "groups_id": [
                    Command.set([cls.group_user.id, cls.group_template_extra.id])
                ],
            }
        )
        cls.admin_user = new_test_user(
            cls.env,
            "udm_admin",
            groups="base.group_user,base.group_erp_manager",
            tz="UTC",
        )
        cls.portal_user = cls._udm_portal_user("udm_portal1")
        cls.portal_user2 = cls._udm_portal_user("udm_portal2")
        cls.portal_user.groups_id = [Command.link(cls.group_extra_share.id)]
        cls.internal_user = new_test_user(
            cls.env,
            "udm_internal",
            groups="base.group_user",
            tz="UTC",
            password="udm_internal_pw_123",
        )

    @classmethod
    def _udm_portal_user(cls, login, allowed=True, idle=5, **kw):
        user = new_test_user(
            cls.env,
            login,
            groups="base.group_portal",
            password=f"{login}_pw_123",
            tz="UTC",
            **kw,
        )
        user.write(
            {
                "allow_portal_access_internal": allowed,
                "enable_idle_time": bool(idle),
                "idle_time": idle or 30,
                "switch_template_id": cls.template.id,
            }
        )
        return user

    def _udm_set_quota(self, max_switches, minutes):
        self.ICP.set_param(PARAM_MAX, max_switches)
        self.ICP.set_param(PARAM_TIME_LIMIT, minutes)

    def _udm_confirm_password(self, on):
        self.ICP.set_param(PARAM_CONFIRM_PASSWORD, on)

    def _udm_active(self, user):
        return self.Switch.sudo().search(
            [("user_id", "=", user.id), ("state", "=", "active")]
        )

    def _udm_assert_posted_switch_refused(self, response, user, message):
        """A switch posted from /my was refused: back on /my, which says
        ``message``; ``user`` still a portal user, no switch running."""
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertIn(message, self.url_open("/my").text)
        self.env.invalidate_all()
        self.assertTrue(user.share)
        self.assertFalse(self._udm_active(user))
