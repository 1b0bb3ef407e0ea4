from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_scoring_window = fields.Integer(
        related="company_id.customer_scoring_window", readonly=False
    )
    customer_class_a_share = fields.Float(
        related="company_id.customer_class_a_share", readonly=False
    )
    customer_class_b_share = fields.Float(
        related="company_id.customer_class_b_share", readonly=False
    )
    customer_clv_lifespan = fields.Float(related="company_id.customer_clv_lifespan", readonly=False)
    customer_clv_margin = fields.Float(related="company_id.customer_clv_margin", readonly=False)

    def action_customer_recompute(self):
        self.env["customer.profile"]._check_customer_manager(
            self.env._("Only customer relationship managers can recompute customer facts.")
        )
        self.execute()
        return self.env["customer.profile"].action_recompute_all()
