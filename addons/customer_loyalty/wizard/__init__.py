from . import customer_loyalty_enrol_wizard
