from odoo import fields, models, tools
from odoo.tools import SQL

# the share of the complaints the "vital few" causes make up
PARETO_SHARE = 80


class CustomerComplaintCausePareto(models.Model):
    """The Pareto of root causes per company: the causes of the complaints
    sorted by their number of complaints, with each one's share and the
    cumulative share, so that the few causes making most complaints stand
    out."""

    _name = "customer.complaint.cause.pareto"
    _description = "Root Causes of Complaints (Pareto)"
    _auto = False
    _order = "company_id, rank"
    _rec_name = "cause_id"
    _depends = {
        "helpdesk.ticket": ["active", "company_id", "complaint_cause_id", "is_complaint"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    cause_id = fields.Many2one("customer.complaint.cause", string="Root Cause", readonly=True)
    rank = fields.Integer(
        readonly=True,
        aggregator="min",
        help="1 for the cause with the most complaints; ties are ranked by cause.",
    )
    complaint_count = fields.Integer(
        string="Complaints", readonly=True, help="Complaints of the company with this root cause."
    )
    share = fields.Float(
        string="Share (%)",
        readonly=True,
        help="The cause's complaints out of all the company's complaints with a root cause.",
    )
    cumulative_share = fields.Float(
        string="Cumulative Share (%)",
        readonly=True,
        aggregator="max",
        help="The share of this cause and of every cause ranked before it.",
    )
    vital_few = fields.Boolean(
        string="Vital Few",
        readonly=True,
        help="One of the few causes that together make up 80% of the complaints: the causes "
        "ranked before it make up less than 80%.",
    )

    def _query(self):
        return self.env["customer.profile"]._sql_over_tables(
            {"t": "helpdesk.ticket"},
            """
            WITH counts AS (
                SELECT %(t.company_id)s, %(t.complaint_cause_id)s AS cause_id,
                       count(*) AS complaint_count
                  FROM %(t)s t
                 WHERE %(t.is_complaint)s AND %(t.active)s
                   AND %(t.complaint_cause_id)s IS NOT NULL
                 GROUP BY %(t.company_id)s, %(t.complaint_cause_id)s
            ),
            ranked AS (
                SELECT company_id, cause_id, complaint_count,
                       row_number() OVER by_count AS rank,
                       sum(complaint_count) OVER (by_count ROWS UNBOUNDED PRECEDING)
                           AS cumulative_count,
                       sum(complaint_count) OVER (PARTITION BY company_id) AS total_count
                  FROM counts
                WINDOW by_count AS (
                    PARTITION BY company_id ORDER BY complaint_count DESC, cause_id
                )
            )
            SELECT row_number() OVER (ORDER BY company_id, rank) AS id,
                   company_id, cause_id, rank, complaint_count,
                   complaint_count * 100.0 / total_count AS share,
                   cumulative_count * 100.0 / total_count AS cumulative_share,
                   (cumulative_count - complaint_count) * 100 < %(pareto)s * total_count
                       AS vital_few
              FROM ranked
            """,
            pareto=PARETO_SHARE,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
