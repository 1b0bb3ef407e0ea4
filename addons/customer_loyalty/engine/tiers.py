"""Tier and points arithmetic of the membership, in plain Python.

No Odoo import: the models read the figures once, call these functions and
write the result.
"""

import datetime  # noqa: F401 (the doctests use it)
import itertools


def qualifying_rank(thresholds, value):
    """The rank (1 for the lowest tier, 0 for none) of the highest tier whose
    threshold ``value`` reaches; ``thresholds`` are increasing.

    >>> qualifying_rank([0, 1000, 5000], 999)
    1
    >>> qualifying_rank([0, 1000, 5000], 5000)
    3
    >>> qualifying_rank([100, 1000], 50)
    0
    >>> qualifying_rank([], 50)
    0
    """
    rank = 0
    for index, threshold in enumerate(thresholds, start=1):
        if value >= threshold:
            rank = index
    return rank


def check_thresholds(thresholds):
    """True if the thresholds strictly increase and none is negative.

    >>> check_thresholds([0, 1000, 5000])
    True
    >>> check_thresholds([0, 5000, 1000])
    False
    >>> check_thresholds([0, 0])
    False
    >>> check_thresholds([-1])
    False
    """
    if any(threshold < 0 for threshold in thresholds):
        return False
    return all(low < high for low, high in itertools.pairwise(thresholds))


def upgrade_rank(current, qualifying):
    """The rank after a qualifying order: up as soon as the member qualifies,
    never down.

    >>> upgrade_rank(1, 3)
    3
    >>> upgrade_rank(2, 1)
    2
    """
    return max(current, qualifying)


def review_rank(current, qualifying, below_since, today, grace_days, one_step=True):
    """The rank and the "below since" date after a tier review.

    A member whose qualifying rank is below the current one keeps the tier
    for ``grace_days`` from the first review that found them below, then
    goes down one tier per review (or straight to the qualifying tier when
    ``one_step`` is False). A member qualifying again leaves the grace.

    >>> today = datetime.date(2026, 6, 30)
    >>> review_rank(3, 3, None, today, 30)
    (3, None)
    >>> review_rank(3, 1, None, today, 30)
    (3, datetime.date(2026, 6, 30))
    >>> review_rank(3, 1, datetime.date(2026, 6, 10), today, 30)
    (3, datetime.date(2026, 6, 10))
    >>> review_rank(3, 1, datetime.date(2026, 5, 31), today, 30)
    (2, datetime.date(2026, 5, 31))
    >>> review_rank(3, 1, datetime.date(2026, 5, 31), today, 30, one_step=False)
    (1, None)
    >>> review_rank(2, 1, datetime.date(2026, 5, 31), today, 0)
    (1, None)
    >>> review_rank(2, 3, datetime.date(2026, 5, 31), today, 30)
    (3, None)
    """
    if qualifying >= current:
        return qualifying, None
    since = below_since or today
    if (today - since).days < grace_days:
        return current, since
    new = current - 1 if one_step else qualifying
    return new, (since if new > qualifying else None)


def expiring_points(balance, batches, today):
    """Points to expire from the batches of one card, oldest first.

    ``batches`` are (key, date earned, points, expiry date or None) of the
    card's active batches; the points spent were taken from the oldest
    batches first, so the balance left lies in the newest ones. Returns
    {key: points expiring} for the batches whose expiry date has come; their
    sum never exceeds the balance.

    >>> d = datetime.date
    >>> batches = [("a", d(2025, 1, 1), 100, d(2026, 1, 1)),
    ...            ("b", d(2025, 6, 1), 50, d(2026, 6, 1)),
    ...            ("c", d(2026, 2, 1), 30, d(2027, 2, 1))]
    >>> expiring_points(180, batches, d(2026, 1, 2))
    {'a': 100}
    >>> expiring_points(120, batches, d(2026, 1, 2))
    {'a': 40}
    >>> expiring_points(60, batches, d(2026, 7, 1))
    {'a': 0, 'b': 30}
    >>> expiring_points(0, batches, d(2027, 3, 1))
    {'a': 0, 'b': 0, 'c': 0}
    """
    left = max(balance, 0)
    remaining = {}
    for key, _earned, points, _expiry in sorted(batches, key=lambda b: b[1], reverse=True):
        take = min(points, left)
        remaining[key] = take
        left -= take
    return {
        key: remaining[key]
        for key, _earned, _points, expiry in sorted(batches, key=lambda b: b[1])
        if expiry is not None and expiry <= today
    }


def next_expiry(balance, batches, today):
    """(points, date) of the next batch to expire with points left, or
    (0, None).

    >>> d = datetime.date
    >>> batches = [("a", d(2025, 1, 1), 100, d(2026, 1, 1)),
    ...            ("b", d(2025, 6, 1), 50, d(2026, 6, 1))]
    >>> next_expiry(120, batches, d(2025, 12, 1))
    (70, datetime.date(2026, 1, 1))
    >>> next_expiry(40, batches, d(2025, 12, 1))
    (40, datetime.date(2026, 6, 1))
    >>> next_expiry(0, batches, d(2025, 12, 1))
    (0, None)
    """
    left = max(balance, 0)
    remaining = {}
    for key, _earned, points, _expiry in sorted(batches, key=lambda b: b[1], reverse=True):
        take = min(points, left)
        remaining[key] = take
        left -= take
    upcoming = sorted(
        (expiry, remaining[key])
        for key, _earned, _points, expiry in batches
        if expiry is not None and expiry > today and remaining[key] > 0
    )
    if not upcoming:
        return 0, None
    return upcoming[0][1], upcoming[0][0]


def consumed_points(balance, removed, batches):
    """What removing ``removed`` points from a card holding ``balance``
    takes from each batch, oldest first.

    ``batches`` are (key, date earned, points) of the card's active
    batches; as for the expiry, the balance lies in the newest batches (the
    later key first on the same day), so what is removed comes from the
    oldest batch that still has points left, then the next. Returns {key:
    points taken} of the batches it takes from: never more than a batch has
    left, and nothing beyond the balance.

    >>> d = datetime.date
    >>> batches = [("a", d(2025, 1, 1), 100), ("b", d(2025, 6, 1), 50),
    ...            ("c", d(2026, 2, 1), 30)]
    >>> consumed_points(180, 120, batches)
    {'a': 100, 'b': 20}
    >>> consumed_points(60, 40, batches)
    {'b': 30, 'c': 10}
    >>> consumed_points(30, 50, batches)
    {'c': 30}
    >>> consumed_points(200, 10, batches)
    {}
    """

    def remaining(left):
        left = max(left, 0)
        result = {}
        for key, _earned, points in sorted(batches, key=lambda b: (b[1], b[0]), reverse=True):
            result[key] = min(points, left)
            left -= result[key]
        return result

    before, after = remaining(balance), remaining(balance - removed)
    return {
        key: before[key] - after[key]
        for key, _earned, _points in sorted(batches, key=lambda b: (b[1], b[0]))
        if before[key] > after[key]
    }


__all__ = [
    "check_thresholds",
    "consumed_points",
    "expiring_points",
    "next_expiry",
    "qualifying_rank",
    "review_rank",
    "upgrade_rank",
]
