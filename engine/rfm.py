"""RFM scores (recency, frequency, monetary) and segments.

Scores are quintiles of the company's customers who bought in the scoring
window. A customer's score is ``1 + floor(5 * B / N)`` where ``B`` is the
number of scored customers with a strictly lower value and ``N`` the number
of scored customers: beating 80% of them gives 5, beating fewer than 20%
gives 1. Equal values share the score of the lowest of them (the many
customers who ordered once all score 1 on frequency), except that the
customers holding the highest value always score 5 (a company's only
customer is its best one).

A score is fully described by four lower bounds, the smallest value that
reaches 2, 3, 4 and 5. The full run stores them, so that a customer touched
between two runs is scored against the same bounds as everybody else.

>>> score_bounds([10, 20, 30, 40, 50])
[20, 30, 40, 50]
>>> [score(v, [20, 30, 40, 50]) for v in (10, 25, 50, 70)]
[1, 2, 5, 5]

One customer scores 5; equal values share a score:

>>> score_bounds([7])
[7, 7, 7, 7]
>>> score_bounds([1, 1, 1, 2, 3, 4, 6])
[2, 2, 4, 6]
>>> [score(v, [2, 2, 4, 6]) for v in (1, 2, 3, 4, 6)]
[1, 3, 3, 4, 5]

No scored customer, no bounds and no score:

>>> score_bounds([])
>>> score(5, None)
0

The score, the FM average and the segment map are written once, as
formulas over an operations object (see ``ops``): ``score``,
``frequency_monetary`` and ``segment`` evaluate them in Python, and the SQL
of the full and incremental runs renders the same formulas.
"""

from bisect import bisect_right

from .ops import PYTHON

QUINTILES = 5

# Segments in display order: (key, label).
SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential_loyalist", "Potential loyalist"),
    ("new", "New"),
    ("promising", "Promising"),
    ("need_attention", "Need attention"),
    ("at_risk", "At risk"),
    ("cant_lose", "Can't lose"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]

# Score-to-segment map, first match wins: (segment, R min, R max, FM min, FM max)
# where FM is the frequency and monetary scores averaged, half rounded up.
#
#   R \ FM   1            2-3                 4            5
#   5        New          Potential loyalist  Champions    Champions
#   4        Promising    Potential loyalist  Loyal        Loyal
#   3        Hibernating  Need attention      Loyal        Loyal
#   1-2      Lost         2: Hibernating      At risk      Can't lose
#                         3: At risk
SEGMENT_RULES = [
    ("champions", 5, 5, 4, 5),
    ("loyal", 3, 4, 4, 5),
    ("potential_loyalist", 4, 5, 2, 3),
    ("new", 5, 5, 1, 1),
    ("promising", 4, 4, 1, 1),
    ("need_attention", 3, 3, 2, 3),
    ("cant_lose", 1, 2, 5, 5),
    ("at_risk", 1, 2, 3, 4),
    ("lost", 1, 2, 1, 1),
    ("hibernating", 1, 3, 1, 2),
]

# A customer who bought, but not within the scoring window.
SEGMENT_OUTSIDE_WINDOW = "lost"


def score_bounds(values):
    """Return the lower bounds of scores 2..5 over ``values``, or None when empty.

    >>> score_bounds([5, 1, 4, 2, 3, 6, 7, 8, 9, 10])
    [3, 5, 7, 9]
    >>> score_bounds([3, 3, 3, 9])
    [9, 9, 9, 9]
    """
    ordered = sorted(values)
    count = len(ordered)
    if not count:
        return None
    bounds = []
    for level in range(1, QUINTILES):
        # smallest value beating at least level / 5 of the customers: the
        # first value at or after that rank that no equal value precedes
        rank = -(-level * count // QUINTILES)
        if rank < count and ordered[rank] == ordered[rank - 1]:
            rank = bisect_right(ordered, ordered[rank])
        bounds.append(ordered[rank] if rank < count else ordered[-1])
    return bounds


def score_formula(ops, value, bounds, scored):
    """Formula of the score (0..5) of ``value`` against the four lower
    ``bounds`` of scores 2..5: 0 where the condition ``scored`` does not
    hold or there are no bounds (the first one is null)."""
    whens = [(ops.or_(ops.not_(scored), ops.is_null(bounds[0])), 0)]
    whens += [(ops.ge(value, bounds[level - 2]), level) for level in range(QUINTILES, 1, -1)]
    return ops.case(whens, 1)


def frequency_monetary_formula(ops, frequency, monetary):
    """Formula of the F and M scores averaged, half rounded up."""
    return ops.idiv(ops.add(ops.add(frequency, monetary), 1), 2)


def segment_formula(ops, recency, frequency, monetary):
    """Formula of the segment of scores 1..5 (``SEGMENT_RULES``); null
    where no rule matches."""
    fm = frequency_monetary_formula(ops, frequency, monetary)
    return ops.case(
        [
            (ops.and_(ops.between(recency, r_min, r_max), ops.between(fm, fm_min, fm_max)), key)
            for key, r_min, r_max, fm_min, fm_max in SEGMENT_RULES
        ]
    )


def score(value, bounds):
    """Score ``value`` (1..5) against ``bounds``; 0 without bounds or value.

    >>> score(None, [1, 2, 3, 4])
    0
    """
    return score_formula(PYTHON, value, bounds or [None] * 4, value is not None)


def frequency_monetary(frequency, monetary):
    """The F and M scores averaged, half rounded up.

    >>> frequency_monetary(4, 5), frequency_monetary(1, 2), frequency_monetary(3, 3)
    (5, 2, 3)
    """
    return frequency_monetary_formula(PYTHON, frequency, monetary)


def segment(recency, frequency, monetary):
    """The segment of scores 1..5; None when not scored.

    >>> segment(5, 5, 4), segment(5, 1, 1), segment(1, 5, 5), segment(1, 1, 1)
    ('champions', 'new', 'cant_lose', 'lost')
    >>> segment(0, 0, 0) is None
    True
    """
    if not (recency and frequency and monetary):
        return None
    key = segment_formula(PYTHON, recency, frequency, monetary)
    if key is None:
        raise ValueError(f"scores out of range: {recency}, {frequency}, {monetary}")
    return key
