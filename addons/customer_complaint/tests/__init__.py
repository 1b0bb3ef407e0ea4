from . import test_complaint
from . import test_customer_facts
