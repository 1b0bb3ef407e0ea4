"""The figures of the ROI and KPI dashboard, computed once per request and
read by the screen, the PDF summary and the XLSX export alike.

Every figure is one of a few set-based statements over the orders, the
leads, the campaign costs and the customer value ledger; the arithmetic
(ratios, ROI, Pareto share, classes, periods) is in ``engine/roi.py``.
"""

import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..engine import roi as engine

USER = "customer_relationship.group_customer_user"
MANAGER = "customer_relationship.group_customer_manager"
# how many periods before the selected one the growth class reads
GROWTH_PERIODS = 2


class CustomerRoiDashboard(models.AbstractModel):
    _name = "customer.roi.dashboard"
    _description = "Customer ROI and KPI Dashboard"

    # ------------------------------------------------------------------
    # Access and options
    # ------------------------------------------------------------------
    @api.model
    def _check_dashboard_access(self):
        """Customer relationship users read the dashboard; checked before
        anything is read."""
        if not self.env.user.has_group(USER):
            raise AccessError(
                self.env._("Only customer relationship users can read the ROI dashboard.")
            )

    @api.model
    def _can_see_costs(self):
        """Cost, margin, profit and ROI figures are for managers only."""
        return self.env.user.has_group(MANAGER)

    @api.model
    def _options(self, options=None):
        """The period and the filters of a request, checked.

        ``options``: ``period`` (month, quarter, year or custom), ``date``
        (a day of the month, quarter or year), ``date_from`` and ``date_to``
        (custom), ``company_id``, ``team_id``, ``user_id``.
        """
        options = dict(options or {})
        kind = options.get("period") or "month"
        if kind not in engine.PERIOD_KINDS:
            raise UserError(self.env._("Unknown period: %(period)s.", period=kind))
        if kind == "custom":
            start = fields.Date.to_date(options.get("date_from"))
            end = fields.Date.to_date(options.get("date_to"))
            if not start or not end:
                raise UserError(self.env._("A custom period needs a start and an end date."))
        else:
            # the period holding today, counted in UTC days as the order dates are
            day = fields.Date.to_date(options.get("date")) or (
                self.env["customer.profile"]._facts_today()
            )
            start, end = engine.period_bounds(kind, day)
        if end < start:
            raise UserError(
                self.env._(
                    "The period ends on %(end)s, before it starts (%(start)s): "
                    "choose an end date on or after the start date.",
                    start=start,
                    end=end,
                )
            )
        company_id = options.get("company_id") or self.env.company.id
        if company_id not in self.env.user.company_ids.ids:
            raise AccessError(self.env._("You cannot read the figures of this company."))
        return {
            "period": kind,
            "start": start,
            "end": end,
            "previous": engine.previous_period(start, end),
            "last_year": engine.same_period_last_year(start, end),
            "company_ids": [company_id],
            "team_id": options.get("team_id") or None,
            "user_id": options.get("user_id") or None,
        }

    # ------------------------------------------------------------------
    # SQL building blocks
    # ------------------------------------------------------------------
    @api.model
    def _sql_period(self, column, start, end):
        """``column`` within ``start``..``end`` (dates included), for a
        timestamp column read as a UTC date, as the customer facts do."""
        return SQL(
            "(%s >= %s AND %s < %s)",
            column,
            start,
            column,
            end + datetime.timedelta(days=1),
        )

    @api.model
    def _sql_attributed_orders(
        self,
        company_ids=None,
        start=None,
        end=None,
        with_first=False,
        campaigns_only=False,
        with_goods=True,
    ):
        """SELECT of the confirmed orders with their campaign (last touch):
        the order's own campaign, or else its opportunity's; with
        ``campaigns_only`` the orders that have one only.

        Columns ``id``, ``partner_id`` (commercial partner), ``company_id``,
        ``date_order``, ``amount`` (untaxed, company currency),
        ``campaign_id`` (None when unattributed), ``user_id``, ``team_id``,
        and with ``with_first`` ``goods_cost`` (quantity x the product's cost
        of the order's goods, as the value ledger's cost of goods; left out
        when not ``with_goods``) and ``is_first`` (the customer's first
        confirmed order in the company).
        """
        profiles = self.env["customer.profile"]
        # last touch: the order's campaign, or else its opportunity's
        campaign = profiles._sql_over_tables(
            {"so": "sale.order", "lead": "crm.lead"},
            "COALESCE(%(so.campaign_id)s, %(lead.campaign_id)s)",
        )
        conditions = [SQL("TRUE")]
        if start is not None:
            conditions.append(self._sql_period(SQL.identifier("o", "date_order"), start, end))
        if campaigns_only:
            conditions.append(SQL("%s IS NOT NULL", campaign))
        query = profiles._sql_over_tables(
            {"so": "sale.order", "lead": "crm.lead"},
            """
            SELECT o.id, o.partner_id, o.company_id, o.date_order, o.amount,
                   %(campaign)s AS campaign_id,
                   %(so.user_id)s AS user_id, %(so.team_id)s AS team_id
              FROM (%(orders)s) o
              JOIN %(so)s so ON %(so.id)s = o.id
              LEFT JOIN %(lead)s lead ON %(lead.id)s = %(so.opportunity_id)s
             WHERE %(conditions)s
            """,
            orders=profiles._sql_confirmed_orders(
                company_ids=company_ids, since=start if start is not None else None
            ),
            campaign=campaign,
            conditions=SQL(" AND ").join(conditions),
        )
        if not with_first:
            return query
        # the goods cost of all the orders at once (one hash join of their
        # lines with the products), not a lookup per order
        columns = (
            SQL("a.*, COALESCE(g.goods_cost, 0) AS goods_cost,") if with_goods else SQL("a.*,")
        )
        goods = (
            SQL(
                ", goods AS (%s)",
                self._sql_goods_cost(SQL.identifier("attributed"), SQL.identifier("id")),
            )
            if with_goods
            else SQL()
        )
        goods_join = SQL("LEFT JOIN goods g ON g.key = a.id") if with_goods else SQL()
        return SQL(
            """
            WITH attributed AS MATERIALIZED (%(attributed)s)%(goods)s
            SELECT %(columns)s (f.id IS NOT NULL) AS is_first
              FROM attributed a
              %(goods_join)s
              LEFT JOIN (%(first_orders)s) f ON f.id = a.id
            """,
            attributed=query,
            goods=goods,
            columns=columns,
            goods_join=goods_join,
            first_orders=self._sql_first_orders(company_ids, start, end),
        )

    @api.model
    def _sql_goods_cost(self, orders, key):
        """SELECT of the goods cost (quantity x the product's cost, as the
        value ledger's cost of goods) of the lines of ``orders`` (a relation
        with ``id`` and ``company_id``), summed per its column ``key``
        (SQL): ``key``, ``goods_cost``."""
        return self.env["customer.profile"]._sql_over_tables(
            {
                "sol": "sale.order.line",
                "pp": "product.product",
                "pt": "product.template",
                "line_uom": "uom.uom",
                "product_uom": "uom.uom",
            },
            """
            SELECT o.%(key)s AS key,
                   SUM(%(sol.product_uom_qty)s
                       / COALESCE(NULLIF(%(line_uom.factor)s, 0), 1)
                       * COALESCE(%(product_uom.factor)s, 1)
                       * COALESCE((%(pp.standard_price)s
                                   ->> o.company_id::text)::numeric, 0)) AS goods_cost
              FROM %(orders)s o
              JOIN %(sol)s sol ON %(sol.order_id)s = o.id
              JOIN %(pp)s pp ON %(pp.id)s = %(sol.product_id)s
              JOIN %(pt)s pt ON %(pt.id)s = %(pp.product_tmpl_id)s
              LEFT JOIN %(line_uom)s line_uom ON %(line_uom.id)s = %(sol.product_uom)s
              LEFT JOIN %(product_uom)s product_uom ON %(product_uom.id)s = %(pt.uom_id)s
             WHERE %(pt.type)s = 'consu' AND %(sol.display_type)s IS NULL
             GROUP BY o.%(key)s
            """,
            orders=orders,
            key=key,
        )

    @api.model
    def _sql_first_orders(self, company_ids=None, start=None, end=None):
        """SELECT ``id``, ``partner_id``, ``company_id``, ``date_order`` of
        each customer's first confirmed order in a company (earliest, then
        lowest id), for the customers whose first order falls in
        ``start``..``end`` (all if None)."""
        profiles = self.env["customer.profile"]
        conditions = [SQL("TRUE")]
        if start is not None:
            conditions.append(
                SQL("p.first_order_date BETWEEN %s AND %s", start, end),
            )
        return SQL(
            """
            SELECT DISTINCT ON (o.partner_id, o.company_id)
                   o.id, o.partner_id, o.company_id, o.date_order
              FROM (%(orders)s) o
              JOIN (%(profiles)s) p
                ON p.partner_id = o.partner_id AND p.company_id = o.company_id
               AND o.date_order >= p.first_order_date
               AND o.date_order < p.first_order_date + 1
             WHERE %(conditions)s
             ORDER BY o.partner_id, o.company_id, o.date_order, o.id
            """,
            orders=profiles._sql_confirmed_orders(
                company_ids=company_ids, since=start if start is not None else None
            ),
            profiles=profiles._sql_profiles(company_ids=company_ids),
            conditions=SQL(" AND ").join(conditions),
        )

    # ------------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------------
    @api.model
    def _kpi_values(self, company_ids, start, end, team_id=None, user_id=None):
        """The raw counts and sums the KPIs of one period are made of."""
        profiles = self.env["customer.profile"]
        previous_start = engine.previous_period(start, end)[0]
        order_filters = [SQL("TRUE")]
        if team_id:
            order_filters.append(SQL("%s = %s", SQL.identifier("a", "team_id"), team_id))
        if user_id:
            order_filters.append(SQL("%s = %s", SQL.identifier("a", "user_id"), user_id))
        self.env.flush_all()
        query = profiles._sql_over_tables(
            {"lead": "crm.lead", "cp": "res.partner", "cost": "customer.roi.campaign.cost"},
            """
            WITH o AS (
                SELECT a.* FROM (%(orders)s) a
                 WHERE %(filters)s AND a.date_order < %(end_next)s
            ), cur AS (
                SELECT partner_id, company_id, COUNT(*) AS orders, SUM(amount) AS amount
                  FROM o WHERE o.date_order >= %(start)s
                 GROUP BY partner_id, company_id
            ), prev AS (
                SELECT DISTINCT partner_id, company_id
                  FROM o WHERE o.date_order < %(start)s
            ), new AS (
                SELECT cur.partner_id, cur.company_id, p.first_order_date, p.lifetime_value
                  FROM cur JOIN (%(profiles)s) p
                    ON p.partner_id = cur.partner_id AND p.company_id = cur.company_id
            ), cycle AS (
                SELECT new.partner_id, new.company_id,
                       new.first_order_date - MIN(%(lead.create_date)s)::date AS days
                  FROM new
                  JOIN %(cp)s cp ON %(cp.commercial_partner_id)s = new.partner_id
                  JOIN %(lead)s lead ON %(lead.partner_id)s = %(cp.id)s
                   AND (%(lead.company_id)s = new.company_id OR %(lead.company_id)s IS NULL)
                   AND %(lead.create_date)s < new.first_order_date + 1
                 WHERE new.first_order_date BETWEEN %(start)s AND %(end)s
                 GROUP BY new.partner_id, new.company_id, new.first_order_date
            )%(complaint_ctes)s
            SELECT (SELECT COUNT(*) FROM cur),
                   (SELECT COALESCE(SUM(orders), 0) FROM cur),
                   (SELECT COALESCE(SUM(amount), 0) FROM cur),
                   (SELECT COUNT(*) FROM cur WHERE orders >= 2),
                   (SELECT COUNT(*) FROM prev),
                   (SELECT COUNT(*) FROM prev JOIN cur USING (partner_id, company_id)),
                   (SELECT COUNT(*) FROM new
                     WHERE first_order_date BETWEEN %(start)s AND %(end)s),
                   (SELECT AVG(lifetime_value) FROM new),
                   (SELECT AVG(days) FROM cycle),
                   (SELECT COALESCE(SUM(%(cost.amount)s), 0) FROM %(cost)s cost
                     WHERE %(cost.company_id)s = ANY(%(companies)s)
                       AND %(cost.date)s BETWEEN %(start)s AND %(end)s
                       AND (%(team_id)s::int IS NULL OR %(cost.team_id)s = %(team_id)s))
                   %(complaint_columns)s
            """,
            orders=self._sql_kpi_orders(company_ids, previous_start, end, team_id, user_id),
            filters=SQL(" AND ").join(order_filters),
            profiles=profiles._sql_profiles(company_ids=company_ids),
            start=start,
            end=end,
            end_next=end + datetime.timedelta(days=1),
            companies=company_ids,
            team_id=team_id,
            **self._sql_complaint_kpis(start, end),
        )
        row = self.env.execute_query(query)[0]
        keys = [
            "customers",
            "orders",
            "revenue",
            "repeat_customers",
            "previous_customers",
            "retained_customers",
            "new_customers",
            "lifetime_value",
            "sales_cycle",
            "campaign_cost",
        ]
        if self._complaints_installed():
            keys += ["complaint_customers", "csat"]
        values = dict(zip(keys, row, strict=True))
        if user_id:
            # acquisition spend is recorded per company or sales team, not
            # per salesperson
            values["campaign_cost"] = None
        return values

    @api.model
    def _sql_kpi_orders(self, company_ids, start, end, team_id=None, user_id=None):
        """The orders the KPIs count: the confirmed orders themselves, or,
        filtered by team or salesperson, the attributed orders (which carry
        them)."""
        if team_id or user_id:
            return self._sql_attributed_orders(company_ids, start, end)
        return self.env["customer.profile"]._sql_confirmed_orders(
            company_ids=company_ids, since=start
        )

    @api.model
    def _complaints_installed(self):
        """True when the complaint plugin's fields are in the registry."""
        return (
            "helpdesk.ticket" in self.env and "is_complaint" in self.env["helpdesk.ticket"]._fields
        )

    @api.model
    def _sql_complaint_kpis(self, start, end):
        """The parts of the KPI query for the complaint plugin (empty without
        it): the complaints received in ``start``..``end``, then the
        customers of the period (the query's ``cur``) who complained in it
        and the average rating of their complaints."""
        if not self._complaints_installed():
            return {"complaint_ctes": SQL(), "complaint_columns": SQL()}
        profiles = self.env["customer.profile"]
        return {
            "complaint_ctes": profiles._sql_over_tables(
                {"t": "helpdesk.ticket"},
                """, complaints AS (
                    SELECT %(t.commercial_partner_id)s AS partner_id,
                           %(t.company_id)s AS company_id, %(t.rating_last_value)s AS rating
                      FROM %(t)s t
                     WHERE %(t.is_complaint)s AND %(period)s
                )""",
                period=self._sql_period(
                    profiles._sql_column("helpdesk.ticket", "complaint_date", "t"), start, end
                ),
            ),
            "complaint_columns": SQL(
                """, (SELECT COUNT(*) FROM cur
                      WHERE EXISTS (SELECT 1 FROM complaints c
                                     WHERE c.partner_id = cur.partner_id
                                       AND c.company_id = cur.company_id)),
                   (SELECT AVG(c.rating) FROM complaints c
                      JOIN cur ON cur.partner_id = c.partner_id AND cur.company_id = c.company_id
                     WHERE c.rating > 0)"""
            ),
        }

    @api.model
    def _kpis(self, values):
        """The KPIs of one period from its ``_kpi_values``."""
        retention = engine.ratio(values["retained_customers"], values["previous_customers"])
        kpis = {
            "retention_rate": retention,
            "churn_rate": None if retention is None else 1 - retention,
            "repeat_purchase_rate": engine.ratio(values["repeat_customers"], values["customers"]),
            "lifetime_value": None
            if values["lifetime_value"] is None
            else float(values["lifetime_value"]),
            "acquisition_cost": engine.ratio(values["campaign_cost"], values["new_customers"]),
            "sales_cycle": None if values["sales_cycle"] is None else float(values["sales_cycle"]),
            "average_order_value": engine.ratio(values["revenue"], values["orders"]),
            "customers": values["customers"],
            "new_customers": values["new_customers"],
            "revenue": float(values["revenue"] or 0),
        }
        if "complaint_customers" in values:
            kpis["complaint_rate"] = engine.ratio(
                values["complaint_customers"], values["customers"]
            )
            kpis["csat"] = None if values["csat"] is None else float(values["csat"])
        return kpis

    @api.model
    def _kpi_definitions(self):
        """(key, label, definition, format, managers only) of each KPI, in
        the order shown."""
        definitions = [
            (
                "revenue",
                self.env._("Revenue"),
                self.env._("Untaxed amount of the confirmed orders dated in the period."),
                "monetary",
                False,
            ),
            (
                "customers",
                self.env._("Customers"),
                self.env._("Customers with at least one confirmed order in the period."),
                "integer",
                False,
            ),
            (
                "new_customers",
                self.env._("New customers"),
                self.env._(
                    "Customers whose first confirmed order in the company is in the period."
                ),
                "integer",
                False,
            ),
            (
                "retention_rate",
                self.env._("Retention rate"),
                self.env._(
                    "Customers who bought in the previous period and again in this one, "
                    "divided by the customers who bought in the previous period."
                ),
                "percent",
                False,
            ),
            (
                "churn_rate",
                self.env._("Churn rate"),
                self.env._("1 - retention rate."),
                "percent",
                False,
            ),
            (
                "repeat_purchase_rate",
                self.env._("Repeat purchase rate"),
                self.env._(
                    "Customers with two or more confirmed orders in the period, divided by "
                    "the customers with an order in the period."
                ),
                "percent",
                False,
            ),
            (
                "average_order_value",
                self.env._("Average order value"),
                self.env._("Revenue of the period divided by its confirmed orders."),
                "monetary",
                False,
            ),
            (
                "lifetime_value",
                self.env._("Average lifetime value"),
                self.env._(
                    "Average of the customer lifetime value (customer facts) of the "
                    "customers of the period."
                ),
                "monetary",
                False,
            ),
            (
                "sales_cycle",
                self.env._("Average sales cycle (days)"),
                self.env._(
                    "For the new customers of the period with a lead: days from the "
                    "creation of their first lead to their first order, on average."
                ),
                "number",
                False,
            ),
            (
                "acquisition_cost",
                self.env._("Customer acquisition cost"),
                self.env._(
                    "Campaign costs dated in the period divided by the new customers of the "
                    "period: the costs of the whole company, or, filtered by a sales team, the "
                    "costs recorded for that team. Not shown for a salesperson: acquisition "
                    "spend is recorded per company or sales team."
                ),
                "monetary",
                True,
            ),
        ]
        if self._complaints_installed():
            definitions += [
                (
                    "complaint_rate",
                    self.env._("Complaint rate"),
                    self.env._(
                        "Customers of the period with a complaint received in the period, "
                        "divided by the customers of the period."
                    ),
                    "percent",
                    False,
                ),
                (
                    "csat",
                    self.env._("CSAT"),
                    self.env._(
                        "Average satisfaction rating (1 to 5) of the rated complaints "
                        "received in the period from the customers of the period."
                    ),
                    "number",
                    False,
                ),
            ]
        return definitions

    @api.model
    def _kpi_rows(self, opts):
        """One row per KPI with the period's value, the previous period's and
        the same period last year's."""
        args = (opts["company_ids"],)
        filters = {"team_id": opts["team_id"], "user_id": opts["user_id"]}
        values = {
            name: self._kpis(self._kpi_values(*args, *opts[name], **filters))
            for name in ("previous", "last_year")
        }
        values["current"] = self._kpis(
            self._kpi_values(*args, opts["start"], opts["end"], **filters)
        )
        show_costs = self._can_see_costs()
        return [
            {
                "key": key,
                "label": label,
                "help": help_text,
                "format": fmt,
                "value": values["current"].get(key),
                "previous": values["previous"].get(key),
                "last_year": values["last_year"].get(key),
            }
            for key, label, help_text, fmt, managers_only in self._kpi_definitions()
            if show_costs or not managers_only
        ]

    # ------------------------------------------------------------------
    # Campaign ROI
    # ------------------------------------------------------------------
    @api.model
    def _campaign_values(self, company_ids, start, end):
        """Per campaign of ``start``..``end``: cost, leads, opportunities,
        won orders, new customers, revenue and goods cost."""
        profiles = self.env["customer.profile"]
        self.env.flush_all()
        query = profiles._sql_over_tables(
            {"lead": "crm.lead", "cost": "customer.roi.campaign.cost", "c": "utm.campaign"},
            """
            WITH costs AS (
                SELECT %(cost.campaign_id)s AS campaign_id, SUM(%(cost.amount)s) AS cost
                  FROM %(cost)s cost
                 WHERE %(cost.company_id)s = ANY(%(companies)s)
                   AND %(cost.date)s BETWEEN %(start)s AND %(end)s
                 GROUP BY %(cost.campaign_id)s
            ), leads AS (
                SELECT %(lead.campaign_id)s AS campaign_id, COUNT(*) AS leads,
                       COUNT(*) FILTER (WHERE %(lead.type)s = 'opportunity') AS opportunities
                  FROM %(lead)s lead
                 WHERE %(lead.campaign_id)s IS NOT NULL
                   AND (%(lead.company_id)s = ANY(%(companies)s) OR %(lead.company_id)s IS NULL)
                   AND %(lead_period)s
                 GROUP BY %(lead.campaign_id)s
            ), campaign_orders AS MATERIALIZED (%(attributed)s),
            orders AS (
                SELECT campaign_id, COUNT(*) AS orders, SUM(amount) AS revenue
                  FROM campaign_orders
                 GROUP BY campaign_id
            ), new_customers AS (
                -- apart: the distinct count sorts the first orders only
                SELECT campaign_id, COUNT(DISTINCT partner_id) AS new_customers
                  FROM campaign_orders
                 WHERE is_first
                 GROUP BY campaign_id
            ), goods AS (%(goods)s),
            campaigns AS (
                SELECT campaign_id FROM costs UNION SELECT campaign_id FROM leads
                 UNION SELECT campaign_id FROM orders
            )
            SELECT campaigns.campaign_id, %(c.id)s,
                   COALESCE(costs.cost, 0), COALESCE(leads.leads, 0),
                   COALESCE(leads.opportunities, 0), COALESCE(orders.orders, 0),
                   COALESCE(new_customers.new_customers, 0), COALESCE(orders.revenue, 0),
                   COALESCE(goods.goods_cost, 0)
              FROM campaigns
              JOIN %(c)s c ON %(c.id)s = campaigns.campaign_id
              LEFT JOIN costs USING (campaign_id)
              LEFT JOIN leads USING (campaign_id)
              LEFT JOIN orders USING (campaign_id)
              LEFT JOIN new_customers USING (campaign_id)
              LEFT JOIN goods ON goods.key = campaigns.campaign_id
             ORDER BY campaigns.campaign_id
            """,
            companies=company_ids,
            start=start,
            end=end,
            lead_period=self._sql_period(
                profiles._sql_column("crm.lead", "create_date", "lead"), start, end
            ),
            attributed=self._sql_attributed_orders(
                company_ids, start, end, with_first=True, campaigns_only=True, with_goods=False
            ),
            # the goods cost summed per campaign: one join of the lines with
            # the campaigns' orders, no sum per order. Their SELECT again,
            # not the materialized rows: PostgreSQL knows nothing of the
            # values of a CTE and would hash the lines instead of the orders
            goods=self._sql_goods_cost(
                SQL(
                    "(%s)",
                    self._sql_attributed_orders(company_ids, start, end, campaigns_only=True),
                ),
                SQL.identifier("campaign_id"),
            ),
        )
        rows = self.env.execute_query(query)
        names = {
            campaign.id: campaign.display_name
            for campaign in self.env["utm.campaign"].browse([row[0] for row in rows])
        }
        keys = [
            "cost",
            "leads",
            "opportunities",
            "orders",
            "new_customers",
            "revenue",
            "goods_cost",
        ]
        result = []
        for row in rows:
            values = {key: float(value) for key, value in zip(keys, row[2:], strict=True)}
            for key in ("leads", "opportunities", "orders", "new_customers"):
                values[key] = int(values[key])
            values["campaign_id"] = row[0]
            values["name"] = names.get(row[0]) or str(row[1])
            values["margin"] = values["revenue"] - values["goods_cost"]
            values["roi"] = engine.roi(values["margin"], values["cost"])
            values["cost_per_lead"] = engine.ratio(values["cost"], values["leads"])
            values["cost_per_customer"] = engine.ratio(values["cost"], values["new_customers"])
            result.append(values)
        return result

    @api.model
    def _campaign_rows(self, opts):
        """The campaigns of the period, with the revenue and ROI of the
        previous period and of the same period last year beside."""
        rows = self._campaign_values(opts["company_ids"], opts["start"], opts["end"])
        others = {
            name: {
                row["campaign_id"]: row
                for row in self._campaign_values(opts["company_ids"], *opts[name])
            }
            for name in ("previous", "last_year")
        }
        # campaigns of the periods beside, with nothing in this one
        shown = {row["campaign_id"] for row in rows}
        for name in ("previous", "last_year"):
            for campaign_id, other in others[name].items():
                if campaign_id not in shown:
                    shown.add(campaign_id)
                    rows.append(
                        dict(
                            dict.fromkeys(other, 0),
                            campaign_id=campaign_id,
                            name=other["name"],
                            roi=None,
                            cost_per_lead=None,
                            cost_per_customer=None,
                        )
                    )
        rows.sort(key=lambda row: row["campaign_id"])
        for name, before in others.items():
            for row in rows:
                other = before.get(row["campaign_id"], {})
                row[f"revenue_{name}"] = other.get("revenue", 0.0)
                row[f"roi_{name}"] = other.get("roi")
        return rows

    @api.model
    def _campaign_columns(self):
        """(key, label, definition, format, managers only) of the campaign
        ROI table."""
        return [
            ("name", self.env._("Campaign"), self.env._("The UTM campaign."), "text", False),
            (
                "leads",
                self.env._("Leads"),
                self.env._("Leads and opportunities created in the period with the campaign."),
                "integer",
                False,
            ),
            (
                "opportunities",
                self.env._("Opportunities"),
                self.env._("Of those, the opportunities."),
                "integer",
                False,
            ),
            (
                "orders",
                self.env._("Won orders"),
                self.env._(
                    "Confirmed orders of the period attributed to the campaign: the order's "
                    "campaign, or else its opportunity's (last touch)."
                ),
                "integer",
                False,
            ),
            (
                "new_customers",
                self.env._("New customers"),
                self.env._("Customers whose first order is one of those orders."),
                "integer",
                False,
            ),
            (
                "revenue",
                self.env._("Revenue"),
                self.env._("Untaxed amount of the won orders."),
                "monetary",
                False,
            ),
            (
                "margin",
                self.env._("Gross margin"),
                self.env._(
                    "Revenue minus the cost of the goods ordered (quantity x product cost)."
                ),
                "monetary",
                True,
            ),
            (
                "cost",
                self.env._("Cost"),
                self.env._("The campaign's cost lines dated in the period."),
                "monetary",
                True,
            ),
            (
                "roi",
                self.env._("ROI"),
                self.env._("(Gross margin - cost) / cost."),
                "percent",
                True,
            ),
            (
                "cost_per_lead",
                self.env._("Cost per lead"),
                self.env._("Cost / leads."),
                "monetary",
                True,
            ),
            (
                "cost_per_customer",
                self.env._("Cost per acquired customer"),
                self.env._("Cost / new customers."),
                "monetary",
                True,
            ),
            (
                "revenue_previous",
                self.env._("Revenue, previous period"),
                self.env._("Revenue of the campaign's won orders in the previous period."),
                "monetary",
                False,
            ),
            (
                "revenue_last_year",
                self.env._("Revenue, last year"),
                self.env._("Revenue of the campaign's won orders in the same period last year."),
                "monetary",
                False,
            ),
            (
                "roi_previous",
                self.env._("ROI, previous period"),
                self.env._("The campaign's ROI in the previous period."),
                "percent",
                True,
            ),
            (
                "roi_last_year",
                self.env._("ROI, last year"),
                self.env._("The campaign's ROI in the same period last year."),
                "percent",
                True,
            ),
        ]

    # ------------------------------------------------------------------
    # Customer profitability
    # ------------------------------------------------------------------
    @api.model
    def _customer_values(self, company_ids, start, end, team_id=None, user_id=None):
        """Per customer with a ledger line in ``start``..``end``: revenue,
        cost of goods, cost to serve, and the revenue of the
        ``GROWTH_PERIODS`` periods before (oldest first). With ``user_id``,
        the customers of that salesperson (as on the customer's form); with
        ``team_id``, the customers whose salesperson is of that sales team."""
        periods = engine.periods_before(start, end, GROWTH_PERIODS)
        earliest = periods[-1][0] if periods else start
        revenue_before = SQL(", ").join(
            SQL(
                "COALESCE(SUM(l.revenue) FILTER (WHERE l.date BETWEEN %s AND %s), 0)",
                period_start,
                period_end,
            )
            for period_start, period_end in reversed(periods)
        )
        ledger = self.env["customer.value.line"]
        ledger.flush_model()
        self.env.flush_all()
        query = self.env["customer.profile"]._sql_over_tables(
            {"l": "customer.value.line", "p": "res.partner", "u": "res.users"},
            """
            SELECT l.partner_id, l.company_id,
                   COALESCE(SUM(l.revenue) FILTER (WHERE %(cur)s), 0) AS revenue,
                   COALESCE(SUM(l.cost) FILTER (WHERE %(cur)s AND l.source = 'goods_cost'), 0),
                   COALESCE(SUM(l.cost) FILTER (WHERE %(cur)s AND l.source != 'goods_cost'), 0),
                   %(revenue_before)s
              FROM %(l)s l
              JOIN %(p)s p ON %(p.id)s = l.partner_id
              LEFT JOIN %(u)s u ON %(u.id)s = %(p.user_id)s
             WHERE l.company_id = ANY(%(companies)s) AND l.date BETWEEN %(earliest)s AND %(end)s
               AND (%(team_id)s::int IS NULL OR %(u.sale_team_id)s = %(team_id)s)
               AND (%(user_id)s::int IS NULL OR %(p.user_id)s = %(user_id)s)
             GROUP BY l.partner_id, l.company_id
            HAVING COUNT(*) FILTER (WHERE %(cur)s) > 0
             ORDER BY l.partner_id
            """,
            cur=SQL("l.date BETWEEN %s AND %s", start, end),
            revenue_before=revenue_before,
            team_id=team_id,
            user_id=user_id,
            companies=company_ids,
            earliest=earliest,
            end=end,
        )
        result = {}
        for partner_id, company_id, revenue, goods, serve, *before in self.env.execute_query(query):
            revenue, goods, serve = float(revenue), float(goods), float(serve)
            margin = revenue - goods
            result[(partner_id, company_id)] = {
                "revenue": revenue,
                "goods_cost": goods,
                "margin": margin,
                "cost_to_serve": serve,
                "profit": margin - serve,
                "roi": engine.ratio(margin - serve, serve),
                "revenues": [float(r) for r in before] + [revenue],
            }
        classes = engine.classify(
            {
                key: (v["profit"], v["margin"], v["cost_to_serve"], v["revenues"])
                for key, v in result.items()
            }
        )
        for key, values in result.items():
            values["class"] = classes[key]
        return result

    @api.model
    def _class_labels(self):
        return {
            engine.MOST_VALUABLE: self.env._("Most valuable"),
            engine.GROWTH_POTENTIAL: self.env._("Growth potential"),
            engine.BELOW_MARGINAL_COST: self.env._("Below marginal cost"),
            engine.OTHER: self.env._("Other"),
        }

    @api.model
    def _profitability(self, company_ids, start, end, team_id=None, user_id=None):
        """Totals of the customers' profitability, the Pareto share and the
        count of each class (of the customers of ``team_id`` or ``user_id``
        if given)."""
        customers = self._customer_values(company_ids, start, end, team_id, user_id)
        total = {
            key: sum(values[key] for values in customers.values())
            for key in ("revenue", "goods_cost", "margin", "cost_to_serve", "profit")
        }
        total["roi"] = engine.ratio(total["profit"], total["cost_to_serve"])
        total["customers"] = len(customers)
        total["pareto_share"] = engine.pareto_share(v["profit"] for v in customers.values())
        counts = dict.fromkeys(self._class_labels(), 0)
        for values in customers.values():
            counts[values["class"]] += 1
        total["classes"] = counts
        return total, customers

    @api.model
    def _profitability_rows(self, opts):
        """The profitability figures with the previous period's and last
        year's, as KPI-like rows (managers only)."""
        owners = {"team_id": opts["team_id"], "user_id": opts["user_id"]}
        figures = {
            name: self._profitability(opts["company_ids"], *opts[name], **owners)[0]
            for name in ("previous", "last_year")
        }
        figures["current"] = self._profitability(
            opts["company_ids"], opts["start"], opts["end"], **owners
        )[0]
        definitions = [
            (
                "revenue",
                self.env._("Revenue (invoiced)"),
                self.env._("Invoiced revenue of the value ledger in the period."),
                "monetary",
            ),
            (
                "goods_cost",
                self.env._("Cost of goods"),
                self.env._("Cost of the goods invoiced (value ledger)."),
                "monetary",
            ),
            (
                "margin",
                self.env._("Gross margin"),
                self.env._("Revenue - cost of goods."),
                "monetary",
            ),
            (
                "cost_to_serve",
                self.env._("Cost to serve"),
                self.env._(
                    "Every other cost of the value ledger: complaint compensations, loyalty "
                    "reward cost, allocated campaign cost..."
                ),
                "monetary",
            ),
            (
                "profit",
                self.env._("Profit"),
                self.env._("Gross margin - cost to serve."),
                "monetary",
            ),
            ("roi", self.env._("Customer ROI"), self.env._("Profit / cost to serve."), "percent"),
            (
                "pareto_share",
                self.env._("Share of customers making 80% of the profit"),
                self.env._(
                    "The fewest customers, highest profit first, whose profit reaches 80% of "
                    "the positive profit, divided by the customers of the period."
                ),
                "percent",
            ),
        ]
        rows = [
            {
                "key": key,
                "label": label,
                "help": help_text,
                "format": fmt,
                "value": figures["current"][key],
                "previous": figures["previous"][key],
                "last_year": figures["last_year"][key],
            }
            for key, label, help_text, fmt in definitions
        ]
        class_help = {
            engine.MOST_VALUABLE: self.env._(
                "Customers among the fewest making 80% of the profit."
            ),
            engine.GROWTH_POTENTIAL: self.env._(
                "Revenue rising over the last three periods (two before this one and this one)."
            ),
            engine.BELOW_MARGINAL_COST: self.env._("Cost to serve above the gross margin."),
            engine.OTHER: self.env._("Every other customer of the period."),
        }
        for key, label in self._class_labels().items():
            rows.append(
                {
                    "key": f"class_{key}",
                    "label": label,
                    "help": class_help[key],
                    "format": "integer",
                    "value": figures["current"]["classes"][key],
                    "previous": figures["previous"]["classes"][key],
                    "last_year": figures["last_year"]["classes"][key],
                }
            )
        return rows

    # ------------------------------------------------------------------
    # The dashboard
    # ------------------------------------------------------------------
    @api.model
    def _dashboard_sections(self, opts):
        """The sections of the dashboard, each ``{key, title, rows}``; a
        module adds its own by extending this method."""
        sections = [
            {
                "key": "kpi",
                "title": self.env._("Key performance indicators"),
                "rows": self._kpi_rows(opts),
            }
        ]
        if self._can_see_costs():
            sections.append(
                {
                    "key": "profitability",
                    "title": self.env._("Customer profitability"),
                    "rows": self._profitability_rows(opts),
                }
            )
        return sections

    @api.model
    def _dashboard(self, options=None):
        """Every figure of the dashboard for ``options`` (see ``_options``)."""
        self._check_dashboard_access()
        opts = self._options(options)
        show_costs = self._can_see_costs()
        columns = [
            {"key": key, "label": label, "help": help_text, "format": fmt}
            for key, label, help_text, fmt, managers_only in self._campaign_columns()
            if show_costs or not managers_only
        ]
        campaigns = [
            {column["key"]: row[column["key"]] for column in columns}
            for row in self._campaign_rows(opts)
        ]
        company = self.env["res.company"].browse(opts["company_ids"][0])
        return {
            "options": {
                "period": opts["period"],
                "date_from": fields.Date.to_string(opts["start"]),
                "date_to": fields.Date.to_string(opts["end"]),
                "company_id": company.id,
                "team_id": opts["team_id"],
                "user_id": opts["user_id"],
            },
            "periods": {
                name: [fields.Date.to_string(day) for day in opts[name]]
                for name in ("previous", "last_year")
            },
            "company": company.name,
            "currency": {
                "symbol": company.currency_id.symbol,
                "position": company.currency_id.position,
                "digits": company.currency_id.decimal_places,
            },
            "show_costs": show_costs,
            "sections": self._dashboard_sections(opts),
            "campaign_columns": columns,
            "campaigns": campaigns,
        }

    @api.readonly
    @api.model
    def get_dashboard(self, options=None):
        """The dashboard's figures (the client action calls it); only reads."""
        return self._dashboard(options)

    @api.readonly
    @api.model
    def get_filter_choices(self):
        """The companies, sales teams and salespeople to filter by."""
        self._check_dashboard_access()
        return {
            "companies": [[c.id, c.name] for c in self.env.user.company_ids],
            "teams": [[t.id, t.display_name] for t in self.env["crm.team"].search([])],
            "users": [
                [u.id, u.display_name]
                for u in self.env["res.users"].search([("share", "=", False)])
            ],
        }
