# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """The default template is named in the database's language, not in English."""
    env["res.users"]._access_right_template_name_default_template()
