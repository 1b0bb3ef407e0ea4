import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..engine import rfm, value

# Columns the recomputation writes (see customer_profile_facts.py).
FACT_COLUMNS = [
    "first_order_date",
    "last_order_date",
    "order_count",
    "revenue",
    "average_order_value",
    "window_order_count",
    "window_revenue",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "rfm_segment",
    "lifetime_value",
    "value_class",
]
# Of those, the ones scored against the bounds of the company's last full
# run; the others follow from the customer's own orders.
SCORE_COLUMNS = ["recency_score", "frequency_score", "monetary_score", "rfm_segment", "value_class"]
ORDER_FACT_COLUMNS = [column for column in FACT_COLUMNS if column not in SCORE_COLUMNS]
# Amounts of sales orders: read with sales rights (README.md, "Access rights
# by role"); the customer relationship user group implies them.
REVENUE_GROUPS = "sales_team.group_sale_salesman"


class CustomerProfile(models.Model):
    """Facts about one customer (commercial partner) in one company.

    Rows are written by SQL only (``_recompute_all`` and
    ``_refresh_customers``, in customer_profile_facts.py); users read them.
    Plugins learn that facts changed through ``_on_facts_changed``.
    """

    _name = "customer.profile"
    _description = "Customer Profile"
    _order = "revenue desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    country_id = fields.Many2one(related="partner_id.country_id")
    city = fields.Char(related="partner_id.city")
    first_order_date = fields.Date(readonly=True)
    last_order_date = fields.Date(readonly=True, index=True)
    days_since_last_order = fields.Integer(
        compute="_compute_days_since_last_order",
        search="_search_days_since_last_order",
        help="Days between the last confirmed order and today.",
    )
    order_count = fields.Integer(
        string="Orders", readonly=True, help="Confirmed sales orders, cancelled ones excluded."
    )
    revenue = fields.Monetary(
        readonly=True,
        groups=REVENUE_GROUPS,
        help="Untaxed amount of the confirmed sales orders, in the company's currency.",
    )
    average_order_value = fields.Monetary(readonly=True, groups=REVENUE_GROUPS)
    window_order_count = fields.Integer(
        string="Orders in Window",
        readonly=True,
        help="Confirmed orders within the scoring window.",
    )
    window_revenue = fields.Monetary(
        string="Revenue in Window",
        readonly=True,
        groups=REVENUE_GROUPS,
        help="Revenue of the orders within the scoring window.",
    )
    recency_score = fields.Integer(string="R", readonly=True, aggregator="avg")
    frequency_score = fields.Integer(string="F", readonly=True, aggregator="avg")
    monetary_score = fields.Integer(string="M", readonly=True, aggregator="avg")
    rfm_score = fields.Char(string="RFM", compute="_compute_rfm_score")
    rfm_segment = fields.Selection(
        [(key, label) for key, label in rfm.SEGMENTS],
        string="RFM Segment",
        readonly=True,
        group_expand=True,
    )
    lifetime_value = fields.Monetary(
        readonly=True,
        groups=REVENUE_GROUPS,
        help="Annual revenue x expected lifespan x margin (see Settings).",
    )
    value_class = fields.Selection(
        value.CLASSES,
        readonly=True,
        group_expand=True,
        help="A: the customers making the first 80% of revenue, B: the next 15%, C: the rest.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique (partner_id, company_id)",
            "A customer has one profile per company.",
        ),
    ]

    def init(self):
        # Indexes that only cost each write (databases from before): lookups
        # by customer use the unique (partner_id, company_id) index, and a
        # segment or a class holds a tenth to a third of the customers, which
        # PostgreSQL reads faster by scanning the company's rows.
        for index in ("partner_id", "rfm_segment", "value_class"):
            self.env.cr.execute(
                SQL("DROP INDEX IF EXISTS %s", SQL.identifier(f"customer_profile__{index}_index"))
            )

    @api.model
    def _facts_today(self):
        """Today as the facts count days: their order dates are UTC dates."""
        return fields.Datetime.now().date()

    @api.depends("last_order_date")
    def _compute_days_since_last_order(self):
        today = self._facts_today()
        for profile in self:
            last = profile.last_order_date
            profile.days_since_last_order = (today - last).days if last else 0

    def _search_days_since_last_order(self, operator, days):
        """Turn a condition on days into one on the stored date (indexed)."""
        flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "=", "!=": "!="}
        if operator not in flipped or not isinstance(days, int):
            return [("id", "=", 0)] if operator != "!=" else []
        day = self._facts_today() - datetime.timedelta(days=days)
        return [("last_order_date", flipped[operator], day)]

    @api.depends("recency_score", "frequency_score", "monetary_score")
    def _compute_rfm_score(self):
        for profile in self:
            scores = (profile.recency_score, profile.frequency_score, profile.monetary_score)
            profile.rfm_score = "".join(map(str, scores)) if all(scores) else False

    # ------------------------------------------------------------------
    # Manager buttons
    # ------------------------------------------------------------------
    @api.model
    def _check_customer_manager(self, message):
        """Hook: raise ``message`` unless the user is a customer relationship manager."""
        if not self.env.user.has_group("customer_relationship.group_customer_manager"):
            raise AccessError(message)

    @api.model
    def _success_notification(self, title, message):
        """Hook: the client action telling the user a batch job succeeded."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": title,
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Facts changed
    # ------------------------------------------------------------------
    @api.model
    def _on_facts_changed(self, keys):
        """Hook: the facts of ``keys`` were just refreshed.

        ``keys`` is a set of (commercial partner id, company id) pairs. It is
        called once per refresh, in the refreshing transaction, as superuser:

        - by ``_refresh_customers`` (the follow-up of a confirmed, cancelled
          or changed order, or any other queued change) with every pair it
          refreshed, changed or not;
        - by ``_recompute_all`` with the pairs whose row was inserted,
          updated or deleted.

        Plugins react here (move a lifecycle stage, upgrade a tier...) and
        call ``super()``. Never in the transaction of a sales order: see
        ``customer.profile.queue``.
        """
        return
