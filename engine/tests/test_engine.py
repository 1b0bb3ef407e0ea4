"""Engine tests: plain unittest, no database, no Odoo import."""

import datetime
import doctest
import itertools
import random
import unittest
from decimal import Decimal

from .. import customer, ops, rfm, value


class TestDoctests(unittest.TestCase):
    def test_doctests(self):
        for module in (ops, rfm, value, customer):
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


class TestPythonOperations(unittest.TestCase):
    """The Python evaluation follows PostgreSQL (the values below are what
    PostgreSQL 15 returns for the same expressions)."""

    def test_division_scale(self):
        def div(left, right):
            return format(ops.PYTHON.div(left, right), "f")

        self.assertEqual(div(1, 3), "0.33333333333333333333")
        self.assertEqual(div(10, 3), "3.3333333333333333")
        self.assertEqual(div(10000, 3), "3333.3333333333333333")
        self.assertEqual(div(Decimal("1.5"), 1), "1.50000000000000000000")
        self.assertEqual(div(181, Decimal("365.25")), "0.49555099247091033539")
        self.assertEqual(div(Decimal("-2"), 3), "-0.66666666666666666667")
        self.assertEqual(div(Decimal("0.000001"), 7), "0.000000142857142857142857")
        with self.assertRaises(ZeroDivisionError):
            ops.PYTHON.div(1, 0)

    def test_round_half_away_from_zero(self):
        rnd = ops.PYTHON.round
        self.assertEqual(str(rnd(Decimal("2.345"), 2)), "2.35")
        self.assertEqual(str(rnd(Decimal("-2.345"), 2)), "-2.35")
        self.assertEqual(str(rnd(Decimal("-0.001"), 2)), "0.00")
        self.assertEqual(str(rnd(7, 2)), "7.00")
        self.assertEqual(str(rnd(0.125, 2)), "0.13", "a float counts as the decimal it prints as")

    def test_nulls_and_three_valued_logic(self):
        py = ops.PYTHON
        self.assertIsNone(py.mul(None, 2))
        self.assertIsNone(py.div(2, None))
        self.assertIsNone(py.days_between(None, datetime.date(2026, 1, 1)))
        self.assertIsNone(py.between(None, 1, 2))
        self.assertEqual(py.greatest(None, 3, None, 2), 3)
        self.assertIsNone(py.greatest(None, None))
        self.assertIsNone(py.not_(None))
        self.assertIs(py.and_(True, True), True)
        self.assertIsNone(py.or_(False, None))
        self.assertTrue(py.is_null(None))
        self.assertEqual(py.case([(None, 1), (False, 2)], 3), 3)
        self.assertIsNone(py.case([(False, 1)]))

    def test_integers_stay_integers(self):
        py = ops.PYTHON
        self.assertEqual((py.add(2, 3), py.mul(2, 3), py.idiv(7, 2), py.idiv(-7, 2)), (5, 6, 3, -3))
        self.assertIsInstance(py.add(2, 3), int)
        self.assertEqual(py.add(0.1, 0.2), Decimal("0.3"))

    def test_every_operation_is_implemented(self):
        names = [name for name in vars(ops.Operations) if not name.startswith("_")]
        self.assertGreater(len(names), 10)
        for name in names:
            self.assertIsNot(
                getattr(ops.PythonOperations, name), getattr(ops.Operations, name), name
            )


class Symbolic(ops.Operations):
    """Renders a formula as text, to see its shape."""

    def _call(self, name, *operands):
        return f"{name}({', '.join(map(str, operands))})"

    def __getattribute__(self, name):
        if name.startswith("_") or name == "case":
            return object.__getattribute__(self, name)
        return lambda *operands: self._call(name.rstrip("_"), *operands)

    def case(self, whens, default=None):
        parts = [f"{condition} -> {result}" for condition, result in whens]
        return f"case({'; '.join(parts)}; else {default})"


