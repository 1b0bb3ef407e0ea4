import itertools
from unittest.mock import patch

from odoo.tests import tagged

from .common import LifecycleCommon

CRON = "customer_lifecycle.ir_cron_customer_lifecycle"


@tagged("post_install", "-at_install")
class TestDeferredEvaluation(LifecycleCommon):
    """The full evaluation runs per company, outside the user's request:
    ``_evaluate_company`` is the unit of work, from the cron or a job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.companies = cls.company
        for name in ("Deferred Two Co", "Deferred Three Co"):
            cls.companies |= cls.env["res.company"].create({"name": name})
        cls.env.user.company_ids |= cls.companies
        cls.user_manager.company_ids |= cls.companies
        for company in cls.companies:
            for index in range(3):
                partner = cls._customer(f"{company.name} customer {index}")
                cls._orders([(partner, 100, 30), (partner, 100, 3)][: index + 1], company=company)
        cls.env["customer.profile.queue"]._process()

    def _check_consistent(self):
        """Each state has one open stay, in the state's stage; the stays of
        a state follow each other."""
        self.env.flush_all()
        self.env.invalidate_all()
        states = self.State.search([("company_id", "in", self.companies.ids)])
        for state in states:
            stays = state.history_ids.sorted("id")
            open_stays = stays.filtered(lambda stay: not stay.date_left)
            self.assertEqual(len(open_stays), 1, state.partner_id.name)
            self.assertEqual(open_stays, stays[-1])
            self.assertEqual(open_stays.stage_id, state.stage_id)
            for before, after in itertools.pairwise(stays):
                self.assertEqual(before.next_stage_id, after.stage_id)
                self.assertEqual(after.from_stage_id, before.stage_id)
        return states

    def _history_count(self):
        return self.env["customer.lifecycle.history"].search_count(
            [("company_id", "in", self.companies.ids)]
        )

    def _stages(self):
        self.env.invalidate_all()
        states = self.State.search([("company_id", "in", self.companies.ids)])
        return {(state.partner_id.id, state.company_id.id): state.stage_id.code for state in states}

    def test_work_unit_evaluates_one_company(self):
        second = self.companies[1]
        moved = self.State._evaluate_company(second.id)
        self.assertEqual(moved, 3)
        self.assertEqual(
            self.State.search([("company_id", "in", self.companies.ids)]).company_id, second
        )
        # again: nobody moves twice
        rows = self._history_count()
        self.assertEqual(self.State._evaluate_company(second.id), 0)
        self.assertEqual(self._history_count(), rows)
        self._check_consistent()

    def test_cron_goes_on_when_a_company_fails(self):
        evaluate = type(self.State)._evaluate_company
        second = self.companies[1]

        def killed(states, company_id):
            moved = evaluate(states, company_id)
            if company_id == second.id:
                raise RuntimeError("evaluation killed")
            return moved

        with (
            self._shared_transaction(),
            patch.object(type(self.State), "_evaluate_company", killed),
            self.assertLogs(
                "odoo.addons.customer_lifecycle.models.customer_lifecycle_state", "ERROR"
            ) as logs,
        ):
            self.State._cron_evaluate()
        self.assertIn(second.name, logs.output[0])
        self._check_consistent()
        stages = self._stages()
        self.assertEqual(
            {company for _partner, company in stages}, set((self.companies - second).ids)
        )
        rows = self._history_count()
        # the next run completes the company left behind, moves nobody twice
        with self._shared_transaction():
            self.State._cron_evaluate()
        states = self._check_consistent()
        self.assertEqual(set(states.company_id.ids), set(self.companies.ids))
        after = self._stages()
        for key, code in stages.items():
            self.assertEqual(after[key], code)
        self.assertEqual(
            self._history_count(),
            rows
            + self.env["customer.lifecycle.history"].search_count([("company_id", "=", second.id)]),
        )
        # a retried run moves nobody
        rows = self._history_count()
        with self._shared_transaction():
            self.State._cron_evaluate()
        self.assertEqual(self._history_count(), rows)

    def test_killed_in_the_middle_of_a_company(self):
        """A company's evaluation killed between two moves leaves nothing of
        it: its states and stays are those of before."""
        move = type(self.State)._move_to
        calls = []

        def killed(states, *args, **kwargs):
            calls.append(states)
            if len(calls) == 2:
                raise RuntimeError("evaluation killed")
            return move(states, *args, **kwargs)

        self.State._evaluate_company(self.company.id)
        self._order(self.State.search([("company_id", "=", self.company.id)])[:1].partner_id, 50)
        self._after_commit()
        with (
            self._shared_transaction(),
            patch.object(type(self.State), "_move_to", killed),
            self.assertLogs(
                "odoo.addons.customer_lifecycle.models.customer_lifecycle_state", "ERROR"
            ),
        ):
            self.State._cron_evaluate()
        self._check_consistent()
        with self._shared_transaction():
            self.State._cron_evaluate()
        self._check_consistent()

    def test_manager_button_defers_large_companies(self):
        self.env["ir.config_parameter"].set_param(
            "customer_lifecycle.immediate_evaluation_limit", "2"
        )
        small = self.env["res.company"].create({"name": "Deferred Small Co"})
        self.user_manager.company_ids |= small
        partner = self._customer("Small company customer")
        self._order(partner, 100, company=small)
        self._after_commit()
        companies = self.companies | small
        manager = self.State.with_user(self.user_manager).with_context(
            allowed_company_ids=companies.ids
        )
        with patch.object(type(self.env["customer.work"]), "_defer") as defer:
            action = manager.action_evaluate_all()
        self.assertEqual(defer.call_count, 3)
        for call, company in zip(defer.call_args_list, self.companies, strict=True):
            records, method, args = call.args
            self.assertEqual(
                (records._name, method, args),
                (self.State._name, "_evaluate_company", (company.id,)),
            )
            self.assertEqual(call.kwargs["cron"], CRON)
            self.assertEqual(call.kwargs["channel"], "lifecycle")
            self.assertEqual(call.kwargs["key"], f"customer.lifecycle.evaluate:{company.id}")
            self.assertTrue(call.kwargs["description"])
        # the small company moved at once, the others wait for their work unit
        self.assertEqual(self.State.search([("company_id", "in", companies.ids)]).company_id, small)
        self.assertIn("1 customers changed stage.", action["params"]["message"])
        for company in self.companies:
            self.State._evaluate_company(company.id)
        self._check_consistent()

    def test_manager_button_small_companies_at_once(self):
        manager = self.State.with_user(self.user_manager).with_context(
            allowed_company_ids=self.companies.ids
        )
        with patch.object(type(self.env["customer.work"]), "_defer") as defer:
            action = manager.action_evaluate_all()
        defer.assert_not_called()
        self.assertEqual(action["params"]["message"], "9 customers changed stage.")
