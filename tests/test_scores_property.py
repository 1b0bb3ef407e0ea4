import datetime
import random
from decimal import Decimal

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..engine import ops, rfm, value
from ..models.customer_profile_facts import SqlOperations
from .common import CustomerCommon

SEEDS = (11, 23, 37, 41, 59)

# few distinct values, so that customers tie; zero amounts included
AMOUNTS = (0, 0, 9.99, 50, 100, 100, 250.5, 1234.56)
COUNTS = (1, 1, 1, 2, 2, 3, 5)


@tagged("post_install", "-at_install")
class TestScoresProperty(CustomerCommon):
    """On random customers, the SQL of the full and incremental runs and the
    engine's functions in Python give the same scores, segment, lifetime
    value and value class.

    The expected values are computed from the orders themselves (not from
    the stored facts) with ``rfm.score``, ``rfm.segment``,
    ``value.lifetime_value`` and ``value.value_class``.
    """

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.single = cls.env["res.company"].create({"name": "Single Customer Co"})
        cls.env.user.company_ids |= cls.single

    def test_seed_11(self):
        self._check_seed(11)

    def test_seed_23(self):
        self._check_seed(23)

    def test_seed_37(self):
        self._check_seed(37)

    def test_seed_41(self):
        self._check_seed(41)

    def test_seed_59(self):
        self._check_seed(59)

    def _check_seed(self, seed):
        """Random customers in the test company and one customer in another:
        the full run, then an incremental update after a few changes."""
        rng = random.Random(seed)
        window = rng.choice((60, 200, 365))
        for company in (self.company, self.single):
            self._random_settings(rng, company, window)
        partners = self._random_orders(rng, self.company, window, rng.randint(8, 20))
        self._random_orders(rng, self.single, window, 1)
        self._after_commit()
        self._full_run(self.company | self.single)
        bounds = {}
        for company in (self.company, self.single):
            bounds[company] = self._engine_bounds(company)
            self.assertEqual(
                self._last_bounds(company),
                self._as_stored(bounds[company]),
                f"seed {seed}: bounds of {company.name}",
            )
            self.assertEqual(
                self._stored(company),
                self._engine_results(company, bounds[company]),
                f"seed {seed}: full run of {company.name}",
            )
        self.assertEqual(len(self._stored(self.single)), 1)

        # changes after the run: scored against the run's bounds
        newcomer = self._customer(f"Newcomer {seed}")
        lines = [(newcomer, rng.choice(AMOUNTS), rng.randint(0, window))]
        lines += [
            (partner, rng.choice(AMOUNTS), rng.choice((0, 1, window + 30)))
            for partner in rng.sample(partners, 3)
        ]
        self._orders(lines, company=self.company)
        rng.choice(self._confirmed_orders(self.company))._action_cancel()
        self._after_commit()
        self.assertEqual(
            self._stored(self.company),
            self._engine_results(self.company, bounds[self.company]),
            f"seed {seed}: incremental update",
        )

    # ------------------------------------------------------------ data
    @staticmethod
    def _random_settings(rng, company, window):
        a_share = rng.choice((50, 70, 80, 80))
        company.write(
            {
                "customer_scoring_window": window,
                "customer_class_a_share": a_share,
                "customer_class_b_share": rng.choice((a_share + 5, 95, 99)),
                "customer_clv_lifespan": rng.choice((0.5, 1.0, 3.0, 7.25)),
                "customer_clv_margin": rng.choice((12.5, 33.3, 100.0)),
            }
        )

    def _random_orders(self, rng, company, window, count):
        """``count`` customers with random orders in ``company``: some copy
        another's orders (ties everywhere), some bought only before the
        scoring window; a quarter of them buy through a contact."""
        days = (0, 1, 7, 7, 30, window - 1, window, window + 1, window + 200, 700)
        partners = self.env["res.partner"].create(
            [
                {"name": f"{company.name} customer {index}", "is_company": True}
                for index in range(count)
            ]
        )
        plans, lines = [], []
        for partner in partners:
            if plans and rng.random() < 0.25:
                plan = rng.choice(plans)
            else:
                plan = [
                    (rng.choice(AMOUNTS), rng.choice(days)) for _order in range(rng.choice(COUNTS))
                ]
                plans.append(plan)
            buyer = partner
            if rng.random() < 0.25:
                buyer = self._customer(f"{partner.name} contact", parent_id=partner.id)
            lines += [(buyer, amount, days_ago) for amount, days_ago in plan]
        self._orders(lines, company=company)
        return list(partners)

    def _confirmed_orders(self, company):
        return (
            self.env["sale.order"]
            .with_company(company)
            .search([("company_id", "=", company.id), ("state", "=", "sale")])
        )

    # ------------------------------------------------------------ engine
    def _raw_facts(self, company):
        """{customer id: facts} from the confirmed orders of ``company``,
        in Python: what the aggregate query computes."""
        today = self.env["customer.profile"]._facts_today()
        window_start = today - datetime.timedelta(days=company.customer_scoring_window)
        window_start = datetime.datetime.combine(window_start, datetime.time.min)
        facts = {}
        for order in self._confirmed_orders(company):
            self.assertEqual(order.currency_rate, 1.0)
            amount = Decimal(repr(order.amount_untaxed))
            day = order.date_order.date()
            fact = facts.setdefault(
                order.partner_id.commercial_partner_id.id,
                {
                    "first_order_date": day,
                    "last_order_date": day,
                    "revenue": Decimal(0),
                    "window_order_count": 0,
                    "window_revenue": Decimal(0),
                },
            )
            fact["first_order_date"] = min(fact["first_order_date"], day)
            fact["last_order_date"] = max(fact["last_order_date"], day)
            fact["revenue"] += amount
            if order.date_order >= window_start:
                fact["window_order_count"] += 1
                fact["window_revenue"] += amount
        return facts

    def _engine_bounds(self, company):
        facts = self._raw_facts(company).values()
        scored = [fact for fact in facts if fact["window_order_count"]]
        return {
            "recency": rfm.score_bounds([fact["last_order_date"] for fact in scored]),
            "frequency": rfm.score_bounds([fact["window_order_count"] for fact in scored]),
            "monetary": rfm.score_bounds([fact["window_revenue"] for fact in scored]),
            # the revenues as the database driver returns them
            "classes": value.class_thresholds(
                [float(fact["revenue"]) for fact in facts],
                company.customer_class_a_share / 100.0,
                company.customer_class_b_share / 100.0,
            ),
        }

    def _engine_results(self, company, bounds):
        """{customer id: (R, F, M, segment, lifetime value, class)} by the engine."""
        results = {}
        for partner_id, fact in self._raw_facts(company).items():
            in_window = fact["window_order_count"] > 0
            recency, frequency, monetary = (
                rfm.score(fact[measure] if in_window else None, bounds[key])
                for measure, key in (
                    ("last_order_date", "recency"),
                    ("window_order_count", "frequency"),
                    ("window_revenue", "monetary"),
                )
            )
            segment = (
                rfm.SEGMENT_OUTSIDE_WINDOW
                if recency == 0
                else rfm.segment(recency, frequency, monetary)
            )
            results[partner_id] = (
                recency,
                frequency,
                monetary,
                segment,
                value.lifetime_value(
                    fact["revenue"],
                    fact["first_order_date"],
                    fact["last_order_date"],
                    company.customer_clv_lifespan,
                    company.customer_clv_margin,
                ),
                value.value_class(float(fact["revenue"]), bounds["classes"]),
            )
        return results

    @staticmethod
    def _as_stored(bounds):
        """``bounds`` as the scoring run stores them (JSON)."""
        return {
            "recency": [day.isoformat() for day in bounds["recency"]]
            if bounds["recency"]
            else None,
            "frequency": bounds["frequency"],
            "monetary": [float(m) for m in bounds["monetary"]] if bounds["monetary"] else None,
            "classes": list(bounds["classes"]),
        }

    # ------------------------------------------------------------ stored
    def _last_bounds(self, company):
        bounds = self.env["customer.scoring.run"]._last_bounds(company.ids)[company.id]
        return {key: bounds[key] for key in ("recency", "frequency", "monetary", "classes")}

    def _stored(self, company):
        profiles = (
            self.env["customer.profile"]
            .with_company(company)
            .search([("company_id", "=", company.id)])
        )
        return {
            profile.partner_id.id: (
                profile.recency_score,
                profile.frequency_score,
                profile.monetary_score,
                profile.rfm_segment,
                profile.lifetime_value,
                profile.value_class,
            )
            for profile in profiles
        }


