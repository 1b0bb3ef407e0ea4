from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# How many months the report goes back, the current month included.
MONTHS = 24


class CustomerLoyaltyMemberTierReport(models.Model):
    """Members per tier at the end of each of the last 24 months, rebuilt
    from the join dates and the tier history: a member counts in the tier
    that their last tier change on or before the month's end gave them (no
    tier before their first change). Archived memberships are left out."""

    _name = "customer.loyalty.member.tier.report"
    _description = "Members by Tier over Time"
    _auto = False
    _order = "date desc, program_id, tier_level"
    _depends = {
        "customer.loyalty.member": ["program_id", "company_id", "join_date", "active"],
        "customer.loyalty.tier.history": ["member_id", "to_tier_id", "date"],
        "customer.loyalty.tier": ["level"],
    }

    date = fields.Date(string="Month", readonly=True)
    program_id = fields.Many2one("loyalty.program", string="Program", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    tier_id = fields.Many2one("customer.loyalty.tier", string="Tier", readonly=True)
    tier_level = fields.Integer(readonly=True)
    member_count = fields.Integer(string="Members", readonly=True, aggregator="sum")

    @property
    def _table_query(self):
        return self._report_query(fields.Date.context_today(self))

    @api.model
    def _report_query(self, today):
        """The SELECT of the report for the 24 months up to ``today``'s: one
        row per month, program, company and tier (or none) with members."""
        first = today.replace(day=1) - relativedelta(months=MONTHS - 1)
        return self.env["customer.profile"]._sql_over_tables(
            {
                "m": "customer.loyalty.member",
                "h": "customer.loyalty.tier.history",
                "t": "customer.loyalty.tier",
            },
            """
            WITH months AS (
                SELECT s::date AS month_start,
                       (s + interval '1 month' - interval '1 day')::date AS month_end
                  FROM generate_series(%(first)s::date, %(last)s::date, interval '1 month') s
            ), spans AS (
                SELECT %(h.member_id)s AS member_id, %(h.to_tier_id)s AS tier_id,
                       %(h.date)s AS valid_from,
                       lead(%(h.date)s) OVER (PARTITION BY %(h.member_id)s
                                              ORDER BY %(h.date)s, %(h.id)s) AS valid_to
                  FROM %(h)s h
            ), counts AS (
                SELECT mo.month_start, %(m.program_id)s AS program_id,
                       %(m.company_id)s AS company_id, s.tier_id, count(*) AS member_count
                  FROM months mo
                  JOIN %(m)s m ON %(m.join_date)s <= mo.month_end AND %(m.active)s
                  LEFT JOIN spans s ON s.member_id = %(m.id)s
                       AND s.valid_from <= mo.month_end
                       AND (s.valid_to IS NULL OR s.valid_to > mo.month_end)
                 GROUP BY mo.month_start, %(m.program_id)s, %(m.company_id)s, s.tier_id
            )
            SELECT row_number() OVER (ORDER BY c.month_start, c.program_id, c.company_id,
                                               c.tier_id NULLS FIRST) AS id,
                   c.month_start AS date, c.program_id, c.company_id, c.tier_id,
                   coalesce(%(t.level)s, 0) AS tier_level, c.member_count
              FROM counts c
              LEFT JOIN %(t)s t ON %(t.id)s = c.tier_id
            """,
            first=first,
            last=today.replace(day=1),
        )
