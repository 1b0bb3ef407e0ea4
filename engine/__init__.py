"""Pure-Python customer scoring: RFM, lifetime value and value classes.

Nothing here imports Odoo: the models feed plain values in and store what
comes out, and the SQL used for whole-database runs is generated from the
same tables (see ``rfm.SEGMENT_RULES``), so both paths agree.
"""

from .rfm import SEGMENT_RULES, SEGMENTS, score, score_bounds, segment
from .value import CLASSES, class_thresholds, lifetime_value, value_class

__all__ = [
    "CLASSES",
    "SEGMENTS",
    "SEGMENT_RULES",
    "class_thresholds",
    "lifetime_value",
    "score",
    "score_bounds",
    "segment",
    "value_class",
]
