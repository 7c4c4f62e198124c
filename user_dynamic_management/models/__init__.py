from . import base
from . import bus_bus
from . import ir_http
from . import ir_websocket
from . import portal_internal_switch

# the switch model's jobs, before the files that extend them
from . import portal_internal_switch_deadline
from . import portal_internal_switch_limits
from . import portal_internal_switch_notify
from . import portal_internal_switch_open
from . import portal_internal_switch_revert
from . import portal_internal_switch_fairness
from . import portal_internal_switch_foothold
from . import portal_internal_switch_grant
from . import portal_internal_switch_quota
from . import portal_internal_switch_refusal
from . import portal_internal_switch_report
from . import portal_internal_switch_request
from . import portal_internal_switch_token
from . import portal_internal_switch_window
from . import res_groups
from . import res_config_settings
from . import res_partner
from . import res_users
from . import portal_internal_switch_extension
from . import res_users_extension
from . import portal_internal_switch_request_extension
