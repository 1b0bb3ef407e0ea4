from . import customer_complaint_compensation
