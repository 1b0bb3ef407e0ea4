from . import customer_lifecycle_report
