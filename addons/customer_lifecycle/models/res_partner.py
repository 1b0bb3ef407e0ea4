from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_lifecycle_state_id = fields.Many2one(
        "customer.lifecycle.state",
        string="Lifecycle",
        compute="_compute_customer_lifecycle",
        help="Lifecycle stage of the commercial partner in the current company.",
    )
    customer_lifecycle_stage_id = fields.Many2one(
        "customer.lifecycle.stage",
        string="Lifecycle Stage",
        compute="_compute_customer_lifecycle",
        search="_search_customer_lifecycle_stage_id",
    )

    @api.depends_context("company")
    def _compute_customer_lifecycle(self):
        states = self.env["customer.lifecycle.state"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {state.partner_id.id: state for state in states}
        empty = self.env["customer.lifecycle.state"]
        for partner in self:
            state = by_partner.get(partner.commercial_partner_id.id, empty)
            partner.customer_lifecycle_state_id = state
            partner.customer_lifecycle_stage_id = state.stage_id

    def _search_customer_lifecycle_stage_id(self, operator, value):
        states = self.env["customer.lifecycle.state"]._search(
            [("stage_id", operator, value), ("company_id", "=", self.env.company.id)]
        )
        return [
            (
                "commercial_partner_id",
                "in",
                states.subselect(
                    self.env["customer.lifecycle.state"]._field_to_sql(
                        states.table, "partner_id", states
                    )
                ),
            )
        ]

    @api.readonly
    def action_open_customer_lifecycle(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.lifecycle.state",
            "res_id": self.customer_lifecycle_state_id.id,
            "view_mode": "form",
        }
