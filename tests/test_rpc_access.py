"""Every public method of the suite's models, called over RPC by each role.

The declarations are each module's ``tests/rpc_access.py`` (format in
``customer_relationship/tests/rpc_access.py``). The calls take the path of
``odoo.service.model.execute_kw``: the method name is checked
(``check_method_name``), then ``odoo.api.call_kw`` runs it on the model of an
environment of the caller's uid with an empty context, as ``execute_cr``
does; only the transaction is the test's (each call in a savepoint rolled
back), since ``execute_kw`` opens and commits a cursor of its own.
"""

import importlib
import os
from contextlib import contextmanager

import psycopg2

from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import BaseCommon

CORE = "customer_relationship"
ROLES = {
    "portal": "base.group_portal",
    "internal": "base.group_user",
    "customer user": "customer_relationship.group_customer_user",
    "customer manager": "customer_relationship.group_customer_manager",
}
# ORM methods every model has; listed in a declaration only to pin them down
ORM_ARGS = {"write": [{}], "read": [["id"]]}
MAGIC_FIELDS = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"}


def suite_modules():
    """The core and the modules of its ``addons/`` folder, as found in the
    repository (a module not installed in this database is left out)."""
    root = get_module_path(CORE)
    names = [CORE]
    addons = os.path.join(root, "addons")
    if os.path.isdir(addons):
        names += sorted(
            name
            for name in os.listdir(addons)
            if os.path.isfile(os.path.join(addons, name, "__manifest__.py"))
        )
    return names


def public_methods(registry, modules):
    """{(model, method): module} for the public methods defined in the
    modules' classes, ORM overrides included."""
    found = {}
    for model_name, model_class in registry.items():
        if model_class._abstract:
            # declared and called on the models inheriting them
            continue
        for cls in model_class.__mro__:
            module = vars(cls).get("_module")
            if module not in modules:
                continue
            for name, value in vars(cls).items():
                if callable(value) and not models.regex_private.match(name):
                    found.setdefault((model_name, name), module)
    return found


def rpc_call(env, uid, model, method, args, kwargs=None):
    """One call as ``odoo.service.model.execute_kw`` makes it."""
    models.check_method_name(method)
    user_env = api.Environment(env.cr, uid, {})
    return api.call_kw(user_env[model], method, list(args), dict(kwargs or {}))


