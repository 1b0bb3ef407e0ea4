from . import customer_complaint_product_rate
from . import customer_complaint_cause_pareto
