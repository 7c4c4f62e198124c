# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def migrate(cr, version):
    """Switches opened before 17.0.1.1.0 have no user name and login of their own (kept
    since then so that the history outlives a deleted user): copy them from the user.
    Without them, Revert now on a switch still active at upgrade time fails (its message
    names the users) and the history shows empty names."""
    cr.execute(
        """
        UPDATE portal_internal_switch AS switch
           SET user_name = COALESCE(switch.user_name, partner.name),
               user_login = COALESCE(switch.user_login, users.login)
          FROM res_users AS users
          JOIN res_partner AS partner ON partner.id = users.partner_id
         WHERE users.id = switch.user_id
           AND (switch.user_name IS NULL OR switch.user_login IS NULL)
        """
    )
