from odoo import api, fields, models
from odoo.tools import SQL

from .complaint_data import SEVERITIES


class CustomerProfile(models.Model):
    """Complaint facts of a customer, refreshed with the other facts (the
    core's facts queue): lifecycle rules and segments can use them."""

    _inherit = "customer.profile"

    complaint_open_count = fields.Integer(
        string="Open Complaints", readonly=True, default=0, aggregator="sum"
    )
    complaint_open_severity = fields.Selection(
        SEVERITIES,
        string="Highest Open Severity",
        readonly=True,
        help="The highest severity of the customer's open complaints.",
    )
    complaint_year_count = fields.Integer(
        string="Complaints (12 months)",
        readonly=True,
        default=0,
        help="Complaints received in the last twelve months.",
    )
    complaint_csat = fields.Float(
        string="Average CSAT",
        readonly=True,
        digits=(3, 2),
        aggregator="avg",
        help="Average satisfaction rating of the customer's complaints (1 to 5), "
        "0 when none was rated.",
    )

    @api.model
    def _on_facts_changed(self, keys):
        # written before the other subscribers run (the lifecycle rules read
        # them), whatever the order of the modules
        if keys:
            self._write_complaint_facts(keys)
        return super()._on_facts_changed(keys)

    @api.model
    def _write_complaint_facts(self, keys):
        """Store the complaint facts of the (customer, company) pairs
        ``keys`` in one UPDATE of the rows that differ.

        A profile never touched by a complaint keeps NULL in these columns,
        which reads and searches as 0 (as Odoo does with empty numbers), and
        an average rating stays NULL until a complaint is rated, so that the
        average of a group counts the rated customers only. A full run,
        which inserts every profile, then rewrites only the profiles of
        customers with complaints."""
        partners, companies = zip(*keys, strict=True)
        partner_ids, company_ids = sorted(set(partners)), sorted(set(companies))
        severity_of = SQL(" ").join(
            SQL("WHEN %s THEN %s", rank, key)
            for rank, (key, _label) in enumerate(SEVERITIES, start=1)
        )
        tickets = self.env["helpdesk.ticket"]
        tickets.flush_model()
        self.env["helpdesk.ticket.stage"].flush_model(["closed"])
        # the candidates first (customers with complaints, and profiles
        # holding complaint facts), then their rows by id; the others' facts
        # stay empty
        query = self._sql_over_tables(
            {"p": "customer.profile", "p2": "customer.profile"},
            """
            WITH x AS MATERIALIZED (
                    SELECT %(p2.id)s AS id,
                           COALESCE(%(p2.complaint_open_count)s, 0) AS stored_open_count,
                           %(p2.complaint_open_severity)s AS stored_open_severity,
                           COALESCE(%(p2.complaint_year_count)s, 0) AS stored_year_count,
                           %(p2.complaint_csat)s AS stored_csat,
                           COALESCE(f.open_count, 0) AS open_count,
                           CASE f.open_rank %(severity_of)s END AS open_severity,
                           COALESCE(f.year_count, 0) AS year_count,
                           ROUND(f.csat::numeric, 2) AS csat
                      FROM %(p2)s p2
                      LEFT JOIN (%(facts)s) f
                        ON f.partner_id = %(p2.partner_id)s AND f.company_id = %(p2.company_id)s
                     WHERE %(p2.partner_id)s = ANY(%(partners)s)
                       AND %(p2.company_id)s = ANY(%(companies)s)
                       AND (f.partner_id IS NOT NULL
                            OR COALESCE(%(p2.complaint_open_count)s, 0) != 0
                            OR COALESCE(%(p2.complaint_year_count)s, 0) != 0
                            OR %(p2.complaint_open_severity)s IS NOT NULL
                            OR %(p2.complaint_csat)s IS NOT NULL))
            UPDATE %(p)s p
               SET %(p:complaint_open_count)s = x.open_count,
                   %(p:complaint_open_severity)s = x.open_severity,
                   %(p:complaint_year_count)s = x.year_count,
                   %(p:complaint_csat)s = x.csat
              FROM x
             WHERE %(p.id)s = x.id
               AND (x.stored_open_count != x.open_count
                    OR x.stored_open_severity IS DISTINCT FROM x.open_severity
                    OR x.stored_year_count != x.year_count
                    OR x.stored_csat IS DISTINCT FROM x.csat)
            RETURNING %(p.id)s
            """,
            severity_of=severity_of,
            facts=tickets._complaint_facts_query(partner_ids, tickets._complaint_since()),
            partners=self._sql_id_array(partner_ids),
            companies=company_ids,
        )
        rows = self.env.execute_query(query)
        if rows:
            self.invalidate_model(
                [
                    "complaint_open_count",
                    "complaint_open_severity",
                    "complaint_year_count",
                    "complaint_csat",
                ]
            )
        return len(rows)
