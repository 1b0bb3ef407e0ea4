from . import customer_condition_test
