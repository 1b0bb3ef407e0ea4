from . import customer_roi_campaign_report
from . import customer_roi_customer_report
from . import customer_roi_dashboard_xlsx
from . import customer_roi_dashboard_pdf
