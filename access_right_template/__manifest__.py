# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Access Right Templates",
    "summary": "Archived template users whose groups a portal user receives "
    "when promoted to internal",
    "version": "17.0.1.3.0",
    "category": "Administration",
    "author": "Portal Suite contributors",
    "website": "https://github.com/portal-suite/odoo-portal-suite"
    "/tree/main/access_right_template",
    "license": "LGPL-3",
    "maintainers": ["portal-suite"],
    "development_status": "Beta",
    "application": True,
    "images": [
        "static/description/access_right_templates.png",
        "static/description/access_right_template_form.png",
    ],
    "depends": ["auth_signup"],
    "data": [
        "security/access_right_template_security.xml",
        "data/res_users_data.xml",
        "views/res_users_views.xml",
        "views/access_right_template_menus.xml",
    ],
    "demo": ["demo/res_users_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "access_right_template/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
}
