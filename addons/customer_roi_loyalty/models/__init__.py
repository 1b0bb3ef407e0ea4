from . import customer_roi_dashboard
