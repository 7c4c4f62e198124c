from . import my_account_state
from . import my_account_form
from . import my_account_save
from . import portal
