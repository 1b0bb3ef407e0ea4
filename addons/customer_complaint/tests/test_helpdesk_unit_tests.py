import re

from odoo.tests import HttpCase, tagged

from odoo.addons.web.tests.test_js import unit_test_error_checker

PASSED = re.compile(r"\[HOOT\] passed (\d+) tests")


@tagged("post_install", "-at_install")
class TestHelpdeskWebUnitTests(HttpCase):
    """helpdesk_mgmt's web client unit tests (hoot), with complaints installed.

    ``make test`` runs the Python suites of the OCA helpdesk modules
    themselves. Their web client suite, ``helpdesk_mgmt/tests/test_js.py``,
    narrows the core's ``WebSuite`` with a hook (``get_hoot_filters``) that
    the Odoo 18.0 core in use does not call: there it would run the unit
    tests of every installed module (half an hour). This runs the same
    tests, helpdesk_mgmt's only, with the filter in the suite's address.
    """

    def test_helpdesk_mgmt_web_unit_tests(self):
        with self.assertLogs("odoo", "INFO") as logs:
            self.browser_js(
                "/web/tests?headless&loglevel=2&preset=desktop&timeout=15000"
                "&filter=%40helpdesk_mgmt",
                "",
                "",
                login="admin",
                timeout=900,
                success_signal="[HOOT] test suite succeeded",
                error_checker=unit_test_error_checker,
            )
        passed = [int(match[1]) for line in logs.output for match in PASSED.finditer(line)]
        self.assertTrue(passed and passed[-1] > 0, "helpdesk_mgmt's unit tests did not run")
