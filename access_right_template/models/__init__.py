from . import res_users
from . import res_users_guard
