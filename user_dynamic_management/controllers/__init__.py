from . import home
from . import portal
from . import portal_request
from . import session
from . import user_dynamic_management
