"""Collect the test suites of installed Odoo and OCA modules as Odoo does.

``make test`` runs the suites of the OCA modules our plugins build on (the
helpdesk family) in the test database, where every module of the project is
installed: they must still pass there. pytest collects more than Odoo's own
runner would from those files: test classes imported from another module,
and the test methods a class inherits. Odoo's loader
(``odoo.tests.loader.get_module_test_cases``) runs only the classes defined
in the test module, and only their own methods (all of them when the class
sets ``allow_inherited_tests_method``); the suites are written for that. For
test files of installed packages, this plugin deselects what Odoo would
not run. The project's own tests are collected as pytest does.

Run as a script with module names, it prints their test folders for
pytest's command line (``make test``).
"""

import importlib.util
import sys
import sysconfig
from pathlib import Path

# files of the suites not run: helpdesk_mgmt's web client suite narrows the
# core's WebSuite with a hook the Odoo 18.0 core in use does not call, so it
# would run the web unit tests of every module; customer_complaint's
# test_helpdesk_unit_tests.py runs helpdesk_mgmt's own
IGNORED = {"helpdesk_mgmt": ["test_js.py"]}
# where pip installs the OCA modules (odoo/addons/<module> of their wheels)
INSTALLED = Path(sysconfig.get_paths()["purelib"]).resolve()


def runs_under_odoo(item):
    """Whether Odoo's test loader runs ``item`` (a method of a TestCase)."""
    cls = getattr(item, "cls", None)
    module = getattr(item, "module", None)
    if cls is None or module is None:
        return True
    if cls.__module__ != module.__name__:
        return False
    if getattr(cls, "allow_inherited_tests_method", False):
        return True
    return getattr(item, "originalname", item.name) in cls.__dict__


def installed(item):
    return INSTALLED in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    dropped = [item for item in items if installed(item) and not runs_under_odoo(item)]
    if not dropped:
        return
    config.hook.pytest_deselected(items=dropped)
    kept = set(map(id, items)) - set(map(id, dropped))
    items[:] = [item for item in items if id(item) in kept]


def suite_paths(modules):
    """The test folders of the installed ``modules``, and an ``--ignore`` of
    each file of ``IGNORED`` in them."""
    paths = []
    for module in modules:
        spec = importlib.util.find_spec(f"odoo.addons.{module}")
        if spec is None:
            raise SystemExit(f"{module} is not installed in this environment")
        tests = Path(spec.submodule_search_locations[0], "tests")
        paths.append(str(tests))
        paths += [f"--ignore={tests / name}" for name in IGNORED.get(module, ())]
    return paths


if __name__ == "__main__":
    sys.stdout.write(" ".join(suite_paths(sys.argv[1:])) + "\n")
