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
        return self.State._evaluate(self.company)

    def _state(self, partner):
        return self.State.search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def _stage(self, partner):
        return self._state(partner).stage_id

    def _with_events(self):
        return self.env(context=dict(self.env.context, customer_lifecycle_no_event=False))

    def _stages_snapshot(self):
        states = self.State.search([("company_id", "=", self.company.id)])
        return {state.partner_id.id: state.stage_id.code for state in states}
