from . import test_lifecycle
from . import test_report
from . import test_profile_list
from . import test_ui
from . import test_demo
from . import test_labels
from . import test_sql_paths
from . import test_bench_steps
