# The tier and points arithmetic (no database), collected with the suite.
import datetime
import doctest
import unittest

from ..engine import tiers


class TestTierDoctests(unittest.TestCase):
    def test_doctests(self):
        result = doctest.testmod(tiers)
        self.assertGreater(result.attempted, 0)
        self.assertEqual(result.failed, 0)

    def test_expiry_never_exceeds_balance(self):
        d = datetime.date
        batches = [(i, d(2025, 1, 1 + i), 10 * (i + 1), d(2026, 1, 1)) for i in range(5)]
        for balance in range(0, 200, 7):
            expiring = tiers.expiring_points(balance, batches, d(2026, 1, 1))
            self.assertLessEqual(sum(expiring.values()), balance)
            self.assertTrue(all(amount >= 0 for amount in expiring.values()))
