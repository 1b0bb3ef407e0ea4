from odoo import api, fields, models


class CustomerProfile(models.Model):
    _inherit = "customer.profile"

    lifecycle_state_ids = fields.One2many(
        "customer.lifecycle.state", "profile_id", string="Lifecycle", readonly=True
    )
    lifecycle_stage_id = fields.Many2one(
        "customer.lifecycle.stage",
        string="Lifecycle Stage",
        compute="_compute_lifecycle_stage_id",
        search="_search_lifecycle_stage_id",
    )

    @api.depends("lifecycle_state_ids.stage_id")
    def _compute_lifecycle_stage_id(self):
        states = self.env["customer.lifecycle.state"].search([("profile_id", "in", self.ids)])
        stage_by_profile = {state.profile_id.id: state.stage_id for state in states}
        for profile in self:
            profile.lifecycle_stage_id = stage_by_profile.get(profile.id, False)

    def _search_lifecycle_stage_id(self, operator, value):
        return [("lifecycle_state_ids.stage_id", operator, value)]

    @api.model
    def _on_facts_changed(self, keys):
        """Move the customers whose facts were refreshed through their
        lifecycle. A full recompute that changed many customers leaves them
        to the evaluation of their companies, deferred, so that the recompute
        itself stays short."""
        result = super()._on_facts_changed(keys)
        states = self.env["customer.lifecycle.state"].sudo()
        if len(keys) > states._EVENT_EVALUATION_LIMIT:
            states._defer_evaluation(
                self.env["res.company"].browse(sorted({company for _partner, company in keys}))
            )
        else:
            states._evaluate_customers(keys)
        return result
