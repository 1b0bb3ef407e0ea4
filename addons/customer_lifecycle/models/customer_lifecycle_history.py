from odoo import api, fields, models


class CustomerLifecycleHistory(models.Model):
    """One stay of a customer in a lifecycle stage.

    A row opens when the customer enters the stage and closes (date left,
    duration, next stage) when it leaves it. Written by the moves only.
    """

    _name = "customer.lifecycle.history"
    _description = "Customer Lifecycle History"
    _order = "date_entered desc, id desc"
    _rec_name = "stage_id"

    state_id = fields.Many2one(
        "customer.lifecycle.state", required=True, readonly=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    from_stage_id = fields.Many2one(
        "customer.lifecycle.stage", string="From Stage", readonly=True, ondelete="set null"
    )
    stage_id = fields.Many2one(
        "customer.lifecycle.stage",
        string="Stage",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    next_stage_id = fields.Many2one(
        "customer.lifecycle.stage", string="Left To", readonly=True, ondelete="set null"
    )
    date_entered = fields.Datetime(required=True, readonly=True, index=True)
    date_left = fields.Datetime(readonly=True)
    duration = fields.Float(
        string="Days in Stage",
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="Set when the customer leaves the stage.",
    )
    rule_id = fields.Many2one(
        "customer.lifecycle.rule", string="Rule", readonly=True, ondelete="set null"
    )
    user_id = fields.Many2one("res.users", string="Moved By", readonly=True)
    cause = fields.Selection(
        [("initial", "First seen"), ("rule", "Rule"), ("user", "User")],
        compute="_compute_cause",
    )

    @api.depends("rule_id", "user_id")
    def _compute_cause(self):
        for history in self:
            history.cause = "user" if history.user_id else "rule" if history.rule_id else "initial"

    def _timeline_event_values(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "event_type": "stage_changed",
            "res_model": self._name,
            "res_id": self.id,
            "date": self.date_entered,
            "name": self.env._(
                "Lifecycle: %(from_stage)s to %(to_stage)s",
                from_stage=self.from_stage_id.name or "-",
                to_stage=self.stage_id.name,
            ),
            "user_id": self.user_id.id or self.env.uid,
        }
