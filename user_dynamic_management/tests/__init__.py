from . import test_switch
from . import test_idle
from . import test_quota
from . import test_security
from . import test_http
from . import test_concurrency
from . import test_tour
from . import test_http_portal
