from . import test_loyalty_roi
