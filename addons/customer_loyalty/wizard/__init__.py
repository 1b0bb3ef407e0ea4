from . import customer_loyalty_enrol_wizard
from . import loyalty_card_update_balance
