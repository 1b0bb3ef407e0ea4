"""The module's ``make bench`` steps (bench.py) import and declare themselves
without a database; tools/bench.py runs them."""

import types
import unittest

from .. import bench


class DeclaredStep:
    """Records what a bench.py declares, as tools/bench.py's Step would."""

    is_floor = False

    def __init__(self, key, name, run, **options):
        self.key = key
        self.name = name
        self.run = run
        self.options = options


class DeclaredFloor(DeclaredStep):
    is_floor = True


def declared_steps(bench_module):
    api = types.SimpleNamespace(
        Step=DeclaredStep, Floor=DeclaredFloor, Measure=None, RUNS=3, GROWTH=1.1, SCALES={}
    )
    return bench_module.bench_steps(api)


class TestBenchSteps(unittest.TestCase):
    def test_declared(self):
        steps = declared_steps(bench)
        keys = [step.key for step in steps]
        self.assertEqual(len(keys), len(set(keys)))
        self.assertFalse([key for key in keys if "." in key])
        floors = [step for step in steps if step.is_floor]
        self.assertTrue(floors)
        for step in steps:
            self.assertTrue(callable(step.run), step.key)
            floor = step.options.get("floor")
            if isinstance(floor, DeclaredStep):
                self.assertIn(floor, floors, step.key)
        by_key = {step.key: step for step in steps}
        self.assertEqual(by_key["first"].options["target"], 3.0)
        self.assertEqual(by_key["nothing_changed"].options["target"], 1.5)
