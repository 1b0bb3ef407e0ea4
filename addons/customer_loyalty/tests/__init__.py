from . import test_engine
from . import test_membership
from . import test_expiry
from . import test_integration
from . import test_bench_steps
from . import test_labels
from . import test_ui
from . import test_member_tier_report
