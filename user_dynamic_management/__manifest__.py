# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "User Dynamic Management",
    "summary": "Portal users switch themselves to internal users for a while, "
    "and are switched back when idle or on logout",
    "version": "17.0.1.4.0",
    "category": "Administration",
    "author": "Portal Suite contributors",
    "website": "https://github.com/portal-suite/odoo-portal-suite"
    "/tree/main/user_dynamic_management",
    "license": "LGPL-3",
    "maintainers": ["portal-suite"],
    "development_status": "Beta",
    "application": True,
    "images": [
        "static/description/portal_switch_card.png",
        "static/description/backend_countdown.png",
        "static/description/portal_switches.png",
    ],
    "depends": ["base_setup", "bus", "mail", "portal", "access_right_template"],
    "data": [
        "security/res_groups.xml",
        "security/ir.model.access.csv",
        "security/portal_internal_switch_request_security.xml",
        "data/ir_config_parameter_data.xml",
        "data/portal_internal_switch_quota_data.xml",
        "data/ir_cron_data.xml",
        "data/res_users_data.xml",
        "data/mail_template_data.xml",
        "views/res_users_views.xml",
        "views/portal_wizard_views.xml",
        "views/portal_internal_switch_views.xml",
        "views/portal_internal_switch_revert_views.xml",
        "views/portal_internal_switch_report_views.xml",
        "views/res_config_settings_views.xml",
        "views/portal_internal_switch_request_views.xml",
        "views/portal_templates.xml",
        "views/portal_request_templates.xml",
        "views/user_dynamic_management_menus.xml",
    ],
    "demo": ["demo/res_users_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "user_dynamic_management/static/src/switch_countdown/*",
        ],
        "web.assets_frontend": [
            "user_dynamic_management/static/src/portal/*",
        ],
        "web.assets_tests": [
            "user_dynamic_management/static/tests/tours/*.js",
        ],
        "web.qunit_suite_tests": [
            "user_dynamic_management/static/tests/*.js",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
