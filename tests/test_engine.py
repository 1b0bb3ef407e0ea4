# The engine's own tests (no database), collected with the module's suite.
from ..engine.tests.test_engine import TestDoctests, TestScores, TestValue
