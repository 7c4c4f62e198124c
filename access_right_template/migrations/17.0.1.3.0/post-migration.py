# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""17.0.1.3: templates' names stay whole where partner_firstname splits names.

Databases where partner_firstname (brought by portal_field_access) was installed after
the templates were created show "Template" as a first name; the whole name goes back to
the last name. The default template keeps the name it has: an administrator may have
renamed it, and a renamed record is theirs.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    templates = (
        env["res.users"]
        .with_context(active_test=False)
        .search([("is_access_right_template", "=", True)])
    )
    templates._access_right_template_keep_name_whole()
