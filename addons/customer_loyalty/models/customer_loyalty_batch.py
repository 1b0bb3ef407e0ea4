from odoo import api, fields, models

from ..engine import tiers


class CustomerLoyaltyBatch(models.Model):
    """Points earned at once (an order, with its tier bonus), tracked until
    they are spent or expire. The points themselves are on the card; a
    batch only says when they were earned and when they expire."""

    _name = "customer.loyalty.batch"
    _description = "Loyalty Points Batch"
    _order = "date desc, id desc"

    card_id = fields.Many2one("loyalty.card", required=True, ondelete="cascade", index=True)
    member_id = fields.Many2one(
        "customer.loyalty.member", required=True, ondelete="cascade", index=True
    )
    program_id = fields.Many2one("loyalty.program", required=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    order_id = fields.Many2one("sale.order", string="Order", ondelete="cascade", index=True)
    kind = fields.Selection(
        [("order", "Order"), ("adjustment", "Adjustment")], required=True, default="order"
    )
    date = fields.Date(string="Earned On", required=True, index=True)
    expiry_date = fields.Date(string="Expires On", index=True)
    base_points = fields.Float(string="Points of the Order")
    multiplier = fields.Float(digits=(16, 2), default=1.0)
    bonus_points = fields.Float(string="Tier Bonus")
    points = fields.Float(string="Points Earned")
    expired_points = fields.Float(readonly=True)
    base_booked = fields.Boolean(
        readonly=True,
        help="The membership added the points of the order to the card (not only the "
        "tier bonus): the order's transaction left them out.",
    )
    state = fields.Selection(
        [("active", "Active"), ("cancelled", "Cancelled"), ("expired", "Expired")],
        required=True,
        default="active",
        index=True,
    )
    reminder_sent = fields.Boolean(readonly=True)
    reason = fields.Char(readonly=True, help="Why the points were added by hand.")
    removed_points = fields.Float(
        string="Points Removed",
        readonly=True,
        help="Points taken from this batch by balance updates by hand, oldest batches first.",
    )

    _sql_constraints = [
        (
            "order_program_unique",
            "UNIQUE (order_id, program_id)",
            "The points of an order are recorded once per program.",
        ),
        ("points_positive", "CHECK (points >= 0)", "A batch cannot hold negative points."),
        (
            "removed_points_range",
            "CHECK (removed_points IS NULL OR (removed_points >= 0 AND removed_points <= points))",
            "A balance update cannot take more points from a batch than it holds.",
        ),
    ]

    def _book_points(self):
        """Add (an active batch) or remove (a cancelled one) on their cards
        the points these batches put there: the tier bonus, and the points of
        the order when its transaction left them out (``base_booked``), with
        a row in the points history for the bonus (the order's own rows
        stand for its points)."""
        history = []
        per_card = {}
        for batch in self.filtered(lambda b: b.bonus_points or b.base_booked):
            sign = 1 if batch.state == "active" else -1
            amount = sign * (batch.points if batch.base_booked else batch.bonus_points)
            per_card[batch.card_id.id] = per_card.get(batch.card_id.id, 0.0) + amount
            if not batch.bonus_points:
                continue
            history.append(
                {
                    "card_id": batch.card_id.id,
                    "customer_batch_id": batch.id,
                    "customer_kind": "bonus",
                    "order_model": "sale.order",
                    "order_id": batch.order_id.id,
                    "issued": batch.bonus_points if sign > 0 else 0.0,
                    "used": batch.bonus_points if sign < 0 else 0.0,
                    "description": (
                        self.env._(
                            "Tier bonus x%(multiplier)s on %(order)s",
                            multiplier=format(batch.multiplier, "g"),
                            order=batch.order_id.name,
                        )
                        if sign > 0
                        else self.env._(
                            "Tier bonus of %(order)s cancelled", order=batch.order_id.name
                        )
                    ),
                }
            )
        self._add_to_cards(per_card)
        self.env["loyalty.history"].sudo().create(history)

    def _add_timeline_rows(self):
        """The customer's timeline rows of these batches: points earned (once
        per batch, on the day they were earned) or taken back by a cancelled
        order. Expired points have theirs from the points history
        (``_insert_expiry_history``)."""
        values = []
        for batch in self:
            points = f"{batch.points:g}"
            order = batch.order_id.name or ""
            if batch.state == "cancelled":
                event_type, date = "loyalty_points_back", None
                name = self.env._(
                    "%(points)s points taken back: %(order)s cancelled", points=points, order=order
                )
            else:
                event_type, date = "loyalty_points", fields.Datetime.to_datetime(batch.date)
                name = self.env._("%(points)s points earned: %(order)s", points=points, order=order)
            values.append(
                {
                    "partner_id": batch.partner_id.id,
                    "company_id": batch.company_id.id,
                    "event_type": event_type,
                    "res_model": self._name,
                    "res_id": batch.id,
                    "name": name,
                    **({"date": date} if date else {}),
                }
            )
        return self.env["customer.event"].sudo()._add_events(values)

    @api.model
    def _add_to_cards(self, per_card, floor=None):
        """Add ``{card id: points}`` to the cards in one statement (a balance
        not below ``floor`` when given)."""
        per_card = {card: points for card, points in per_card.items() if points}
        if not per_card:
            return
        self.env["loyalty.card"].flush_model(["points"])
        self.env.execute_query(
            self.env["customer.profile"]._sql_over_tables(
                {"c": "loyalty.card"},
                """
                UPDATE %(c)s c
                   SET %(c:points)s = greatest(coalesce(%(c.points)s, 0) + v.amount, %(floor)s),
                       write_uid = %(uid)s, write_date = now() at time zone 'utc'
                  FROM (SELECT unnest(%(ids)s) AS id, unnest(%(amounts)s) AS amount) v
                 WHERE %(c.id)s = v.id
                """,
                ids=list(per_card),
                amounts=list(per_card.values()),
                floor=floor,
                uid=self.env.uid,
            )
        )
        self.env["loyalty.card"].browse(per_card).invalidate_recordset(["points"])
        self.env["customer.loyalty.member"].invalidate_model(
            ["points", "points_to_next_tier", "next_expiry_points"]
        )

    @api.model
    def _expire(self, programs):
        """Remove the points whose expiry date has come, oldest first, from
        the cards of ``programs``: a batch expires only what is left of it
        once the points spent are taken from the oldest batches, so a
        balance never becomes negative. Each card that loses points gets
        one row in its points history and one on the customer's timeline.
        Returns the number of batches."""
        if not programs:
            return 0
        profiles = self.env["customer.profile"]
        today = fields.Date.context_today(self)
        self.env.flush_all()
        rows = self.env.execute_query(
            profiles._sql_over_tables(
                {"b": self._name, "c": "loyalty.card", "x": self._name},
                """
                WITH ranked AS (
                    SELECT %(b.id)s AS id, %(b.points)s AS points,
                           %(b.expiry_date)s AS expiry_date, %(c.points)s AS balance,
                           coalesce(sum(%(b.points)s) OVER (
                               PARTITION BY %(b.card_id)s ORDER BY %(b.date)s DESC, %(b.id)s DESC
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS newer
                      FROM %(b)s b JOIN %(c)s c ON %(c.id)s = %(b.card_id)s
                     WHERE %(b.state)s = 'active' AND %(b.program_id)s IN %(programs)s
                ), expiring AS (
                    SELECT id, greatest(0, least(points, balance - newer)) AS amount
                      FROM ranked WHERE expiry_date <= %(today)s
                ), expired AS (
                    UPDATE %(x)s x SET %(x:state)s = 'expired', %(x:expired_points)s = e.amount,
                           write_date = now() at time zone 'utc'
                      FROM expiring e WHERE %(x.id)s = e.id
                    RETURNING %(x.card_id)s AS card_id, e.amount
                )
                SELECT card_id, count(*), coalesce(sum(amount), 0) FROM expired GROUP BY card_id
                """,
                programs=tuple(programs.ids),
                today=today,
            )
        )
        self.invalidate_model(["state", "expired_points"])
        per_card = {card_id: amount for card_id, _count, amount in rows if amount > 0}
        if per_card:
            self._add_to_cards({card: -amount for card, amount in per_card.items()}, floor=0)
            # the card's balance and what is computed from it (members, partners)
            self.env.invalidate_all()
            self._insert_expiry_history(per_card)
        return sum(count for _card_id, count, _amount in rows)

    @api.model
    def _insert_expiry_history(self, per_card):
        """A points history row per card of ``{card id: points expired}``,
        inserted at once as ``create`` writes them, and its row on the
        customer's timeline."""
        history = self.env["loyalty.history"]
        now = self.env.cr.now()
        rows = self.env.execute_query(
            self.env["customer.profile"]._sql_over_tables(
                {"h": history._name, "c": "loyalty.card"},
                """
                WITH inserted AS (
                    INSERT INTO %(h)s (%(h:card_id)s, %(h:customer_kind)s, %(h:issued)s,
                                       %(h:used)s, %(h:description)s,
                                       create_uid, create_date, write_uid, write_date)
                    SELECT v.card_id, 'expiry', 0, v.used, %(description)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM unnest(%(cards)s::int[], %(used)s::float8[]) AS v(card_id, used)
                     ORDER BY v.card_id
                    RETURNING %(h:id)s AS id, %(h:card_id)s AS card_id, %(h:used)s AS used
                )
                SELECT inserted.id, inserted.used, %(c.partner_id)s, %(c.company_id)s
                  FROM inserted JOIN %(c)s c ON %(c.id)s = inserted.card_id
                 ORDER BY inserted.id
                """,
                description=self.env._("Points expired"),
                uid=self.env.uid,
                now=now,
                cards=list(per_card),
                used=list(per_card.values()),
            )
        )
        history.invalidate_model()
        self.env["loyalty.card"].browse(per_card).invalidate_recordset(["history_ids"])
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": partner_id,
                    "company_id": company_id,
                    "event_type": "loyalty_points_expired",
                    "res_model": history._name,
                    "res_id": history_id,
                    "name": self.env._("%(points)s points expired", points=f"{used:g}"),
                }
                for history_id, used, partner_id, company_id in rows
                if partner_id
            ]
        )

    @api.model
    def _send_reminders(self, programs):
        """Mail the members whose points expire within their program's
        reminder period, once per batch."""
        today = fields.Date.context_today(self)
        template = self.env.ref(
            "customer_loyalty.mail_template_expiry_reminder", raise_if_not_found=False
        )
        reminded = self.browse()
        for program in programs.filtered("customer_expiry_reminder_days"):
            horizon = fields.Date.add(today, days=program.customer_expiry_reminder_days)
            due = self.search(
                [
                    ("program_id", "=", program.id),
                    ("state", "=", "active"),
                    ("reminder_sent", "=", False),
                    ("expiry_date", "!=", False),
                    ("expiry_date", "<=", horizon),
                ]
            )
            for member in due.member_id:
                batches = member.batch_ids.filtered(lambda b: b.state == "active")
                points, _date = tiers.next_expiry(
                    member.points,
                    [(b.id, b.date, b.points, b.expiry_date) for b in batches],
                    today,
                )
                if points > 0 and template and member.partner_id.email:
                    template.send_mail(member.id, email_layout_xmlid="mail.mail_notification_light")
            reminded |= due
        reminded.write({"reminder_sent": True})
        return reminded
