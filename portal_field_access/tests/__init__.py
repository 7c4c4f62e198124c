from . import test_portal_access_group
from . import test_portal_account
from . import test_portal_account_fields
from . import test_portal_account_save
from . import test_portal_channels
from . import test_portal_hostile
from . import test_portal_tour
from . import test_install_hook
