"""Periods, ratios, the Pareto share and the customer classes of the ROI
reports. Plain Python: the models read the figures once in SQL and call
these functions, so the screen, the PDF and the XLSX agree.

Periods
-------
A period is a pair of dates, both included. ``period_bounds`` gives the
month, quarter or year holding a day:

>>> import datetime
>>> day = datetime.date(2026, 5, 17)
>>> period_bounds("month", day)
(datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
>>> period_bounds("quarter", day)
(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
>>> period_bounds("year", day)
(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))

The previous period of a month, quarter or year is the one before it; of
any other range, the range of the same number of days just before it:

>>> previous_period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
>>> previous_period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
>>> previous_period(datetime.date(2026, 3, 10), datetime.date(2026, 3, 19))
(datetime.date(2026, 2, 28), datetime.date(2026, 3, 9))

The same period last year (29 February becomes 28 February):

>>> same_period_last_year(datetime.date(2028, 2, 1), datetime.date(2028, 2, 29))
(datetime.date(2027, 2, 1), datetime.date(2027, 2, 28))

Ratios
------
A ratio with nothing to divide by is None (shown empty), never 0:

>>> ratio(3, 4), ratio(1, 0), ratio(None, 2)
(0.75, None, None)
>>> roi(margin=1500, cost=1000)
0.5
>>> roi(margin=500, cost=0) is None
True

Pareto share
------------
The share of customers making 80% of the profit: customers sorted by
profit, highest first, the fewest whose profit adds up to 80% of the
positive profit, over all customers of the period:

>>> pareto_share([50, 30, 10, 6, 4])
0.4
>>> pareto_share([100, 0, -20, 0])
0.25
>>> pareto_share([]) is None
True
"""

import calendar
import datetime
import itertools

PARETO_SHARE = 0.8
PERIOD_KINDS = ("month", "quarter", "year", "custom")

MOST_VALUABLE = "most_valuable"
GROWTH_POTENTIAL = "growth_potential"
BELOW_MARGINAL_COST = "below_marginal_cost"
OTHER = "other"


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_bounds(kind, day):
    """The first and last day of the month, quarter or year holding ``day``."""
    if kind == "month":
        return day.replace(day=1), _month_end(day.year, day.month)
    if kind == "quarter":
        first = 3 * ((day.month - 1) // 3) + 1
        return datetime.date(day.year, first, 1), _month_end(day.year, first + 2)
    if kind == "year":
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    raise ValueError(f"unknown period kind {kind!r}")


def _whole_months(start, end):
    """The number of whole calendar months ``start``..``end`` covers, or
    None if it is not a run of whole months."""
    if start.day != 1 or end != _month_end(end.year, end.month):
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def previous_period(start, end):
    """The period of the same length just before ``start``..``end``."""
    months = _whole_months(start, end)
    if months:
        first = _add_months(start, -months)
        last = _add_months(start, -1)
        return first, _month_end(last.year, last.month)
    days = (end - start).days + 1
    return start - datetime.timedelta(days=days), start - datetime.timedelta(days=1)


def same_period_last_year(start, end):
    """``start``..``end`` one year earlier."""
    return _add_months(start, -12), _add_months(end, -12)


def periods_before(start, end, count):
    """The ``count`` periods before ``start``..``end``, latest first."""
    periods = []
    for _index in range(count):
        start, end = previous_period(start, end)
        periods.append((start, end))
    return periods


def ratio(numerator, denominator):
    """``numerator / denominator``, or None when either is missing or the
    denominator is 0."""
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator)


def roi(margin, cost):
    """Return on an investment: ``(margin - cost) / cost``.

    >>> roi(200, 100)
    1.0
    """
    if margin is None or not cost:
        return None
    return (float(margin) - float(cost)) / float(cost)


def pareto_count(profits, share=PARETO_SHARE):
    """How many customers, highest profit first, make ``share`` of the
    positive profit (0 when no customer made a profit).

    >>> pareto_count([50, 30, 10, 6, 4])
    2
    >>> pareto_count([-5, 0])
    0
    """
    positive = sorted((float(p) for p in profits if p and p > 0), reverse=True)
    total = sum(positive)
    if not total:
        return 0
    reached = 0.0
    for count, profit in enumerate(positive, start=1):
        reached += profit
        if reached >= share * total - 1e-9:
            return count
    return len(positive)


def pareto_share(profits, share=PARETO_SHARE):
    """The share of customers making ``share`` of the profit."""
    profits = list(profits)
    if not profits:
        return None
    return pareto_count(profits, share) / len(profits)


def rising(revenues):
    """True when each revenue is above the one before (oldest first), over
    at least two periods.

    >>> rising([100, 150, 200]), rising([100, 150, 120]), rising([0, 10]), rising([5])
    (True, False, True, False)
    """
    revenues = [float(r or 0) for r in revenues]
    return len(revenues) >= 2 and all(a < b for a, b in itertools.pairwise(revenues))


def classify(customers, share=PARETO_SHARE):
    """The class of each customer: ``{key: class}`` from ``{key: (profit,
    gross margin, cost to serve, [revenues of the previous periods and of
    this one, oldest first])}``.

    - below marginal cost: its cost to serve is above its gross margin;
    - most valuable: among the fewest customers making ``share`` of the
      profit (highest profit first);
    - growth potential: any other customer whose revenue rose period after
      period;
    - other: the rest.

    >>> classify({
    ...     "a": (900, 1000, 100, [800, 900, 1000]),
    ...     "b": (60, 100, 40, [10, 50, 100]),
    ...     "c": (-30, 20, 50, [20, 20, 20]),
    ...     "d": (40, 40, 0, [60, 50, 40]),
    ... }) == {"a": MOST_VALUABLE, "b": GROWTH_POTENTIAL, "c": BELOW_MARGINAL_COST, "d": OTHER}
    True
    """
    ranked = sorted(customers, key=lambda key: (-float(customers[key][0] or 0), str(key)))
    top = set(ranked[: pareto_count([customers[key][0] for key in ranked], share)])
    classes = {}
    for key, (_profit, margin, cost_to_serve, revenues) in customers.items():
        if float(cost_to_serve or 0) > float(margin or 0):
            classes[key] = BELOW_MARGINAL_COST
        elif key in top:
            classes[key] = MOST_VALUABLE
        elif rising(revenues):
            classes[key] = GROWTH_POTENTIAL
        else:
            classes[key] = OTHER
    return classes
