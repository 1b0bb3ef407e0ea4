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
        for profile in self:
            profile.lifecycle_stage_id = profile.lifecycle_state_ids[:1].stage_id

    def _search_lifecycle_stage_id(self, operator, value):
        return [("lifecycle_state_ids.stage_id", operator, value)]
