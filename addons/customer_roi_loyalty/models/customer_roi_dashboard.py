"""The loyalty programme section of the ROI dashboard.

- Members: customers with an active membership of the company joined on or
  before the period's end; comparable non-members: the other customers of
  the same value class (A, B, C of the customer facts).
- Incremental margin: for each value class, the members' average gross
  margin of the period (value ledger: invoiced revenue - cost of goods)
  minus the non-members' average, times the members of the class; summed.
- Before/after joining: the memberships that started within the period,
  their customers' confirmed orders in the ``JOIN_WINDOW_DAYS`` days before
  joining and in as many days from joining, per membership.
- Reward cost: the ledger's loyalty reward cost of the period.
- Outstanding liability: points on the cards of the company's membership
  programmes at their value per point, today.
- ROI: (incremental margin - reward cost) / reward cost.
"""

import datetime

from odoo import api, models

from odoo.addons.customer_roi.engine import roi as engine

JOIN_WINDOW_DAYS = 90


class CustomerRoiDashboard(models.AbstractModel):
    _inherit = "customer.roi.dashboard"

    @api.model
    def _loyalty_members_query(self, company_ids, end):
        return self.env["customer.profile"]._sql_over_tables(
            {"m": "customer.loyalty.member"},
            """
            SELECT DISTINCT %(m.partner_id)s AS partner_id, %(m.company_id)s AS company_id
              FROM %(m)s m
             WHERE %(m.active)s AND %(m.company_id)s = ANY(%(companies)s)
               AND %(m.join_date)s <= %(end)s
            """,
            companies=company_ids,
            end=end,
        )

    @api.model
    def _loyalty_values(self, company_ids, start, end):
        """The raw figures of the loyalty programme for ``start``..``end``."""
        profiles = self.env["customer.profile"]
        self.env.flush_all()
        by_class = self.env.execute_query(
            profiles._sql_over_tables(
                {"l": "customer.value.line"},
                """
                WITH ledger AS (
                    SELECT %(l.partner_id)s AS partner_id, %(l.company_id)s AS company_id,
                           SUM(%(l.revenue)s) AS revenue,
                           SUM(%(l.cost)s) FILTER (WHERE %(l.source)s = 'goods_cost') AS goods
                      FROM %(l)s l
                     WHERE %(l.company_id)s = ANY(%(companies)s)
                       AND %(l.date)s BETWEEN %(start)s AND %(end)s
                     GROUP BY %(l.partner_id)s, %(l.company_id)s
                )
                SELECT COALESCE(p.value_class, 'c'), (m.partner_id IS NOT NULL), COUNT(*),
                       COALESCE(SUM(ledger.revenue), 0),
                       COALESCE(SUM(COALESCE(ledger.revenue, 0) - COALESCE(ledger.goods, 0)), 0)
                  FROM (%(profiles)s) p
                  LEFT JOIN (%(members)s) m
                    ON m.partner_id = p.partner_id AND m.company_id = p.company_id
                  LEFT JOIN ledger
                    ON ledger.partner_id = p.partner_id AND ledger.company_id = p.company_id
                 GROUP BY 1, 2
                """,
                companies=company_ids,
                start=start,
                end=end,
                profiles=profiles._sql_profiles(company_ids=company_ids),
                members=self._loyalty_members_query(company_ids, end),
            )
        )
        window = datetime.timedelta(days=JOIN_WINDOW_DAYS)
        joined, before, after = self.env.execute_query(
            profiles._sql_over_tables(
                {"m": "customer.loyalty.member"},
                """
                SELECT COUNT(DISTINCT %(m.id)s),
                       COALESCE(SUM(o.amount) FILTER (WHERE o.date_order < %(m.join_date)s), 0),
                       COALESCE(SUM(o.amount) FILTER (WHERE o.date_order >= %(m.join_date)s), 0)
                  FROM %(m)s m
                  LEFT JOIN (%(orders)s) o
                    ON o.partner_id = %(m.partner_id)s AND o.company_id = %(m.company_id)s
                   AND o.date_order >= %(m.join_date)s - %(window)s
                   AND o.date_order < %(m.join_date)s + %(window)s
                 WHERE %(m.active)s AND %(m.company_id)s = ANY(%(companies)s)
                   AND %(m.join_date)s BETWEEN %(start)s AND %(end)s
                """,
                orders=profiles._sql_confirmed_orders(
                    company_ids=company_ids, since=start - window
                ),
                window=window,
                companies=company_ids,
                start=start,
                end=end,
            )
        )[0]
        reward_cost, liability = self.env.execute_query(
            profiles._sql_over_tables(
                {
                    "l": "customer.value.line",
                    "c": "loyalty.card",
                    "p": "loyalty.program",
                },
                """
                SELECT (SELECT COALESCE(SUM(%(l.cost)s), 0) FROM %(l)s l
                         WHERE %(l.source)s = 'loyalty_reward'
                           AND %(l.company_id)s = ANY(%(companies)s)
                           AND %(l.date)s BETWEEN %(start)s AND %(end)s),
                       (SELECT COALESCE(SUM(%(c.points)s * %(p.customer_point_value)s), 0)
                          FROM %(c)s c JOIN %(p)s p ON %(p.id)s = %(c.program_id)s
                         WHERE %(p.customer_membership)s AND %(c.points)s > 0
                           AND %(p.company_id)s = ANY(%(companies)s))
                """,
                companies=company_ids,
                start=start,
                end=end,
            )
        )[0]
        return {
            "by_class": {
                (value_class, is_member): (count, float(revenue), float(margin))
                for value_class, is_member, count, revenue, margin in by_class
            },
            "joined": joined,
            "before": float(before),
            "after": float(after),
            "reward_cost": float(reward_cost),
            "liability": float(liability),
        }

    @api.model
    def _loyalty_figures(self, values):
        members = non_members = 0
        member_revenue = non_member_revenue = 0.0
        incremental = 0.0
        for (value_class, is_member), (count, revenue, margin) in values["by_class"].items():
            if is_member:
                members += count
                member_revenue += revenue
                other = values["by_class"].get((value_class, False))
                # a class without non-members has nothing to compare with
                if other and other[0]:
                    incremental += count * (margin / count - other[2] / other[0])
            else:
                non_members += count
                non_member_revenue += revenue
        return {
            "members": members,
            "member_revenue": engine.ratio(member_revenue, members),
            "non_member_revenue": engine.ratio(non_member_revenue, non_members),
            "incremental_margin": incremental,
            "joined": values["joined"],
            "before_joining": engine.ratio(values["before"], values["joined"]),
            "after_joining": engine.ratio(values["after"], values["joined"]),
            "reward_cost": values["reward_cost"],
            "liability": values["liability"],
            "roi": engine.roi(incremental, values["reward_cost"]),
        }

    @api.model
    def _loyalty_definitions(self):
        return [
            (
                "members",
                self.env._("Members"),
                self.env._("Customers with an active membership joined by the period's end."),
                "integer",
                False,
            ),
            (
                "member_revenue",
                self.env._("Revenue per member"),
                self.env._("Invoiced revenue of the period (value ledger) per member."),
                "monetary",
                False,
            ),
            (
                "non_member_revenue",
                self.env._("Revenue per non-member"),
                self.env._("Invoiced revenue of the period per customer who is not a member."),
                "monetary",
                False,
            ),
            (
                "joined",
                self.env._("Members who joined"),
                self.env._("Members whose membership started in the period."),
                "integer",
                False,
            ),
            (
                "before_joining",
                self.env._("Orders before joining, per member"),
                self.env._(
                    "Confirmed orders of those members in the 90 days before they joined, "
                    "per member."
                ),
                "monetary",
                False,
            ),
            (
                "after_joining",
                self.env._("Orders after joining, per member"),
                self.env._(
                    "Confirmed orders of those members in the 90 days from joining, per member."
                ),
                "monetary",
                False,
            ),
            (
                "incremental_margin",
                self.env._("Incremental margin of members"),
                self.env._(
                    "Per value class, the members' average gross margin minus the "
                    "non-members' of the same class, times the members of the class; summed."
                ),
                "monetary",
                True,
            ),
            (
                "reward_cost",
                self.env._("Reward cost"),
                self.env._("Loyalty reward cost of the period (value ledger)."),
                "monetary",
                True,
            ),
            (
                "liability",
                self.env._("Outstanding points liability"),
                self.env._(
                    "Points on the cards of the membership programmes at their value per "
                    "point, today."
                ),
                "monetary",
                True,
            ),
            (
                "roi",
                self.env._("Loyalty programme ROI"),
                self.env._("(Incremental margin - reward cost) / reward cost."),
                "percent",
                True,
            ),
        ]

    @api.model
    def _dashboard_sections(self, opts):
        sections = super()._dashboard_sections(opts)
        companies = opts["company_ids"]
        figures = {
            name: self._loyalty_figures(self._loyalty_values(companies, *opts[name]))
            for name in ("previous", "last_year")
        }
        figures["current"] = self._loyalty_figures(
            self._loyalty_values(companies, opts["start"], opts["end"])
        )
        show_costs = self._can_see_costs()
        sections.append(
            {
                "key": "loyalty",
                "title": self.env._("Loyalty programme"),
                "rows": [
                    {
                        "key": key,
                        "label": label,
                        "help": help_text,
                        "format": fmt,
                        "value": figures["current"][key],
                        "previous": figures["previous"][key],
                        "last_year": figures["last_year"][key],
                    }
                    for key, label, help_text, fmt, managers_only in self._loyalty_definitions()
                    if show_costs or not managers_only
                ],
            }
        )
        return sections
