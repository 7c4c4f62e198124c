# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import new_test_user


class AccessRightTemplateCommon:
    """Fixtures shared by the template tests (no demo data)."""

    @classmethod
    def _setup_art_common(cls, admin_login):
        """No tracking and no reset e-mail; ``cls.Users`` also sees archived
        users (templates often are); ``cls.admin``: an Access Rights
        administrator who may manage contacts, logging in as ``admin_login``."""
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.Users = cls.env["res.users"].with_context(active_test=False)
        cls.admin = new_test_user(
            cls.env,
            admin_login,
            groups="base.group_user,base.group_erp_manager,base.group_partner_manager",
        )
