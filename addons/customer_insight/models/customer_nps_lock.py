from odoo import api, fields, models


class CustomerNpsLock(models.Model):
    """One row per customer and company, rewritten by every transaction that
    is about to invite the customer to the NPS survey.

    Two transactions inviting the same customer at once both rewrite its row:
    the second one waits for the first, then (REPEATABLE READ) fails with a
    serialization error if the first one committed, and its batch runs again
    later, when it sees the first one's invitation. So "not invited within
    the period" is checked and acted upon by one transaction at a time per
    customer. Written by SQL only.
    """

    _name = "customer.nps.lock"
    _description = "NPS Invitation Lock"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    date = fields.Datetime(
        string="Last Checked",
        readonly=True,
        help="When an invitation of the customer was last checked against the period.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique (partner_id, company_id)",
            "A customer has one NPS invitation lock per company.",
        ),
    ]

    @api.model
    def _lock(self, partner_ids, company):
        """Rewrite the rows of the commercial partners ``partner_ids`` in
        ``company`` (created when missing), in id order so that two
        transactions locking overlapping sets cannot deadlock."""
        ids = sorted(set(partner_ids))
        if not ids:
            return
        self.env.execute_query(
            self.env["customer.profile"]._sql_over_tables(
                {"l": "customer.nps.lock"},
                """
                INSERT INTO %(l)s (%(l:partner_id)s, %(l:company_id)s, %(l:date)s)
                SELECT p.id, %(company)s, now() AT TIME ZONE 'UTC'
                  FROM unnest(%(ids)s::int[]) AS p(id)
                 ORDER BY p.id
                    ON CONFLICT (%(l:partner_id)s, %(l:company_id)s)
                    DO UPDATE SET %(l:date)s = EXCLUDED.%(l:date)s
                """,
                ids=ids,
                company=company.id,
            )
        )
        self.invalidate_model()
