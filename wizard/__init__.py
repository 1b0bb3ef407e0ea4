from . import customer_handover_wizard_line
from . import customer_handover_wizard
from . import customer_segment_mail_wizard
