"""Net promoter score arithmetic, in plain Python.

>>> [nps_category(score) for score in (0, 6, 7, 8, 9, 10)]
['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']
>>> net_promoter_score(["promoter", "promoter", "passive", "detractor"])
25.0
>>> net_promoter_score([]) is None
True
"""

PROMOTER_FROM = 9
PASSIVE_FROM = 7


def nps_category(score):
    """The category of a 0-10 answer."""
    if score is None:
        return None
    if not 0 <= score <= 10:
        raise ValueError(f"an NPS answer is between 0 and 10, not {score}")
    if score >= PROMOTER_FROM:
        return "promoter"
    if score >= PASSIVE_FROM:
        return "passive"
    return "detractor"


def net_promoter_score(categories):
    """% promoters - % detractors of the answers' categories (None without answers)."""
    categories = list(categories)
    if not categories:
        return None
    promoters = sum(1 for category in categories if category == "promoter")
    detractors = sum(1 for category in categories if category == "detractor")
    return round(100.0 * (promoters - detractors) / len(categories), 1)
