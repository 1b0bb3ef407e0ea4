from . import customer_segment_mail_wizard
