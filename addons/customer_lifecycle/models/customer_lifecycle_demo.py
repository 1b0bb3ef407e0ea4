import datetime
import random

from odoo import api, fields, models
from odoo.tools import SQL

# the stays of a demo customer: the first one starts 5 to 11 months ago, the
# current one 1 to 6 weeks ago (days before the demo's installation)
FIRST_STAY_DAYS = (150, 330)
CURRENT_STAY_DAYS = (7, 42)


class CustomerLifecycleDemo(models.AbstractModel):
    """Builds the lifecycle demo; called from demo data only."""

    _name = "customer.lifecycle.demo"
    _description = "Customer Lifecycle Demo Loader"

    @api.model
    def _demo_setup(self):
        """Customers in every stage: pipeline for two new partners, the rules
        over the core's demo customers, an order winning a churned customer
        back, and two manual, locked moves."""
        company = self.env.ref("base.main_company")
        stage = self.env.ref
        partners = self.env["res.partner"].create(
            [
                {"name": "钱芳", "city": "南京", "country_id": stage("base.cn").id},
                {"name": "孙浩", "city": "成都", "country_id": stage("base.cn").id},
                {"name": "Olivia Harris", "city": "Leeds", "country_id": stage("base.uk").id},
            ]
        )
        self.env["crm.lead"].create(
            [
                {
                    "name": "Tea ceremony workshop",
                    "type": "lead",
                    "partner_id": partners[0].id,
                    "company_id": company.id,
                },
                {
                    "name": "Hotel lobby tea corner",
                    "type": "opportunity",
                    "partner_id": partners[1].id,
                    "company_id": company.id,
                },
                {
                    "name": "Office gifts",
                    "type": "lead",
                    "partner_id": partners[2].id,
                    "company_id": company.id,
                },
            ]
        )
        states = self.env["customer.lifecycle.state"]
        states._evaluate(self.env["res.company"].search([]))
        # a churned customer orders again: the order moves it to Won back
        churned = self.env.ref("customer_relationship.demo_partner_zhou_tao")
        order = self.env["sale.order"].create(
            {
                "partner_id": churned.id,
                "company_id": company.id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": self.env.ref(
                                "customer_relationship.demo_product_tea_set"
                            ).id,
                            "product_uom_qty": 1,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        self.env["customer.profile.queue"]._process()
        # manual, locked moves
        states = states.search([("company_id", "=", company.id)])
        by_partner = {state.partner_id: state for state in states}
        for partner, code in (
            (partners[2], "prospect"),
            (self.env.ref("customer_relationship.demo_partner_james_miller"), "active"),
        ):
            state = by_partner.get(partner)
            if state:
                state.write({"stage_id": stage(f"customer_lifecycle.stage_{code}").id})
                state.action_lock()
        self._demo_spread_history(states.search([]))
        self._demo_date_win_back(order)

    @api.model
    def _demo_spread_history(self, states):
        """Date the lifecycle history of ``states`` back over the past year.

        The demo's moves all happen at its installation. Each customer's
        stays keep their order but get dates of a year of use instead: the
        first stay starts 5 to 11 months ago, the current one 1 to 6 weeks
        ago, the ones between at irregular intervals. Dates left, durations
        (computed as the moves compute them), the states' dates and the
        timeline rows of the moves follow.
        """
        histories = self.env["customer.lifecycle.history"]
        events = self.env["customer.event"]
        self.env.flush_all()
        rng = random.Random(20250917)
        now = fields.Datetime.now()
        stays = {}
        for history in histories.search([("state_id", "in", states.ids)]):
            stays.setdefault(history.state_id.id, []).append(history)
        history_ids, dates = [], []
        for state_id in sorted(stays):
            # the open stay last, the closed ones as they were opened
            rows = sorted(stays[state_id], key=lambda h: (not h.date_left, h.date_entered, h.id))
            current = rng.uniform(*CURRENT_STAY_DAYS)
            first = rng.uniform(*FIRST_STAY_DAYS) if len(rows) > 1 else current
            gaps = [rng.uniform(0.5, 1.5) for _row in rows[1:]]
            days_ago = first
            for row, gap in zip(rows, [0.0, *gaps], strict=True):
                days_ago -= (first - current) * gap / (sum(gaps) or 1)
                history_ids.append(row.id)
                dates.append(now - datetime.timedelta(days=days_ago))
            # rounding: exactly ``current`` for the open stay
            dates[-1] = now - datetime.timedelta(days=current)
        history_table = SQL.identifier(histories._table)
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s h
                   SET date_entered = date_trunc('second', v.date_entered)
                  FROM unnest(%(ids)s::int[], %(dates)s::timestamp[]) AS v(id, date_entered)
                 WHERE h.id = v.id
                """,
                table=history_table,
                ids=history_ids,
                dates=dates,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s h
                   SET date_left = n.date_left,
                       duration = ROUND(EXTRACT(EPOCH FROM (n.date_left - h.date_entered))::numeric
                                        / 86400, 2)
                  FROM (SELECT id, LEAD(date_entered) OVER (
                                   PARTITION BY state_id ORDER BY date_entered, id) AS date_left
                          FROM %(table)s
                         WHERE id = ANY(%(ids)s)) n
                 WHERE h.id = n.id AND h.date_left IS NOT NULL
                """,
                table=history_table,
                ids=history_ids,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(states)s s
                   SET date_entered = h.date_entered
                  FROM %(table)s h
                 WHERE h.state_id = s.id AND h.date_left IS NULL AND s.id = ANY(%(ids)s)
                """,
                states=SQL.identifier(states._table),
                table=history_table,
                ids=states.ids,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(events)s e
                   SET date = h.date_entered
                  FROM %(table)s h
                 WHERE e.res_model = %(model)s AND e.res_id = h.id AND h.id = ANY(%(ids)s)
                """,
                events=SQL.identifier(events._table),
                table=history_table,
                model=histories._name,
                ids=history_ids,
            )
        )
        self.env.invalidate_all()

    @api.model
    def _demo_date_win_back(self, order):
        """Date ``order``, which won its customer back, just before the
        customer entered Won back, and refresh the customer's facts (without
        moving it again)."""
        won_back = self.env["customer.lifecycle.history"].search(
            [
                ("partner_id", "=", order.partner_id.commercial_partner_id.id),
                ("company_id", "=", order.company_id.id),
                ("stage_id", "=", self.env.ref("customer_lifecycle.stage_won_back").id),
            ],
            limit=1,
        )
        if not won_back:
            return
        self.env["customer.relationship.demo"]._demo_move_orders(
            {order: won_back.date_entered - datetime.timedelta(hours=2)}
        )
        self.env["customer.profile"].with_context(
            customer_lifecycle_no_event=True
        )._refresh_customers(order.partner_id.commercial_partner_id.ids, order.company_id.ids)
