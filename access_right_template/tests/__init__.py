from . import test_access_right_template
