import datetime
import importlib.util
import os
import re
import threading
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL

from odoo.addons.base.tests.common import BaseCommon

from ..models import customer_profile_queue as queue_module
from ..models.customer_profile import FACT_COLUMNS, ORDER_FACT_COLUMNS, SCORE_COLUMNS

SCORE_FIELDS = SCORE_COLUMNS
FACT_FIELDS = ORDER_FACT_COLUMNS


class ChineseLabelsCase(TransactionCase):
    """Tests of a module's zh_CN labels: the language active and the terms of
    the core and of ``LABEL_MODULE`` loaded again from their files."""

    LABEL_MODULE = "customer_relationship"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["customer_relationship", cls.LABEL_MODULE], ["zh_CN"], overwrite=True
        )
        cls.env.registry.clear_cache()


class CustomerCommon(BaseCommon):
    """A company of its own, so that scores rank only the fixture's customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Customer Test Co"})
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id]),
        )
        cls.env.user.company_ids |= cls.company
        cls.env.user.company_id = cls.company
        cls.product = cls.env["product.product"].create(
            {"name": "Test Tea", "type": "service", "list_price": 100.0, "taxes_id": False}
        )
        cls.user_manager = cls._user("cr_manager", "customer_relationship.group_customer_manager")
        cls.user_customer = cls._user("cr_user", "customer_relationship.group_customer_user")
        cls.user_plain = cls._user("cr_plain")

    @classmethod
    def _user(cls, login, *groups):
        return new_test_user(
            cls.env,
            login=login,
            groups=",".join(("base.group_user", *groups)),
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _other_company(cls, name):
        """A second company, which the fixture's superuser works in too."""
        company = cls.env["res.company"].create({"name": name})
        cls.env.user.company_ids |= company
        return company

    @classmethod
    def _setup_accounting(cls):
        """A chart of accounts for the test company, to invoice and pay."""
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )

    @classmethod
    def _customer(cls, name, **vals):
        return cls.env["res.partner"].create({"name": name, **vals})

    @classmethod
    def _order(cls, partner, amount, days_ago=0, confirm=True, company=None):
        """A sales order of ``amount`` (untaxed), dated ``days_ago`` days back."""
        return cls._orders([(partner, amount, days_ago)], confirm=confirm, company=company)

    @classmethod
    def _orders(cls, lines, confirm=True, company=None):
        """Sales orders of (customer, untaxed amount, days ago), created and
        confirmed together."""
        company = company or cls.company
        orders = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": cls.product.id,
                                    "product_uom_qty": 1,
                                    "price_unit": amount,
                                    "tax_id": False,
                                }
                            )
                        ],
                    }
                    for partner, amount, _days_ago in lines
                ]
            )
        )
        if confirm:
            orders.action_confirm()
            now = fields.Datetime.now()
            for order, (_partner, _amount, days_ago) in zip(orders, lines, strict=True):
                order.date_order = now - datetime.timedelta(days=days_ago)
        return orders

    @staticmethod
    def _day(days_ago):
        """The (UTC) date of an order placed ``days_ago`` days back."""
        return (fields.Datetime.now() - datetime.timedelta(days=days_ago)).date()

    @contextmanager
    def assertExactQueryCount(self, expected):
        """Like ``assertQueryCount``, but fewer queries than expected fail
        too: a budget is a figure to keep, not a ceiling."""
        self.env.flush_all()
        self.env.cr.flush()
        before = self.env.cr.sql_log_count
        yield
        self.env.flush_all()
        self.env.cr.flush()
        self.assertEqual(self.env.cr.sql_log_count - before, expected, "exact query count")

    def _after_commit(self):
        """What the transaction's commit would start, here in the test's own
        transaction: the work deferred by ``customer.work._defer`` (the
        refresh of the customers its orders queued, a recompute...), run
        until nothing more is deferred. That is the jobs it enqueued when the
        job queue bridge is installed, and the crons of the suite it
        triggered. Returns the (customer, company) pairs whose queued
        refresh ran."""
        # the pre-commit hooks (the deferral of the queued refreshes)
        self.env.cr.flush()
        queued = self._queued_pairs()
        with self._deferred_work_mode():
            while self._run_deferred_jobs() | self._run_triggered_crons():
                pass
        return queued - self._queued_pairs()

    def _queued_pairs(self):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT partner_id, company_id FROM customer_profile_queue"))
        return set(self.env.cr.fetchall())

    @contextmanager
    def _deferred_work_mode(self):
        """Cursors opened by deferred work share the test's transaction, and
        the queue's drain does not wait for more orders."""
        self.env.flush_all()
        enter = not self.registry.in_test_mode()
        if enter:
            self.registry.enter_test_mode(self.cr)
        try:
            with patch.object(queue_module.time, "sleep", lambda seconds: None):
                yield
        finally:
            if enter:
                self.registry.leave_test_mode()
            self.env.invalidate_all()

    def _run_deferred_jobs(self):
        """Perform the suite's jobs waiting to start; True if there were any."""
        if "queue.job" not in self.env:
            return False
        from odoo.addons.queue_job.job import Job  # noqa: PLC0415 (optional module)

        records = (
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("state", "=", "pending"),
                    ("channel", "=like", "root.customer_relationship.%"),
                ],
                order="id",
            )
        )
        for record in records:
            job = Job.load(self.env, record.uuid)
            job.set_started()
            job.store()
            job.perform()
            job.set_done()
            job.store()
            self.env.flush_all()
        return bool(records)

    def _run_triggered_crons(self):
        """Run the suite's crons that were triggered; True if there were any."""
        suite_crons = self.env["ir.model.data"].search(
            [("model", "=", "ir.cron"), ("module", "=like", "customer_%")]
        )
        triggers = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search([("cron_id", "in", suite_crons.mapped("res_id"))])
        )
        crons = triggers.cron_id
        triggers.unlink()
        for cron in crons:
            cron.ir_actions_server_id.sudo().run()
            self.env.flush_all()
        return bool(crons)

    def _profile(self, partner, company=None):
        """The customer's facts as read after the commit."""
        self._after_commit()
        return self.env["customer.profile"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company).id)]
        )

    def _full_run(self, company=None):
        return self.env["customer.profile"]._recompute_all(company or self.company)

    def _company_facts(self, company=None):
        """{customer id: its stored facts} of the company, read again."""
        self.env.invalidate_all()
        profiles = (
            self.env["customer.profile"]
            .sudo()
            .search([("company_id", "=", (company or self.company).id)])
        )
        return {p.partner_id.id: tuple(p[name] for name in FACT_COLUMNS) for p in profiles}

    def _whole_company_run(self, company=None):
        """What one whole-company run writes now: (facts, its run's bounds,
        customer count, changed count), then rolled back to the state
        before it."""
        self.env.flush_all()
        self.env.cr.execute(SQL("SAVEPOINT whole_company_run"))
        run = self.env["customer.profile"]._recompute_all(company or self.company)
        result = self._company_facts(company), run.bounds, run.customer_count, run.changed_count
        self.env.cr.execute(SQL("ROLLBACK TO SAVEPOINT whole_company_run"))
        self.env.invalidate_all()
        return result

    def _snapshot(self, fields_list):
        self._after_commit()
        profiles = self.env["customer.profile"].search([("company_id", "=", self.company.id)])
        return {p.partner_id.id: {f: p[f] for f in fields_list} for p in profiles}


