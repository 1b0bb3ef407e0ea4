from . import test_complaint
from . import test_customer_facts
from . import test_bench_steps
from . import test_portal
from . import test_reports
from . import test_ui
from . import test_labels
from . import test_helpdesk_unit_tests
