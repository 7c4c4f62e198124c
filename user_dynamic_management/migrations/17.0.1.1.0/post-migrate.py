# Copyright 2026 Portal Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The revert job's scheduled action is noupdate data: give existing databases the
    new code (the run before a close deadline waits for it)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref(
        "user_dynamic_management.ir_cron_revert_idle_switches",
        raise_if_not_found=False,
    )
    if cron and cron.code.strip() == "model._cron_revert_idle_switches()":
        cron.code = "model._cron_revert_idle_switches(wait_near_deadline=True)"
