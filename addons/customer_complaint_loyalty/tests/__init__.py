from . import test_coupon_compensation
from . import test_demo
from . import test_labels
from . import test_ui