class TestFormulas(unittest.TestCase):
    """Formulas use only their operations: no Python test on an operand."""

    def test_score_formula(self):
        formula = rfm.score_formula(Symbolic(), "v", ["b2", "b3", "b4", "b5"], "in")
        self.assertEqual(
            formula,
            "case(or(not(in), is_null(b2)) -> 0; ge(v, b5) -> 5; ge(v, b4) -> 4; "
            "ge(v, b3) -> 3; ge(v, b2) -> 2; else 1)",
        )

    def test_segment_formula_follows_the_rules(self):
        formula = rfm.segment_formula(Symbolic(), "r", "f", "m")
        self.assertEqual(formula.count(" -> "), len(rfm.SEGMENT_RULES))
        self.assertIn(
            "and(between(r, 5, 5), between(idiv(add(add(f, m), 1), 2), 4, 5)) -> champions",
            formula,
        )

    def test_value_formulas(self):
        sym = Symbolic()
        self.assertEqual(
            value.value_class_formula(sym, "rev", "a", "b"),
            "case(and(gt(rev, 0), ge(rev, a)) -> a; and(gt(rev, 0), ge(rev, b)) -> b; else c)",
        )
        self.assertEqual(
            value.lifetime_value_formula(sym, "rev", "first", "last", "years", "margin"),
            "round(div(mul(mul(div(rev, greatest(div(days_between(first, last), 365.25), 1)), "
            "years), margin), 100), 2)",
        )

    def test_customer_columns(self):
        sym = Symbolic()
        facts = {name: name for name in customer.FACT_INPUTS}
        bounds = {key: [f"{key}{level}" for level in range(2, 6)] for key in rfm_keys()}
        scores = customer.score_formulas(sym, facts, bounds)
        self.assertEqual(tuple(scores), customer.SCORE_COLUMNS)
        self.assertTrue(scores["monetary_score"].startswith("case(or(not(gt(window_order_count"))
        classes = customer.class_formulas(
            sym,
            facts,
            {column: column for column in customer.SCORE_COLUMNS},
            {"scored": "scored", "classes": ("min_a", "min_b")},
            {"lifespan": "lifespan", "margin": "margin"},
        )
        self.assertEqual(tuple(classes), customer.CLASS_COLUMNS)
        self.assertTrue(classes["value_class"].startswith("case(not(scored) -> None; else case("))


def rfm_keys():
    return ("recency", "frequency", "monetary")


class TestCustomer(unittest.TestCase):
    """``customer.evaluate`` is the composition of the public functions."""

    def test_random_customers(self):
        for seed in range(20):
            rng = random.Random(seed)
            today = datetime.date(2026, 6, 1)
            facts = [random_facts(rng, today) for _customer in range(rng.randint(1, 30))]
            scored = [f for f in facts if f["window_order_count"]]
            bounds = {
                "recency": rfm.score_bounds([f["last_order_date"] for f in scored]),
                "frequency": rfm.score_bounds([f["window_order_count"] for f in scored]),
                "monetary": rfm.score_bounds([f["window_revenue"] for f in scored]),
                "classes": value.class_thresholds([f["revenue"] for f in facts], 0.7, 0.9),
            }
            lifespan, margin = rng.choice((0.5, 3.0, 7.25)), rng.choice((12.5, 100.0))
            for fact in facts:
                result = customer.evaluate(fact, bounds, lifespan, margin)
                in_window = fact["window_order_count"] > 0
                scores = [
                    rfm.score(fact[measure] if in_window else None, bounds[key])
                    for measure, key in zip(
                        ("last_order_date", "window_order_count", "window_revenue"),
                        rfm_keys(),
                        strict=True,
                    )
                ]
                self.assertEqual([result[c] for c in customer.SCORE_COLUMNS], scores)
                self.assertEqual(
                    result["rfm_segment"],
                    rfm.segment(*scores) if in_window else rfm.SEGMENT_OUTSIDE_WINDOW,
                )
                self.assertEqual(
                    float(result["lifetime_value"]),
                    value.lifetime_value(
                        fact["revenue"],
                        fact["first_order_date"],
                        fact["last_order_date"],
                        lifespan,
                        margin,
                    ),
                )
                self.assertEqual(
                    result["value_class"], value.value_class(fact["revenue"], bounds["classes"])
                )

    def test_company_never_scored(self):
        fact = random_facts(random.Random(1), datetime.date(2026, 6, 1))
        result = customer.evaluate(fact, None, 3.0, 100.0)
        self.assertEqual([result[c] for c in customer.SCORE_COLUMNS], [0, 0, 0])
        self.assertIsNone(result["rfm_segment"])
        self.assertIsNone(result["value_class"])
        self.assertEqual(
            float(result["lifetime_value"]),
            value.lifetime_value(
                fact["revenue"], fact["first_order_date"], fact["last_order_date"], 3.0, 100.0
            ),
        )


def random_facts(rng, today):
    """One customer's facts, as the aggregate of its orders gives them."""
    last = today - datetime.timedelta(days=rng.choice((0, 3, 3, 40, 200, 500)))
    first = last - datetime.timedelta(days=rng.choice((0, 100, 365, 366, 1000)))
    in_window = (today - last).days < 365
    revenue = round(rng.choice((0.0, 10.0, 99.99, 1234.56, rng.uniform(0, 5000))), 2)
    return {
        "first_order_date": first,
        "last_order_date": last,
        "revenue": revenue,
        "window_order_count": rng.choice((1, 1, 2, 5)) if in_window else 0,
        "window_revenue": round(revenue * rng.choice((1, 0.5)), 2) if in_window else 0.0,
    }
