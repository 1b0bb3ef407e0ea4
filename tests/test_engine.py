# The engine's own tests (no database), collected with the module's suite.
from ..engine.tests.test_engine import (
    TestCustomer,
    TestDoctests,
    TestFormulas,
    TestPythonOperations,
    TestScores,
    TestValue,
)
