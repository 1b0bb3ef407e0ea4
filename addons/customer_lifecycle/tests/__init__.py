from . import test_lifecycle
from . import test_report
from . import test_ui
