from . import customer_roi_campaign_cost
from . import utm_campaign
from . import customer_value_line
from . import customer_roi_dashboard
from . import customer_roi_target
from . import customer_roi_demo
