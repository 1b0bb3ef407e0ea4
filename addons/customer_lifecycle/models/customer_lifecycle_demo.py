from odoo import api, fields, models


class CustomerLifecycleDemo(models.AbstractModel):
    """Builds the lifecycle demo; called from demo data only."""

    _name = "customer.lifecycle.demo"
    _description = "Customer Lifecycle Demo Loader"

    @api.model
    def _demo_setup(self):
        """Customers in every stage: pipeline for two new partners, the rules
        over the core's demo customers, an order winning a churned customer
        back, and two manual, locked moves."""
        company = self.env.ref("base.main_company")
        stage = self.env.ref
        partners = self.env["res.partner"].create(
            [
                {"name": "钱芳", "city": "南京", "country_id": stage("base.cn").id},
                {"name": "孙浩", "city": "成都", "country_id": stage("base.cn").id},
                {"name": "Olivia Harris", "city": "Leeds", "country_id": stage("base.uk").id},
            ]
        )
        self.env["crm.lead"].create(
            [
                {
                    "name": "Tea ceremony workshop",
                    "type": "lead",
                    "partner_id": partners[0].id,
                    "company_id": company.id,
                },
                {
                    "name": "Hotel lobby tea corner",
                    "type": "opportunity",
                    "partner_id": partners[1].id,
                    "company_id": company.id,
                },
                {
                    "name": "Office gifts",
                    "type": "lead",
                    "partner_id": partners[2].id,
                    "company_id": company.id,
                },
            ]
        )
        states = self.env["customer.lifecycle.state"]
        states._evaluate(self.env["res.company"].search([]))
        # a churned customer orders again: the order moves it to Won back
        churned = self.env.ref("customer_relationship.demo_partner_zhou_tao")
        order = self.env["sale.order"].create(
            {
                "partner_id": churned.id,
                "company_id": company.id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": self.env.ref(
                                "customer_relationship.demo_product_tea_set"
                            ).id,
                            "product_uom_qty": 1,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        self.env["customer.profile.queue"]._process()
        # manual, locked moves
        states = states.search([("company_id", "=", company.id)])
        by_partner = {state.partner_id: state for state in states}
        for partner, code in (
            (partners[2], "prospect"),
            (self.env.ref("customer_relationship.demo_partner_james_miller"), "active"),
        ):
            state = by_partner.get(partner)
            if state:
                state.write({"stage_id": stage(f"customer_lifecycle.stage_{code}").id})
                state.action_lock()
