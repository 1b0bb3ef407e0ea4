"""pytest plugin: once the suite has run, the module lifecycle check.

With ``--module-lifecycle`` (``make test`` passes it unless the run is
focused), tools/module_lifecycle.py upgrades, uninstalls and reinstalls the
project's modules on copies of the test template database; its report is
part of the run's output and a failure fails the run, like a failed test.
"""

import os
import subprocess
import sys

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "module_lifecycle.py")
_failed = []


def pytest_addoption(parser):
    parser.addoption(
        "--module-lifecycle",
        action="store_true",
        help="after the tests, check the upgrade, uninstall and reinstall of every module",
    )


def pytest_sessionfinish(session, exitstatus):
    if not session.config.getoption("--module-lifecycle") or exitstatus not in (0, 1):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    reporter.ensure_newline()
    reporter.section("module lifecycle (tools/module_lifecycle.py)")
    process = subprocess.Popen(
        [sys.executable, SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in process.stdout:
        reporter.write_line(line.rstrip("\n"))
    if process.wait():
        _failed.append(process.returncode)
        if session.exitstatus == 0:
            session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _failed:
        terminalreporter.section("module lifecycle check failed")
        terminalreporter.line(
            "an upgrade, uninstall or reinstall left the database wrong: see the report above"
        )
