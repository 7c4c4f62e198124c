from . import ir_http
from . import portal_internal_switch
from . import portal_internal_switch_quota
from . import portal_internal_switch_request
from . import res_groups
from . import res_config_settings
from . import res_users
