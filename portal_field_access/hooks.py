# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def post_init_hook(env):
    """partner_firstname, installed with this addon, has just split every contact's
    name in two; the names of access right templates (access_right_template, when
    installed) name a set of rights, not a person, and are put back in one piece."""
    users = env["res.users"].with_context(active_test=False)
    if "is_access_right_template" in users._fields:
        templates = users.search([("is_access_right_template", "=", True)])
        templates._access_right_template_keep_name_whole()
