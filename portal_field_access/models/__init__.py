from . import portal_access_group
from . import portal_access_group_line
from . import res_partner
from . import res_users
