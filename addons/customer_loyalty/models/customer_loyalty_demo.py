import datetime
import random

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import tiers

# Per demo member: months since they joined, points earned a month, and the
# last months without purchases (a member who stops buying steps down at
# the tier reviews).
DEMO_PLANS = [
    (13, 70, 0),
    (13, 140, 0),
    (12, 330, 0),
    (15, 450, 4),
    (11, 1000, 0),
    (9, 1300, 0),
    (7, 380, 0),
    (5, 2600, 0),
    (18, 1500, 9),
]
REWARD_POINTS = 1000


class CustomerLoyaltyDemo(models.AbstractModel):
    """Builds the membership demo; called from demo data only."""

    _name = "customer.loyalty.demo"
    _description = "Customer Loyalty Demo Loader"

    @api.model
    def _demo_setup(self):
        """A year of membership: members who joined in different months,
        points earned month by month since (some expired, some expiring
        within the month), rewards spent, and the tier changes these points
        gave at the time, dated as they happened. Does nothing if the demo
        program has members already."""
        program = self.env.ref("customer_loyalty.demo_program")
        Member = self.env["customer.loyalty.member"].sudo()
        if Member.with_context(active_test=False).search_count(
            [("program_id", "=", program.id)], limit=1
        ):
            return
        partners = self.env["res.partner"].search(
            [("customer_rank", ">", 0), ("parent_id", "=", False)], order="id", limit=9
        )
        members = Member._enrol(program, partners).sorted("id")
        rng = random.Random(11)
        today = fields.Date.context_today(self)
        # the entry tier of an enrolment today gives way to the dated history
        entry = members.tier_history_ids
        self.env["customer.event"].sudo().search(
            [("res_model", "=", entry._name), ("res_id", "in", entry.ids)]
        ).unlink()
        entry.unlink()
        batch_values, points_rows, tier_rows = [], [], []
        for member, (months, monthly, quiet) in zip(members, DEMO_PLANS, strict=False):
            joined = today - relativedelta(months=months, days=rng.randint(0, 10))
            earned = []
            for month in range(months + 1):
                date = joined + datetime.timedelta(days=30 * month + rng.randint(1, 12))
                if date > today - relativedelta(months=quiet) or date > today:
                    break
                earned.append((date, round(monthly * rng.uniform(0.6, 1.4))))
            for date, points in earned:
                batch_values.append(
                    {
                        "card_id": member.card_id.id,
                        "member_id": member.id,
                        "program_id": program.id,
                        "partner_id": member.partner_id.id,
                        "company_id": member.company_id.id,
                        "kind": "adjustment",
                        "date": date,
                        "expiry_date": date
                        + relativedelta(months=program.customer_points_validity_months),
                        "base_points": points,
                        "points": points,
                    }
                )
                points_rows.append((member, date, points, 0))
            balance = sum(points for _date, points in earned)
            if balance >= 2 * REWARD_POINTS:
                # a reward claimed halfway through the membership
                spent_on = earned[len(earned) // 2][0] + datetime.timedelta(days=3)
                points_rows.append((member, spent_on, 0, REWARD_POINTS))
                balance -= REWARD_POINTS
            member.card_id.with_context(loyalty_no_mail=True).points = balance
            changes, rank, below = self._demo_tier_changes(program, joined, earned, today)
            levels = {tier.level: tier for tier in program.customer_tier_ids}
            member.write(
                {
                    "join_date": joined,
                    "tier_id": levels[rank].id if rank else False,
                    "tier_since": changes[-1][0] if changes else False,
                    "below_since": below,
                }
            )
            tier_rows += [
                (member, date, levels.get(old), levels.get(new), reason)
                for date, old, new, reason in changes
            ]
        self._demo_points_history(points_rows)
        self.env["customer.loyalty.batch"].sudo().create(batch_values)
        self._demo_tier_history(tier_rows)
        self._demo_date_events(
            "loyalty_enrolled",
            {member.id: fields.Datetime.to_datetime(member.join_date) for member in members},
        )
        # the year's points expire, the members' tiers follow their points
        self.env["customer.loyalty.batch"].sudo()._expire(program)
        Member._review_tiers(program)
        Member._sync_profile_tiers({(m.partner_id.id, m.company_id.id) for m in members})
        # an order of the first member, confirmed and awarded as any other
        member = members[:1]
        product = self.env.ref("product.product_product_4", raise_if_not_found=False)
        if member and product:
            order = self.env["sale.order"].create(
                {
                    "partner_id": member.partner_id.id,
                    "company_id": member.company_id.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
                }
            )
            order.action_confirm()
            Member._on_customers_refreshed({(member.partner_id.id, member.company_id.id)})

    @api.model
    def _demo_tier_changes(self, program, joined, earned, today):
        """The tier changes ``earned`` ([(date, points)]) gave a member who
        joined on ``joined``, as the membership makes them: up at once after
        the points, down at the monthly reviews after the grace period.
        Returns ([(date, old rank, new rank, reason)], rank, below since)."""
        thresholds = program.customer_tier_ids.sorted("level").mapped("threshold")
        period = relativedelta(months=program.customer_tier_period_months)
        grace = relativedelta(months=program.customer_tier_grace_months)

        def qualifying(day):
            value = sum(points for date, points in earned if day - period <= date <= day)
            return tiers.qualifying_rank(thresholds, value)

        reviews = []
        review = joined.replace(day=1) + relativedelta(months=1)
        while review <= today:
            reviews.append(review)
            review += relativedelta(months=1)
        events = sorted(
            [(joined, 0), *((date, 1) for date, _points in earned), *((d, 2) for d in reviews)]
        )
        changes, rank, below = [], 0, None
        for day, kind in events:
            if kind < 2:
                new = tiers.upgrade_rank(rank, qualifying(day))
                if new != rank:
                    below = None
            else:
                new, below = tiers.review_rank(
                    rank,
                    qualifying(day),
                    below,
                    day,
                    (day - (day - grace)).days,
                    program.customer_tier_one_step,
                )
            if new != rank:
                changes.append((day, rank, new, "upgrade" if new > rank else "review"))
                rank = new
        return changes, rank, below

    @api.model
    def _demo_points_history(self, rows):
        """Points history rows dated in the past: [(member, date, issued, used)]."""
        history = (
            self.env["loyalty.history"]
            .sudo()
            .create(
                [
                    {
                        "card_id": member.card_id.id,
                        "issued": issued,
                        "used": used,
                        "description": self.env._("Points of past purchases")
                        if issued
                        else self.env._("Reward: 10 off your order"),
                    }
                    for member, _date, issued, used in rows
                ]
            )
        )
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                UPDATE %(table)s h SET create_date = v.day
                  FROM (SELECT unnest(%(ids)s) AS id, unnest(%(days)s::timestamp[]) AS day) v
                 WHERE h.id = v.id
                """,
                table=SQL.identifier(history._table),
                ids=history.ids,
                days=[fields.Datetime.to_datetime(date) for _member, date, *_rest in rows],
            )
        )
        history.invalidate_recordset(["create_date"])

    @api.model
    def _demo_tier_history(self, rows):
        """Tier history and timeline rows of changes made in the past:
        [(member, date, old tier, new tier, reason)]."""
        empty = self.env["customer.loyalty.tier"]
        histories = (
            self.env["customer.loyalty.tier.history"]
            .sudo()
            .create(
                [
                    {
                        "member_id": member.id,
                        "from_tier_id": (old or empty).id,
                        "to_tier_id": (new or empty).id,
                        "date": date,
                        "reason": reason,
                    }
                    for member, date, old, new, reason in rows
                ]
            )
        )
        histories._add_timeline_rows(dated=True)

    @api.model
    def _demo_date_events(self, event_type, dates):
        """Move the members' timeline rows of ``event_type`` to ``dates``
        ({member id: datetime})."""
        self.env.flush_all()
        events = self.env["customer.event"]
        self.env.execute_query(
            SQL(
                """
                UPDATE %(table)s e SET date = v.day
                  FROM (SELECT unnest(%(ids)s) AS id, unnest(%(days)s::timestamp[]) AS day) v
                 WHERE e.res_model = 'customer.loyalty.member' AND e.res_id = v.id
                   AND e.event_type = %(event_type)s
                """,
                table=SQL.identifier(events._table),
                ids=list(dates),
                days=list(dates.values()),
                event_type=event_type,
            )
        )
        events.invalidate_model(["date"])
