# The ROI arithmetic (no database), collected with the suite.
import datetime
import doctest
import unittest

from ..engine import roi


class TestRoiDoctests(unittest.TestCase):
    def test_doctests(self):
        result = doctest.testmod(roi)
        self.assertGreater(result.attempted, 0)
        self.assertEqual(result.failed, 0)

    def test_previous_of_a_quarter_and_a_year(self):
        d = datetime.date
        self.assertEqual(
            roi.previous_period(d(2025, 4, 1), d(2025, 6, 30)), (d(2025, 1, 1), d(2025, 3, 31))
        )
        self.assertEqual(
            roi.previous_period(d(2025, 1, 1), d(2025, 12, 31)), (d(2024, 1, 1), d(2024, 12, 31))
        )
        self.assertEqual(
            roi.periods_before(d(2025, 3, 1), d(2025, 3, 31), 2),
            [(d(2025, 2, 1), d(2025, 2, 28)), (d(2025, 1, 1), d(2025, 1, 31))],
        )

    def test_pareto_share_reaches_the_share(self):
        # 60 + 25 = 85 >= 80: two of four customers
        self.assertEqual(roi.pareto_share([25, 60, 10, 5]), 0.5)
        # a loss-making customer counts among the customers, not the profit
        self.assertEqual(roi.pareto_share([100, -50]), 0.5)
