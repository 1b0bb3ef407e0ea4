from odoo.addons.customer_relationship.tests import test_facts_queue as facts_queue_tests
from odoo.addons.customer_relationship.tests.common import CustomerCommon


class LifecycleCommon(CustomerCommon):
    """Customers of the test company; orders do not move them (no per-event
    evaluation) unless a test turns events back on with ``_with_events``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, customer_lifecycle_no_event=True))
        cls.State = cls.env["customer.lifecycle.state"]
        cls.stages = {
            code: cls.env.ref(f"customer_lifecycle.stage_{code}")
            for code in (
                "prospect",
                "lead",
                "opportunity",
                "new_customer",
                "active",
                "loyal",
                "at_risk",
                "churned",
                "won_back",
            )
        }
        cls.salesperson = cls.user_customer

    def _evaluate(self):
        self._after_commit()
        return self.State._evaluate(self.company)

    def _state(self, partner):
        """The customer's lifecycle state as read after the commit (the
        queued refresh ran, with this test's event setting)."""
        self._after_commit()
        return self.State.search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def _stage(self, partner):
        return self._state(partner).stage_id

    def _with_events(self):
        """An environment whose changes move customers once committed; the
        refreshes after the commit (``_after_commit``) evaluate with events."""
        self.events = True
        return self.env(context=dict(self.env.context, customer_lifecycle_no_event=False))

    def setUp(self):
        super().setUp()
        self.events = False

    def _after_commit(self):
        env = self._with_events() if self.events else self.env
        return env["customer.profile.queue"]._process()

    def _stages_snapshot(self):
        self._after_commit()
        states = self.State.search([("company_id", "=", self.company.id)])
        return {state.partner_id.id: state.stage_id.code for state in states}

    # Cursors the code under test opens (an RPC call, the cron's transaction
    # per company) work in the test's transaction: what they commit is
    # released into it, what they roll back is undone. Callers invalidate
    # their caches afterwards.
    _shared_transaction = facts_queue_tests.TestFactsQueue._registry_test_mode
