from . import portal
from . import session
from . import user_dynamic_management
