from . import customer_value_line
