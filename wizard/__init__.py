from . import customer_handover_wizard_line
from . import customer_handover_wizard
