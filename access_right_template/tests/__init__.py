from . import test_access_right_template
from . import test_template_guard
from . import test_template_selector
from . import test_ui
from . import test_template_name
