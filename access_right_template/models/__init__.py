from . import res_users
from . import res_users_guard
from . import res_users_template_name
