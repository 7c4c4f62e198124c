from . import portal_wizard_user
from . import portal_internal_switch_revert
from . import portal_internal_switch_request_refuse