@tagged("post_install", "-at_install")
class TestOperationsAgree(TransactionCase):
    """Each operation gives in PostgreSQL what the engine's Python
    evaluation gives, to the last digit of the scale."""

    CASES = [
        ("add", (2, 3)),
        ("add", (Decimal("0.1"), 0.2)),
        ("add", (None, 1)),
        ("mul", (Decimal("1.10"), Decimal("3.0"))),
        ("mul", (Decimal("-0.5"), 0)),
        ("div", (1, 3)),
        ("div", (10000, 3)),
        ("div", (Decimal("1.5"), 1)),
        ("div", (181, Decimal("365.25"))),
        ("div", (Decimal("-2"), 3)),
        ("div", (Decimal("1234.56"), Decimal("0.49555099247091033539"))),
        ("div", (Decimal("0.000001"), 7)),
        ("div", (0, 7)),
        ("div", (None, 2)),
        ("idiv", (7, 2)),
        ("idiv", (-7, 2)),
        ("round", (Decimal("2.345"), 2)),
        ("round", (Decimal("-2.345"), 2)),
        ("round", (Decimal("-0.001"), 2)),
        ("round", (0.125, 2)),
        ("round", (7, 2)),
        ("greatest", (None, 1)),
        ("greatest", (Decimal("0.5"), 1, Decimal("0.75"))),
        ("days_between", (datetime.date(2024, 2, 28), datetime.date(2025, 3, 1))),
        ("days_between", (None, datetime.date(2025, 3, 1))),
        ("eq", (0, Decimal("0.00"))),
        ("gt", (None, 1)),
        ("ge", (datetime.date(2025, 1, 2), datetime.date(2025, 1, 2))),
        ("ge", (Decimal("99.99"), 99.99)),
        ("between", (3, 1, 3)),
        ("between", (None, 1, 3)),
        ("and_", (True, None)),
        ("and_", (False, None)),
        ("or_", (True, None)),
        ("or_", (False, None)),
        ("not_", (None,)),
        ("is_null", (None,)),
        ("case", ([(None, "unknown"), (False, "no"), (True, "yes")], "other")),
        ("case", ([(None, "unknown")],)),
        ("case", ([], "always")),
    ]

    @staticmethod
    def _text(result):
        """``result`` as PostgreSQL prints it."""
        if result is None:
            return None
        if isinstance(result, bool):
            return "true" if result else "false"
        if isinstance(result, Decimal):
            return format(result, "f")
        return str(result)

    def test_each_operation(self):
        sql_ops = SqlOperations()
        expressions = [getattr(sql_ops, name)(*args) for name, args in self.CASES]
        self.env.cr.execute(
            SQL("SELECT %s", SQL(", ").join(SQL("(%s)::text", e) for e in expressions))
        )
        in_database = self.env.cr.fetchone()
        for (name, args), printed in zip(self.CASES, in_database, strict=True):
            with self.subTest(operation=name, operands=args):
                self.assertEqual(self._text(getattr(ops.PYTHON, name)(*args)), printed)

    def test_nested_case_is_one_case(self):
        sql_ops = SqlOperations()
        inner = sql_ops.case([(SQL("x > 1"), "b")], "c")
        outer = sql_ops.case([(SQL("x > 2"), "a")], inner)
        self.assertEqual(outer.code.count("CASE"), 1)
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM (VALUES (1), (2), (3)) AS v(x) ORDER BY x",
                outer,
            )
        )
        self.assertEqual([row[0] for row in self.env.cr.fetchall()], ["c", "b", "a"])