@contextmanager
def failing_call(model, method, number, error):
    """Patch ``model``'s ``method`` so that its ``number``-th call raises
    ``error`` (the others run it); yields the list of calls' arguments."""
    cls = type(model)
    original = getattr(cls, method)
    calls = []

    def call(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == number:
            raise error
        return original(self, *args, **kwargs)

    with patch.object(cls, method, call):
        yield calls


@contextmanager
def captured_queries():
    """Collect (SQL text, parameters) of every statement run meanwhile in
    this thread."""
    queries = []
    thread = threading.current_thread()
    hooks = list(getattr(thread, "query_hooks", ()))

    def hook(cr, query, params, start, delay):
        queries.append((query.decode() if isinstance(query, bytes) else str(query), params))

    thread.query_hooks = [*hooks, hook]
    try:
        yield queries
    finally:
        thread.query_hooks = hooks


def written_tables(queries):
    """{table: {statement kinds}} of the writes among ``queries``; a
    statement whose CTEs write several tables counts for each of them."""
    tables = {}
    pattern = re.compile(r"\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+\"?(\w+)\"?", re.I)
    for query, _params in queries:
        for kind, table in pattern.findall(query):
            tables.setdefault(table, set()).add(" ".join(kind.upper().split()))
    return tables


def tool_module(name):
    """The project's ``tools/<name>.py`` (the bench, its data builder),
    loaded from the checkout."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location(
        f"customer_tool_{name}", os.path.join(root, "tools", f"{name}.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
