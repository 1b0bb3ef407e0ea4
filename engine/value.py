"""Value classes (ABC, the 80/20 rule) and customer lifetime value.

Value class
-----------
Customers are ranked by revenue, highest first. A customer's *prior share*
is the share of total revenue made by the customers with strictly more
revenue. Class A holds the customers whose prior share is below the A share
(80% by default): together they make the first 80% of revenue, the customer
who crosses the line included. Class B holds those below the B share (95%),
class C the rest. Customers with equal revenue share a class; customers
with no revenue are always C.

Since the prior share only falls as revenue grows, each class is described
by the smallest revenue that reaches it, and those two thresholds score a
customer touched between two full runs.

>>> class_thresholds([50, 30, 10, 6, 4])
(30, 6)
>>> [value_class(r, (30, 6)) for r in (50, 30, 10, 6, 4, 0)]
['a', 'a', 'b', 'b', 'c', 'c']

Lifetime value
--------------
``annual revenue x expected lifespan (years) x margin``, where annual
revenue is the customer's revenue divided by the years between first and
last order, counted as at least one year (a new customer's first order is
not extrapolated to a yearly rate):

>>> lifetime_value(1200, "2024-01-01", "2024-06-30", lifespan_years=3, margin=100)
3600.0
>>> lifetime_value(1200, "2022-01-01", "2026-01-01", lifespan_years=3, margin=50)
450.0

It is rounded to the cent, half away from zero, and depends only on order
data, so time passing does not change it.

The value class and the lifetime value are written once, as formulas over an
operations object (see ``ops``): ``value_class`` and ``lifetime_value``
evaluate them in Python, and the SQL of the full and incremental runs
renders the same formulas. The thresholds are computed in Python for both.
"""

import datetime
from bisect import bisect_left
from itertools import accumulate

from .ops import DAYS_PER_YEAR, PYTHON

CLASSES = [("a", "A"), ("b", "B"), ("c", "C")]


def class_thresholds(revenues, a_share=0.8, b_share=0.95):
    """Smallest revenue in class A and in class B; None where the class is empty.

    Ties share a class:

    >>> class_thresholds([10, 10, 10, 10])
    (10, None)

    No revenue at all, no class A or B:

    >>> class_thresholds([0, 0]), class_thresholds([])
    ((None, None), (None, None))
    """
    positive = sorted((r for r in revenues if r > 0), reverse=True)
    if not positive:
        return None, None
    total = sum(positive)
    # prior[i]: the revenue of the customers ranked before customer i; it only
    # grows down the ranking, so a binary search finds the last customer whose
    # prior share is below a share (ties: the first of them decides, and the
    # one found shares the value of that first one)
    prior = list(accumulate(positive[:-1], initial=0))

    def last_below(share):
        return bisect_left(prior, share, key=lambda revenue: revenue / total) - 1

    last_a, last_b = last_below(a_share), last_below(b_share)
    min_a = positive[last_a] if last_a >= 0 else None
    in_b = last_b > last_a and positive[last_b] != min_a
    return min_a, positive[last_b] if in_b else None


def value_class_formula(ops, revenue, min_a, min_b):
    """Formula of the class of ``revenue`` against the smallest revenues of
    class A and B (null where the class is empty): no revenue is C."""
    positive = ops.gt(revenue, 0)
    return ops.case(
        [
            (ops.and_(positive, ops.ge(revenue, min_a)), "a"),
            (ops.and_(positive, ops.ge(revenue, min_b)), "b"),
        ],
        "c",
    )


def lifetime_value_formula(ops, revenue, first_order_date, last_order_date, lifespan_years, margin):
    """Formula of the lifetime value, rounded to the cent: revenue per year
    of tenure (at least one) x lifespan x margin (a percentage)."""
    tenure_years = ops.greatest(
        ops.div(ops.days_between(first_order_date, last_order_date), DAYS_PER_YEAR), 1
    )
    annual_revenue = ops.div(revenue, tenure_years)
    return ops.round(ops.div(ops.mul(ops.mul(annual_revenue, lifespan_years), margin), 100), 2)


def value_class(revenue, thresholds):
    """Class of ``revenue`` against ``(min_a, min_b)``.

    >>> value_class(5, (None, None)), value_class(5, (10, 5)), value_class(-1, (1, 1))
    ('c', 'b', 'c')
    """
    min_a, min_b = thresholds
    return value_class_formula(PYTHON, revenue, min_a, min_b)


def _as_date(value):
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def lifetime_value(revenue, first_order_date, last_order_date, lifespan_years, margin):
    """Lifetime value estimate, to the cent; 0 for a customer who never bought.

    >>> lifetime_value(0, None, None, 3, 100)
    0.0
    >>> lifetime_value(1000, "2025-01-01", "2025-01-01", 1, 33.3)
    333.0
    """
    if not revenue or first_order_date is None or last_order_date is None:
        return 0.0
    amount = lifetime_value_formula(
        PYTHON,
        revenue,
        _as_date(first_order_date),
        _as_date(last_order_date),
        lifespan_years,
        margin,
    )
    return float(amount)
