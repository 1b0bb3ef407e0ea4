"""Pure-Python customer scoring: RFM, lifetime value and value classes.

Nothing here imports Odoo: the models feed plain values in and store what
comes out. Each per-customer formula (quintile score, segment map, lifetime
value, value class) is written once against the operations of ``ops``: the
public functions evaluate it in Python, exactly as PostgreSQL would, and the
whole-database SQL of ``customer.profile`` renders the same formula
(``customer`` composes them as the profile stores them), so both paths agree
to the cent.
"""

from .customer import evaluate
from .ops import PYTHON, Operations, PythonOperations
from .rfm import SEGMENT_RULES, SEGMENTS, score, score_bounds, segment
from .value import CLASSES, class_thresholds, lifetime_value, value_class

__all__ = [
    "CLASSES",
    "PYTHON",
    "SEGMENTS",
    "SEGMENT_RULES",
    "Operations",
    "PythonOperations",
    "class_thresholds",
    "evaluate",
    "lifetime_value",
    "score",
    "score_bounds",
    "segment",
    "value_class",
]
