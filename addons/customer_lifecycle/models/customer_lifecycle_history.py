from odoo import api, fields, models
from odoo.tools import SQL


class CustomerLifecycleHistory(models.Model):
    """One stay of a customer in a lifecycle stage.

    A row opens when the customer enters the stage and closes (date left,
    duration, next stage) when it leaves it. Written by the moves only
    (and closed by them in SQL): an audit trail that only system
    administrators correct (``customer.audit.mixin``).
    """

    _name = "customer.lifecycle.history"
    _inherit = ["customer.audit.mixin"]
    _description = "Customer Lifecycle History"
    _order = "date_entered desc, id desc"
    _rec_name = "stage_id"

    state_id = fields.Many2one(
        "customer.lifecycle.state", required=True, readonly=True, index=True, ondelete="cascade"
    )
    # a customer's stays go with its lifecycle state (deleted with the
    # customer or the company)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
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

    def init(self):
        # a customer is in one stage at a time: one open stay per state
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (%s) WHERE %s IS NULL",
                SQL.identifier(f"{self._table}_open_stay_uniq"),
                SQL.identifier(self._table),
                SQL.identifier("state_id"),
                SQL.identifier("date_left"),
            )
        )

    @api.depends("rule_id", "user_id")
    def _compute_cause(self):
        for history in self:
            history.cause = "user" if history.user_id else "rule" if history.rule_id else "initial"

    @api.model
    def _timeline_event_name(self, from_stage, to_stage):
        return self.env._(
            "Lifecycle: %(from_stage)s to %(to_stage)s",
            from_stage=from_stage.name or "-",
            to_stage=to_stage.name,
        )

    @api.model
    def _timeline_event_names(self, to_stage):
        """{stage left (0 for none): summary of the timeline row} of customers
        entering ``to_stage``, for every stage."""
        stages = (
            self.env["customer.lifecycle.stage"]
            .with_context(active_test=False)
            .search_fetch([], ["name"])
        )
        names = {stage.id: self._timeline_event_name(stage, to_stage) for stage in stages}
        names[0] = self._timeline_event_name(stages.browse(), to_stage)
        return names

    def _timeline_event_values(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "event_type": "stage_changed",
            "res_model": self._name,
            "res_id": self.id,
            "date": self.date_entered,
            "name": self._timeline_event_name(self.from_stage_id, self.stage_id),
            "user_id": self.user_id.id or self.env.uid,
        }
