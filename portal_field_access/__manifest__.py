# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Portal Field Access",
    "summary": "Portal Access Groups grant portal users Read or Write on their "
    "own login, password, names, address, language and SIRET, on every channel",
    "version": "17.0.2.5.0",
    "category": "Administration",
    "author": "Portal Suite contributors",
    "website": "https://github.com/portal-suite/odoo-portal-suite"
    "/tree/main/portal_field_access",
    "license": "AGPL-3",
    "maintainers": ["portal-suite"],
    "development_status": "Beta",
    "application": True,
    "images": [
        "static/description/portal_my_account.png",
        "static/description/portal_access_group_form.png",
    ],
    "depends": ["portal", "partner_firstname"],
    "external_dependencies": {"python": ["python-stdnum"]},
    "data": [
        "security/ir.model.access.csv",
        "data/portal_access_group_data.xml",
        "views/portal_access_group_views.xml",
        "views/res_users_views.xml",
        "views/res_partner_views.xml",
        "views/portal_field_access_menus.xml",
        "views/portal_templates.xml",
    ],
    "demo": ["demo/portal_access_group_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "portal_field_access/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
}
