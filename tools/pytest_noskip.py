"""pytest plugin: a skipped test fails the run.

Odoo skips browser tours silently when Chromium or websocket-client is
missing, and a skipped test proves nothing, so the suite treats any skip
as a failure of the setup.
"""

_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.section("skipped tests fail the run")
        for nodeid in _skipped:
            terminalreporter.line(f"SKIPPED (not allowed): {nodeid}")