@tagged("post_install", "-at_install")
class TestRpcAccess(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.modules = [
            name
            for name in suite_modules()
            if cls.env["ir.module.module"].search(
                [("name", "=", name), ("state", "=", "installed")]
            )
        ]
        cls.declarations = {}
        for module in cls.modules:
            try:
                cls.declarations[module] = importlib.import_module(
                    f"odoo.addons.{module}.tests.rpc_access"
                )
            except ModuleNotFoundError:
                cls.declarations[module] = None
        cls.users = {
            role: new_test_user(
                cls.env,
                login=f"cr_rpc_{role.replace(' ', '_')}",
                groups=group,
                company_id=cls.company.id,
                company_ids=[(6, 0, cls.company.ids)],
            )
            for role, group in ROLES.items()
        }
        # records every role may reach through the record rules
        customer = cls.env["res.partner"].create({"name": "RPC Access Customer"})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": False,
                "company_id": cls.company.id,
                "order_line": [(0, 0, {"product_id": cls.env.ref("product.product_product_4").id})],
            }
        )
        cls.records = {
            "res.partner": customer,
            "sale.order": cls.order,
            "sale.order.line": cls.order.order_line,
            "crm.lead": cls.env["crm.lead"].create(
                {"name": "RPC Access Lead", "partner_id": customer.id, "user_id": False}
            ),
            "res.company": cls.company,
        }
        cls.env["customer.profile.queue"]._enqueue({(customer.id, cls.company.id)})
        segment = cls.env["customer.segment"].search([("company_id", "=", cls.company.id)])[:1]
        cls.env["customer.segment.mail.wizard"].create({"segment_id": segment.id}).action_send()
        cls.env.flush_all()

    def _declared(self):
        """{(model, method): (module, groups, args, kwargs)} of every declaration."""
        declared = {}
        for module, declaration in self.declarations.items():
            for model, methods in getattr(declaration, "RPC_ACCESS", {}).items():
                for method, entry in methods.items():
                    if not isinstance(entry, dict):
                        entry = {"groups": entry}
                    declared[model, method] = (
                        module,
                        entry["groups"],
                        entry.get("args"),
                        entry.get("kwargs"),
                    )
        return declared

    def _wizard_values(self, model):
        for declaration in self.declarations.values():
            values = getattr(declaration, "WIZARD_VALUES", {})
            if model in values:
                return values[model](self.env(context={"allowed_company_ids": self.company.ids}))
        return {}

    def _record(self, model):
        """A record of ``model`` in the demo company (or shared), built by
        the fixture or by the demo data."""
        if model in self.records:
            return self.records[model]
        Model = self.env[model].with_context(active_test=False)
        domain, order = [], "id"
        if "company_id" in Model._fields and Model._fields["company_id"].store:
            domain, order = [("company_id", "in", [self.company.id, False])], "company_id, id"
        record = Model.search(domain, limit=1, order=order)
        self.assertTrue(record, f"no record of {model} to call its methods on: add one")
        return record

    @contextmanager
    def _rolled_back(self):
        savepoint = self.env.cr.savepoint()
        try:
            yield
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all(flush=False)
            self.env.transaction.clear()

    def _call(self, user, model, method, args, kwargs):
        """Call over RPC as ``user``; return None or the exception raised.
        A transient model's record is created by the caller first."""
        uid = user.id
        with self._rolled_back():
            try:
                with mute_logger("odoo.sql_db", "odoo.models.unlink"):
                    Model = self.env[model]
                    api_kind = getattr(getattr(Model, method), "_api", None)
                    if method == "create":
                        args = args or [self._wizard_values(model)]
                    elif api_kind is None:
                        if Model._transient:
                            record_id = rpc_call(
                                self.env, uid, model, "create", [self._wizard_values(model)]
                            )
                        else:
                            record_id = self._record(model).id
                        args = [[record_id], *(args or ORM_ARGS.get(method, []))]
                    rpc_call(self.env, uid, model, method, args or [], kwargs)
                    self.env.flush_all()
            except (psycopg2.IntegrityError, ValidationError) as error:
                return ValidationError(str(error))
            except Exception as error:  # classified by the caller
                return error
        return None

    def test_every_public_method_is_declared(self):
        declared = self._declared()
        found = public_methods(self.registry, self.modules)
        missing = sorted(
            f"{module}: {model}.{method}"
            for (model, method), module in found.items()
            if (model, method) not in declared
        )
        self.assertFalse(
            missing,
            "Public methods without an entry in their module's tests/rpc_access.py "
            "(RPC_ACCESS, see readme/DEVELOP.md):\n" + "\n".join(missing),
        )
        undeclared_modules = [name for name, decl in self.declarations.items() if decl is None]
        self.assertFalse(undeclared_modules, "modules without tests/rpc_access.py")

    def test_each_role_calls_what_it_may(self):
        problems = []
        for (model, method), (module, groups, args, kwargs) in sorted(self._declared().items()):
            if model not in self.env:
                problems.append(f"{module}: {model}.{method}: model {model} does not exist")
                continue
            if not hasattr(self.env[model], method):
                problems.append(f"{module}: {model}.{method}: no such method")
                continue
            for role, user in self.users.items():
                allowed = bool(groups) and user.has_groups(groups)
                error = self._call(user, model, method, args, kwargs)
                if allowed and isinstance(error, AccessError):
                    problems.append(
                        f"{module}: {model}.{method} as {role}: allowed ({groups}) "
                        f"but AccessError: {error}"
                    )
                elif allowed and error and not isinstance(error, UserError):
                    problems.append(
                        f"{module}: {model}.{method} as {role}: allowed ({groups}) but "
                        f"{type(error).__name__}: {error} (arguments of the declaration?)"
                    )
                elif not allowed and not isinstance(error, AccessError):
                    outcome = f"{type(error).__name__}: {error}" if error else "it ran"
                    problems.append(
                        f"{module}: {model}.{method} as {role}: refused "
                        f"({groups or 'nobody'}) but {outcome}"
                    )
        self.assertFalse(
            problems, "RPC access differs from the declarations:\n" + "\n".join(problems)
        )

    def _writable_declared(self):
        writable = {}
        for declaration in self.declarations.values():
            for model, names in getattr(declaration, "WRITABLE_FIELDS", {}).items():
                writable.setdefault(model, set()).update(names)
        return writable

    def test_customer_user_writes_only_declared_fields(self):
        user = self.users["customer user"]
        declared = self._writable_declared()
        modules = set(self.modules)
        problems = []
        for model_name in sorted(self.registry):
            Model = self.env[model_name]
            if Model._abstract or Model._transient:
                continue
            names = [
                name
                for name, field in Model._fields.items()
                if modules.intersection(field._modules or ())
                and name not in MAGIC_FIELDS
                and (field.store or field.inverse)
                # lines are written on their own model, whose fields are tested
                and field.type != "one2many"
            ]
            if not names:
                continue
            record = self._record(model_name)
            for name in names:
                field = Model._fields[name]
                value = field.convert_to_write(record[name], record)
                error = self._call(user, model_name, "write", [{name: value}], None)
                writable = error is None
                expected = name in declared.get(model_name, ())
                if writable != expected:
                    outcome = f"{type(error).__name__}: {error}" if error else "written"
                    problems.append(
                        f"{model_name}.{name}: {'writable' if expected else 'refused'} "
                        f"expected, {outcome}"
                    )
        self.assertFalse(
            problems,
            "Fields a customer relationship user writes, against WRITABLE_FIELDS:\n"
            + "\n".join(problems),
        )
