import datetime

from odoo import fields
from odoo.tests import tagged

from .common import InsightCommon

AS_OF = 100  # days ago


@tagged("post_install", "-at_install")
class TestBacktest(InsightCommon):
    """Scored as of 100 days ago, observed over the 100 days since.

    - regular: an order every 30 days before and after: low, stayed;
    - lapsed: every 30 days, the last 130 days before: high, churned;
    - returned: like lapsed but ordered again since: high, stayed;
    - dormant: one order 300 days before: high, churned;
    - occasional: one order 200 days before, ordered again since: medium,
      stayed (the 180-day baseline flags it).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.regular = cls._customer("Regular")
        cls._history(cls.regular, [AS_OF + 10 + 30 * n for n in range(11)] + [80, 50, 20])
        cls.lapsed = cls._customer("Lapsed")
        cls._history(cls.lapsed, [AS_OF + 130 + 30 * n for n in range(8)])
        cls.returned = cls._customer("Returned")
        cls._history(cls.returned, [AS_OF + 130 + 30 * n for n in range(8)] + [50])
        cls.dormant = cls._customer("Dormant")
        cls._history(cls.dormant, [AS_OF + 300])
        cls.occasional = cls._customer("Occasional")
        cls._history(cls.occasional, [AS_OF + 200, 30])

    def test_figures_against_the_baselines(self):
        as_of = fields.Date.today() - datetime.timedelta(days=AS_OF)
        result = self.Insight._backtest(self.company, as_of, period=AS_OF)
        self.assertEqual((result["customers"], result["churned"]), (5, 2))
        # high band: lapsed, returned, dormant; 2 of them churned, both churners caught
        self.assertEqual(
            result["high_band"], {"flagged": 3, "hits": 2, "precision": 0.667, "recall": 1.0}
        )
        # no order for 180 days: dormant and occasional
        self.assertEqual(
            result["days_since_last_order"],
            {"flagged": 2, "hits": 1, "precision": 0.5, "recall": 0.5},
        )
        # RFM as of that day: regular Champions, lapsed and returned Need
        # attention (R3, FM3), occasional (R2, FM1) and dormant (R1, FM1) Lost
        self.assertEqual(
            result["rfm_segment"], {"flagged": 2, "hits": 1, "precision": 0.5, "recall": 0.5}
        )

    def test_scores_as_of_ignore_later_orders(self):
        as_of = fields.Date.today() - datetime.timedelta(days=AS_OF)
        self.Insight._refresh(self.company.ids, as_of=as_of)
        returned = self._insight(self.returned)
        self.assertEqual(returned.days_since_last_order, 130)
        self.assertEqual(returned.churn_band, "high")
