from . import customer_lifecycle_stage
from . import customer_lifecycle_rule
from . import customer_lifecycle_state
from . import customer_lifecycle_history
from . import customer_event
from . import res_partner
from . import sale_order
from . import crm_lead
