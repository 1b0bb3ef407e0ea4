"""The scores of one customer, as ``customer.profile`` stores them.

From a customer's order facts, the bounds of the company's last full run and
the company's lifetime value settings come the three RFM scores, the segment,
the lifetime value and the value class:

- a customer who did not buy within the scoring window scores 0 and is in
  the segment ``rfm.SEGMENT_OUTSIDE_WINDOW``;
- in a company never scored (no full run yet), every score is 0 and there is
  no segment and no value class; the lifetime value does not depend on it.

It is composed of the formulas of ``rfm`` and ``value`` in two steps, so
that SQL computes the three scores of a row once and classifies from them:
``score_formulas``, then ``class_formulas``. ``evaluate`` runs both in Python.

>>> bounds = {"recency": ["2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"],
...           "frequency": [2, 3, 4, 6], "monetary": [200, 300, 400, 600],
...           "classes": (1000, 400)}
>>> facts = {"first_order_date": "2025-06-01", "last_order_date": "2026-05-10",
...          "revenue": 1500, "window_order_count": 3, "window_revenue": 450}
>>> result = evaluate(facts, bounds, lifespan_years=3, margin=50)
>>> [result[column] for column in SCORE_COLUMNS], result["rfm_segment"]
([5, 3, 4], 'champions')
>>> result["lifetime_value"], result["value_class"]
(Decimal('2250.00'), 'a')

Outside the window, and in a company never scored:

>>> lapsed = dict(facts, window_order_count=0, window_revenue=0)
>>> result = evaluate(lapsed, bounds, 3, 50)
>>> [result[column] for column in SCORE_COLUMNS], result["rfm_segment"]
([0, 0, 0], 'lost')
>>> result = evaluate(facts, None, 3, 50)
>>> result["recency_score"], result["rfm_segment"], result["value_class"]
(0, None, None)
"""

import datetime

from . import rfm, value
from .ops import PYTHON

#: the facts the formulas read
FACT_INPUTS = (
    "first_order_date",
    "last_order_date",
    "revenue",
    "window_order_count",
    "window_revenue",
)
#: what ``score_formulas`` returns, then ``class_formulas``
SCORE_COLUMNS = ("recency_score", "frequency_score", "monetary_score")
CLASS_COLUMNS = ("rfm_segment", "lifetime_value", "value_class")


def score_formulas(ops, facts, bounds):
    """Formulas of the R, F and M scores, as {column: formula}.

    ``facts`` maps ``FACT_INPUTS`` to operands; ``bounds`` maps
    ``recency``, ``frequency`` and ``monetary`` to their four lower bounds
    (operands, null when the company has none).
    """
    in_window = ops.gt(facts["window_order_count"], 0)
    measures = zip(
        SCORE_COLUMNS,
        ("last_order_date", "window_order_count", "window_revenue"),
        ("recency", "frequency", "monetary"),
        strict=True,
    )
    return {
        column: rfm.score_formula(ops, facts[fact], bounds[key], in_window)
        for column, fact, key in measures
    }


def class_formulas(ops, facts, scores, bounds, settings):
    """Formulas of the segment, lifetime value and value class, as
    {column: formula}.

    ``scores`` maps ``SCORE_COLUMNS`` to operands (the scores computed by
    ``score_formulas``); ``bounds`` has ``scored`` (a condition: the
    company has bounds) and ``classes`` (the smallest revenue of class A and
    of class B); ``settings`` has ``lifespan`` (years) and ``margin`` (%).
    """
    scored = bounds["scored"]
    recency, frequency, monetary = (scores[column] for column in SCORE_COLUMNS)
    min_a, min_b = bounds["classes"]
    segment = ops.case(
        [(ops.not_(scored), None), (ops.eq(recency, 0), rfm.SEGMENT_OUTSIDE_WINDOW)],
        rfm.segment_formula(ops, recency, frequency, monetary),
    )
    lifetime_value = value.lifetime_value_formula(
        ops,
        facts["revenue"],
        facts["first_order_date"],
        facts["last_order_date"],
        settings["lifespan"],
        settings["margin"],
    )
    value_class = ops.case(
        [(ops.not_(scored), None)],
        value.value_class_formula(ops, facts["revenue"], min_a, min_b),
    )
    return dict(zip(CLASS_COLUMNS, (segment, lifetime_value, value_class), strict=True))


def _as_date(day):
    return datetime.date.fromisoformat(day) if isinstance(day, str) else day


def evaluate(facts, bounds, lifespan_years, margin):
    """Every column of ``SCORE_COLUMNS`` and ``CLASS_COLUMNS`` for one customer.

    ``facts`` maps ``FACT_INPUTS`` to values (dates as ``date`` or ISO
    strings); ``bounds`` is the company's bounds as a full run stores them
    (``recency``, ``frequency``, ``monetary``: four values or None;
    ``classes``: (min A, min B)), or None when the company was never scored.
    The lifetime value is a ``Decimal`` to the cent.
    """
    company_bounds = bounds or {}
    operands = {
        key: list(company_bounds.get(key) or [None] * 4)
        for key in ("recency", "frequency", "monetary")
    }
    operands["recency"] = [_as_date(day) for day in operands["recency"]]
    operands["classes"] = tuple(company_bounds.get("classes") or (None, None))
    operands["scored"] = bounds is not None
    facts = dict(facts)
    for key in ("first_order_date", "last_order_date"):
        facts[key] = _as_date(facts[key])
    scores = score_formulas(PYTHON, facts, operands)
    settings = {"lifespan": lifespan_years, "margin": margin}
    return {**scores, **class_formulas(PYTHON, facts, scores, operands, settings)}
