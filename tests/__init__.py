from . import test_engine
from . import test_customer_facts
from . import test_incremental
from . import test_multi_company
from . import test_security
from . import test_settings
from . import test_performance
from . import test_ui
