"""Engine tests: plain unittest, no database, no Odoo import."""

import datetime
import doctest
import itertools
import unittest

from .. import rfm, value


class TestDoctests(unittest.TestCase):
    def test_doctests(self):
        for module in (rfm, value):
            result = doctest.testmod(module)
            self.assertGreater(result.attempted, 0, module.__name__)
            self.assertEqual(result.failed, 0, module.__name__)


class TestScores(unittest.TestCase):
    def test_empty_company(self):
        self.assertIsNone(rfm.score_bounds([]))
        self.assertEqual(rfm.score(10, None), 0)
        self.assertIsNone(rfm.segment(0, 0, 0))

    def test_one_customer_is_top(self):
        bounds = rfm.score_bounds([42])
        self.assertEqual(rfm.score(42, bounds), 5)

    def test_quintiles_of_hundred(self):
        values = list(range(1, 101))
        bounds = rfm.score_bounds(values)
        scores = [rfm.score(v, bounds) for v in values]
        for level in range(1, 6):
            self.assertEqual(scores.count(level), 20)
        self.assertEqual(scores[:3], [1, 1, 1])
        self.assertEqual(scores[-1], 5)

    def test_ties_share_a_score(self):
        values = [1, 2, 2, 2, 2, 2, 2, 3, 9, 9]
        bounds = rfm.score_bounds(values)
        scores = {v: rfm.score(v, bounds) for v in values}
        self.assertEqual(len({rfm.score(v, bounds) for v in values if v == 2}), 1)
        self.assertEqual(scores[9], 5)
        self.assertLessEqual(scores[1], scores[2])

    def test_all_equal(self):
        bounds = rfm.score_bounds([5] * 7)
        self.assertEqual({rfm.score(5, bounds)}, {5})

    def test_scores_are_monotonic(self):
        values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]
        bounds = rfm.score_bounds(values)
        ordered = sorted(values)
        scores = [rfm.score(v, bounds) for v in ordered]
        self.assertEqual(scores, sorted(scores))

    def test_dates_score_like_numbers(self):
        days = [datetime.date(2026, 1, d) for d in (1, 5, 10, 20, 30)]
        bounds = rfm.score_bounds(days)
        self.assertEqual(rfm.score(datetime.date(2026, 1, 30), bounds), 5)
        self.assertEqual(rfm.score(datetime.date(2025, 12, 1), bounds), 1)

    def test_every_score_has_one_segment(self):
        keys = {key for key, _label in rfm.SEGMENTS}
        seen = set()
        for r, f, m in itertools.product(range(1, 6), repeat=3):
            seg = rfm.segment(r, f, m)
            self.assertIn(seg, keys)
            seen.add(seg)
        self.assertEqual(seen, keys, "every segment is reachable")

    def test_segment_examples(self):
        self.assertEqual(rfm.segment(5, 5, 5), "champions")
        self.assertEqual(rfm.segment(4, 4, 4), "loyal")
        self.assertEqual(rfm.segment(5, 2, 3), "potential_loyalist")
        self.assertEqual(rfm.segment(4, 1, 1), "promising")
        self.assertEqual(rfm.segment(3, 3, 2), "need_attention")
        self.assertEqual(rfm.segment(2, 4, 3), "at_risk")
        self.assertEqual(rfm.segment(2, 2, 2), "hibernating")
        self.assertEqual(rfm.segment(3, 1, 1), "hibernating")

    def test_out_of_range(self):
        with self.assertRaises(ValueError):
            rfm.segment(6, 1, 1)


class TestValue(unittest.TestCase):
    def test_classes_80_15_5(self):
        revenues = [40, 20, 12, 8, 6, 5, 4, 3, 1, 1]
        thresholds = value.class_thresholds(revenues)
        classes = [value.value_class(r, thresholds) for r in revenues]
        # prior shares: 0, .4, .6, .72, .80, .86, .91, .95, .98, .98
        self.assertEqual(classes, ["a"] * 4 + ["b"] * 3 + ["c"] * 3)

    def test_one_customer_is_a(self):
        self.assertEqual(value.value_class(10, value.class_thresholds([10])), "a")

    def test_zero_revenue(self):
        thresholds = value.class_thresholds([0, 0, 10])
        self.assertEqual(value.value_class(0, thresholds), "c")
        self.assertEqual(value.value_class(10, thresholds), "a")
        self.assertEqual(value.class_thresholds([0, 0]), (None, None))

    def test_ties_share_a_class(self):
        thresholds = value.class_thresholds([30, 30, 30, 10])
        self.assertEqual({value.value_class(30, thresholds)}, {"a"})

    def test_custom_shares(self):
        revenues = [50, 30, 20]
        self.assertEqual(value.class_thresholds(revenues, 0.5, 0.8), (50, 30))

    def test_lifetime_value(self):
        self.assertEqual(value.lifetime_value(0, None, None, 3, 100), 0.0)
        self.assertAlmostEqual(
            value.lifetime_value(2000, "2024-01-01", "2026-01-01", 2, 50), 1000.0, delta=1
        )
        # short tenure counts as one year
        self.assertEqual(value.lifetime_value(500, "2026-01-01", "2026-01-01", 3, 100), 1500.0)
