from odoo import api, fields, models
from odoo.tools import SQL, create_index


class CustomerScoringRun(models.Model):
    """One full recomputation of a company's customer facts.

    Keeps the score bounds and class thresholds it found, so that customers
    touched before the next run are scored against the same bounds.
    """

    _name = "customer.scoring.run"
    _description = "Customer Scoring Run"
    _inherit = ["customer.audit.mixin"]
    _order = "id desc"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    create_date = fields.Datetime(string="Run at", readonly=True)
    window_start = fields.Date(
        readonly=True, help="Orders from this day on count for the RFM scores."
    )
    customer_count = fields.Integer(string="Customers", readonly=True)
    scored_count = fields.Integer(
        string="Scored Customers",
        readonly=True,
        help="Customers who bought within the scoring window.",
    )
    changed_count = fields.Integer(string="Profiles Changed", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 3))
    bounds = fields.Json(readonly=True)
    scores_kept = fields.Boolean(
        string="Unchanged Customers Kept",
        readonly=True,
        help="The score bounds and value class thresholds were those of the previous run: "
        "only the customers whose facts or lifetime value changed were scored again, "
        "the others kept their scores, segment and class.",
    )
    state = fields.Selection(
        [("pending", "Requested"), ("running", "Running"), ("done", "Done")],
        default="done",
        required=True,
        readonly=True,
        help="A requested run waits for its job or for the cron running recomputes; the "
        "customers of a large company are written range by range, each range committed.",
    )
    # ranges of customer (commercial partner) ids written one step each: the
    # last id of every range but the last, and the first id still to write
    range_ends = fields.Json(readonly=True)
    next_partner_id = fields.Integer(readonly=True)
    bounds_display = fields.Text(string="Score Bounds", compute="_compute_bounds_display")

    def init(self):
        # the last run of a company (``_last_bounds``) is one index probe;
        # the index serves every lookup by company
        self.env.cr.execute(SQL("DROP INDEX IF EXISTS customer_scoring_run__company_id_index"))
        create_index(
            self.env.cr,
            "customer_scoring_run_company_id_id_index",
            self._table,
            ["company_id", "id"],
        )

    @api.depends("bounds")
    def _compute_bounds_display(self):
        labels = {
            "recency": self.env._("Recency: last order on or after"),
            "frequency": self.env._("Frequency: orders in window at least"),
            "monetary": self.env._("Monetary: revenue in window at least"),
        }
        for run in self:
            bounds = run.bounds or {}
            lines = []
            for key, label in labels.items():
                values = bounds.get(key)
                if values:
                    cuts = ", ".join(
                        f"{score}: {bound}"
                        for score, bound in zip(range(2, 6), values, strict=True)
                    )
                    lines.append(f"{label} ({cuts})")
            min_a, min_b = bounds.get("classes") or (None, None)
            lines.append(
                self.env._(
                    "Class A from revenue %(a)s, class B from %(b)s",
                    a=min_a if min_a is not None else "-",
                    b=min_b if min_b is not None else "-",
                )
            )
            run.bounds_display = "\n".join(lines)

    @api.model
    def _last_bounds(self, company_ids):
        """Bounds of the last run of each company, as ``_write_facts`` takes them."""
        # execute_query flushes the fields the SQL reads
        rows = self.env.execute_query(
            self.env["customer.profile"]._sql_over_tables(
                {"run": self._name},
                """
                SELECT r.company_id, r.bounds
                  FROM unnest(%(company_ids)s::int[]) AS c(id)
                  CROSS JOIN LATERAL (
                        SELECT %(run.company_id)s, %(run.bounds)s FROM %(run)s run
                         WHERE %(run.company_id)s = c.id AND %(run.state)s != 'pending'
                         ORDER BY %(run.id)s DESC LIMIT 1) r
                """,
                company_ids=list(company_ids),
            )
        )
        return {company_id: dict(bounds or {}) for company_id, bounds in rows}
