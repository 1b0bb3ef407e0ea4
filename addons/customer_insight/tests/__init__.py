from . import test_churn
from . import test_cross_sell
from . import test_nps
from . import test_backtest
from . import test_bench_steps
from . import test_ui
from . import test_nps_auto
