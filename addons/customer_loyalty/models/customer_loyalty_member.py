import datetime
import logging
import threading

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..engine import tiers

_logger = logging.getLogger(__name__)

# Above this many refreshed customers (a full recompute), the members are
# left to the daily review rather than processed in the refresh.
FACTS_LIMIT = 1000
# how far before its last run a tier review looks for orders' points that
# no refresh recorded (a transaction that commits later than it started)
REVIEW_OVERLAP = datetime.timedelta(days=1)

# What users may change on a member (the rest is written by the membership).
USER_FIELDS = {"note", "active"}


class CustomerLoyaltyMember(models.Model):
    _name = "customer.loyalty.member"
    _description = "Loyalty Member"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "join_date desc, id desc"
    _rec_names_search = ["number", "partner_id"]

    name = fields.Char(compute="_compute_name", store=True)
    program_id = fields.Many2one(
        "loyalty.program",
        string="Program",
        required=True,
        ondelete="restrict",
        index=True,
        domain=[("customer_membership", "=", True)],
    )
    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        readonly=True,
    )
    card_id = fields.Many2one(
        "loyalty.card", string="Card", required=True, readonly=True, ondelete="restrict"
    )
    card_code = fields.Char(related="card_id.code", string="Card Code")
    number = fields.Char(string="Member Number", readonly=True, copy=False)
    join_date = fields.Date(default=fields.Date.context_today, required=True, readonly=True)
    tier_id = fields.Many2one(
        "customer.loyalty.tier", string="Tier", readonly=True, tracking=True, index=True
    )
    tier_color = fields.Integer(related="tier_id.color")
    tier_since = fields.Date(readonly=True)
    below_since = fields.Date(
        string="Below Tier Since",
        readonly=True,
        help="First tier review that found the member below their tier: the grace "
        "period runs from this date.",
    )
    qualifying_value = fields.Float(
        readonly=True,
        help="Points earned or spend within the qualifying period, as last counted.",
    )
    points = fields.Float(related="card_id.points", string="Balance")
    next_tier_id = fields.Many2one(
        "customer.loyalty.tier", compute="_compute_next_tier", string="Next Tier"
    )
    points_to_next_tier = fields.Float(
        compute="_compute_next_tier",
        string="To Next Tier",
        help="What the member still needs, in the program's qualification unit.",
    )
    next_expiry_points = fields.Float(compute="_compute_next_expiry", string="Points Expiring")
    next_expiry_date = fields.Date(compute="_compute_next_expiry", string="Next Expiry")
    batch_ids = fields.One2many("customer.loyalty.batch", "member_id", string="Points Batches")
    tier_history_ids = fields.One2many(
        "customer.loyalty.tier.history", "member_id", string="Tier History"
    )
    loyalty_history_ids = fields.One2many(related="card_id.history_ids", string="Points History")
    note = fields.Text()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "program_partner_unique",
            "UNIQUE (program_id, partner_id)",
            "This customer is already a member of this program.",
        ),
        ("card_unique", "UNIQUE (card_id)", "This card already belongs to a member."),
    ]

    @api.depends("number", "partner_id.name")
    def _compute_name(self):
        for member in self:
            member.name = " ".join(filter(None, [member.number, member.partner_id.name]))

    @api.depends("tier_id", "qualifying_value", "program_id.customer_tier_ids.threshold")
    def _compute_next_tier(self):
        for member in self:
            ordered = member.program_id.customer_tier_ids.sorted("level")
            current = member.tier_id.level if member.tier_id else 0
            following = ordered.filtered(lambda t, current=current: t.level > current)[:1]
            member.next_tier_id = following
            member.points_to_next_tier = (
                max(following.threshold - member.qualifying_value, 0.0) if following else 0.0
            )

    @api.depends("batch_ids.state", "points")
    def _compute_next_expiry(self):
        today = fields.Date.context_today(self)
        batches = self.env["customer.loyalty.batch"].search(
            [("member_id", "in", self.ids), ("state", "=", "active")]
        )
        by_member = {}
        for batch in batches:
            by_member.setdefault(batch.member_id.id, []).append(
                (batch.id, batch.date, batch.points, batch.expiry_date)
            )
        for member in self:
            points, date = tiers.next_expiry(
                member.points, by_member.get(member.id, []), today - relativedelta(days=1)
            )
            member.next_expiry_points = points
            member.next_expiry_date = date

    @api.constrains("program_id", "partner_id", "card_id")
    def _check_member(self):
        for member in self:
            if not member.program_id.customer_membership:
                raise ValidationError(
                    self.env._(
                        "%(program)s does not run a membership: enable it on the program first.",
                        program=member.program_id.name,
                    )
                )
            if member.partner_id != member.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is a contact of %(company)s: enrol the company.",
                        partner=member.partner_id.name,
                        company=member.partner_id.commercial_partner_id.name,
                    )
                )
            if member.card_id.program_id != member.program_id:
                raise ValidationError(self.env._("A member's card belongs to their program."))

    def write(self, vals):
        """Users write the note and archive a membership; the rest (tier,
        qualification, card, number) is the membership's own."""
        if not self.env.su and set(vals) - USER_FIELDS:
            raise AccessError(
                self.env._(
                    "A member's tier, card and number are set by the membership: you can "
                    "only change the note or archive the membership."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Enrolment
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """Members with their commercial partner, a card (the program's card
        of the customer holding the most points, or a new one) and a member
        number; in a few queries however many members are created."""
        Card = self.env["loyalty.card"].sudo().with_context(loyalty_no_mail=True)
        programs = self.env["loyalty.program"].browse(
            {vals["program_id"] for vals in vals_list if vals.get("program_id")}
        )
        partners = self.env["res.partner"].browse(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        )
        commercial = {partner.id: partner.commercial_partner_id.id for partner in partners}
        for vals in vals_list:
            if vals.get("partner_id") in commercial:
                vals["partner_id"] = commercial[vals["partner_id"]]
        for program in programs:
            own = [
                vals
                for vals in vals_list
                if vals.get("program_id") == program.id and vals.get("partner_id")
            ]
            for vals in own:
                vals.setdefault("company_id", (program.company_id or self.env.company).id)
            needing = [vals for vals in own if not vals.get("card_id")]
            if needing:
                wanted = {vals["partner_id"] for vals in needing}
                cards = {}
                for card in Card.search(
                    [("program_id", "=", program.id), ("partner_id", "in", list(wanted))],
                    order="points desc, id",
                ):
                    cards.setdefault(card.partner_id.id, card.id)
                new_cards = Card.create(
                    [
                        {"program_id": program.id, "partner_id": partner_id}
                        for partner_id in sorted(wanted - set(cards))
                    ]
                )
                cards.update({card.partner_id.id: card.id for card in new_cards})
                for vals in needing:
                    vals["card_id"] = cards[vals["partner_id"]]
            numbering = [vals for vals in own if not vals.get("number")]
            if numbering and program.customer_membership:
                numbers = program._customer_member_numbers(len(numbering))
                for vals, number in zip(numbering, numbers, strict=True):
                    vals["number"] = number
        members = super().create(vals_list)
        members.sudo()._after_enrol()
        return members

    @api.model
    def _enrol(self, program, partners):
        """Members of ``program`` for ``partners`` (their commercial partners),
        creating those missing. Returns the new ones."""
        if not program.customer_membership:
            raise UserError(
                self.env._(
                    "%(program)s does not run a membership: enable it on the program first.",
                    program=program.name,
                )
            )
        customers = partners.commercial_partner_id
        existing = self.with_context(active_test=False).search(
            [("program_id", "=", program.id), ("partner_id", "in", customers.ids)]
        )
        missing = customers - existing.partner_id
        return self.create(
            [{"program_id": program.id, "partner_id": partner.id} for partner in missing]
        )

    def _after_enrol(self):
        """Timeline rows, the points of past orders, the first tier."""
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": member.partner_id.id,
                    "company_id": member.company_id.id,
                    "event_type": "loyalty_enrolled",
                    "res_model": self._name,
                    "res_id": member.id,
                    "name": self.env._(
                        "Member %(number)s of %(program)s",
                        number=member.number,
                        program=member.program_id.name,
                    ),
                }
                for member in self
            ]
        )
        if not self.env.context.get("customer_loyalty_sync_later"):
            self._sync_members()

    def _sync_members(self, keys=None):
        """The points of these members' orders, the tiers they qualify for,
        and the tier facts of their customers (or of the (customer, company)
        pairs ``keys``)."""
        self._sync_order_batches()
        for program in self.program_id:
            self._upgrade(program, self.filtered(lambda m, p=program: m.program_id == p).ids)
        self._sync_profile_tiers(
            keys or {(member.partner_id.id, member.company_id.id) for member in self}
        )

    # ------------------------------------------------------------------
    # Points of orders (after the commit, keyed by order and program)
    # ------------------------------------------------------------------
    def _member_scope(self, alias, programs=None):
        """Condition on members ``alias``: these members, or all of ``programs``."""
        profiles = self.env["customer.profile"]
        if programs is not None:
            return profiles._sql_over_tables(
                {alias: self._name}, f"%({alias}.program_id)s IN %(ids)s", ids=tuple(programs.ids)
            )
        return profiles._sql_over_tables(
            {alias: self._name}, f"%({alias}.id)s IN %(ids)s", ids=tuple(self.ids) or (0,)
        )

    def _sql_order_points(self, programs=None, since=None):
        """The join that brings the points each order gave a member ``m``
        (Odoo's points history of its card): ``h.order_id``, ``h.issued``.
        For these members, a lookup of each one's card; for every member of
        ``programs``, one pass over the history, of the rows written
        ``since`` (a datetime) or later when given."""
        profiles = self.env["customer.profile"]
        of_orders = "%(h.order_model)s = 'sale.order' AND %(h.customer_kind)s IS NULL"
        if programs is None:
            return profiles._sql_over_tables(
                {"h": "loyalty.history"},
                """
                JOIN LATERAL (
                      SELECT %(h.order_id)s AS order_id, sum(%(h.issued)s) AS issued
                        FROM %(h)s h
                       WHERE %(h.card_id)s = m.card_id AND """
                + of_orders
                + """
                       GROUP BY %(h.order_id)s
                      HAVING sum(%(h.issued)s) > 0
                ) h ON true
                """,
            )
        return profiles._sql_over_tables(
            {"h": "loyalty.history"},
            """
            JOIN (
                  SELECT %(h.card_id)s AS card_id, %(h.order_id)s AS order_id,
                         sum(%(h.issued)s) AS issued
                    FROM %(h)s h
                   WHERE """
            + of_orders
            + """ AND (%(since)s::timestamp IS NULL OR %(h.create_date)s >= %(since)s)
                   GROUP BY %(h.card_id)s, %(h.order_id)s
                  HAVING sum(%(h.issued)s) > 0
            ) h ON h.card_id = m.card_id
            """,
            since=since,
        )

    def _sync_order_batches(self, programs=None, since=None):
        """Record the points of the members' confirmed orders (these members,
        or every member of ``programs``) as batches, once per order and
        program (a unique key, so that a second run, a re-confirmation or a
        second worker adds nothing), with the tier bonus added to the card;
        follow cancelled and re-confirmed orders. With ``programs`` and
        ``since`` (a datetime), only the points history written since then
        is read. Returns the batches whose points changed."""
        if not self and programs is None:
            return self.env["customer.loyalty.batch"]
        profiles = self.env["customer.profile"]
        self.env.flush_all()
        inserted = self.env.execute_query(
            profiles._sql_over_tables(
                {
                    "m": self._name,
                    "b": "customer.loyalty.batch",
                    "p": "loyalty.program",
                    "t": "customer.loyalty.tier",
                    "e": "sale.order.coupon.points",
                },
                """
                INSERT INTO %(b)s (%(b:card_id)s, %(b:member_id)s, %(b:program_id)s,
                       %(b:partner_id)s, %(b:company_id)s, %(b:order_id)s, %(b:kind)s,
                       %(b:date)s, %(b:expiry_date)s, %(b:base_points)s, %(b:bonus_points)s,
                       %(b:points)s, %(b:multiplier)s, %(b:state)s, %(b:reminder_sent)s,
                       %(b:base_booked)s, create_uid, create_date, write_uid, write_date)
                SELECT %(m.card_id)s, %(m.id)s, %(m.program_id)s, %(m.partner_id)s,
                       %(m.company_id)s, o.id, 'order', o.date_order::date,
                       CASE WHEN %(p.customer_points_validity_months)s > 0
                            THEN (o.date_order::date + make_interval(
                                    months => %(p.customer_points_validity_months)s))::date
                       END,
                       h.issued, x.bonus, h.issued + x.bonus, x.multiplier, 'active', false,
                       EXISTS (SELECT FROM %(e)s e
                                WHERE %(e.order_id)s = o.id AND %(e.coupon_id)s = %(m.card_id)s
                                  AND %(e.customer_deferred)s),
                       %(uid)s, now() at time zone 'utc', %(uid)s, now() at time zone 'utc'
                  FROM %(m)s m
                  JOIN %(p)s p ON %(p.id)s = %(m.program_id)s
                  LEFT JOIN %(t)s t ON %(t.id)s = %(m.tier_id)s
                  %(points)s
                  JOIN (%(orders)s) o ON o.id = h.order_id
                  CROSS JOIN LATERAL (
                        SELECT coalesce(%(t.multiplier)s, 1.0) AS multiplier,
                               round((h.issued * (coalesce(%(t.multiplier)s, 1.0) - 1))::numeric,
                                     2) AS bonus
                  ) x
                 WHERE %(scope)s
                    ON CONFLICT (%(b:order_id)s, %(b:program_id)s) DO NOTHING
                RETURNING %(b:id)s
                """,
                points=self._sql_order_points(programs, since),
                orders=profiles._sql_confirmed_orders(),
                uid=self.env.uid,
                scope=self._member_scope("m", programs),
            )
        )
        # a re-confirmed order books again what its new confirmation left
        # out of the card (``deferred``). The two ways an order switches
        # are looked for apart, each from its few rows: the active batches
        # of orders no longer confirmed (through the orders' state index:
        # ``<`` and ``>`` for ``!=``), and the cancelled batches of orders
        # confirmed again.
        switching = [
            profiles._sql_over_tables(
                {
                    "m": self._name,
                    "b": "customer.loyalty.batch",
                    "so": "sale.order",
                    "e": "sale.order.coupon.points",
                },
                """
                SELECT %(b.id)s AS id, %(b.state)s = 'active' AS cancelling,
                       %(b.multiplier)s AS multiplier,
                       (SELECT sum(%(e.points)s) FROM %(e)s e
                         WHERE %(e.order_id)s = %(b.order_id)s
                           AND %(e.coupon_id)s = %(b.card_id)s
                           AND %(e.customer_deferred)s) AS deferred
                  FROM %(b)s b
                  JOIN %(m)s m ON %(m.id)s = %(b.member_id)s
                  JOIN %(so)s so ON %(so.id)s = %(b.order_id)s
                 WHERE %(scope)s AND %(b.state)s = %(state)s
                   AND """
                + condition,
                scope=self._member_scope("m", programs),
                state=state,
            )
            for state, condition in (
                ("active", "(%(so.state)s < 'sale' OR %(so.state)s > 'sale')"),
                ("cancelled", "%(so.state)s = 'sale'"),
            )
        ]
        switched = self.env.execute_query(
            profiles._sql_over_tables(
                {"b": "customer.loyalty.batch"},
                """
                WITH switching AS (%(switching)s), renewed AS (
                    SELECT id, cancelling, deferred,
                           round((deferred * (multiplier - 1))::numeric, 2) AS bonus
                      FROM switching
                )
                UPDATE %(b)s b
                   SET %(b:state)s = CASE WHEN r.cancelling THEN 'cancelled' ELSE 'active' END,
                       %(b:base_booked)s = CASE WHEN r.cancelling THEN %(b.base_booked)s
                                                ELSE r.deferred IS NOT NULL END,
                       %(b:base_points)s = CASE WHEN r.cancelling OR r.deferred IS NULL
                                                THEN %(b.base_points)s ELSE r.deferred END,
                       %(b:bonus_points)s = CASE WHEN r.cancelling OR r.deferred IS NULL
                                                 THEN %(b.bonus_points)s ELSE r.bonus END,
                       %(b:points)s = CASE WHEN r.cancelling OR r.deferred IS NULL
                                           THEN %(b.points)s ELSE r.deferred + r.bonus END,
                       write_date = now() at time zone 'utc'
                  FROM renewed r
                 WHERE %(b.id)s = r.id
                RETURNING %(b.id)s
                """,
                switching=SQL(" UNION ALL ").join(switching),
            )
        )
        batches = self.env["customer.loyalty.batch"]
        batches.invalidate_model()
        new = batches.browse([row[0] for row in inserted])
        changed = batches.browse([row[0] for row in switched])
        (new | changed)._book_points()
        (new | changed)._add_timeline_rows()
        return new | changed

    # ------------------------------------------------------------------
    # Balance updates by hand (Odoo's wizard on the card)
    # ------------------------------------------------------------------
    def _add_points_by_hand(self, points, reason, entry):
        """Points added by hand to the member's card (``entry``: its row of
        the points history): a batch of today that expires and counts for
        the tier like points earned, a timeline row, and the upgrade it
        may give. Returns the batch."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        validity = self.program_id.customer_points_validity_months
        batch = (
            self.env["customer.loyalty.batch"]
            .sudo()
            .create(
                {
                    "card_id": self.card_id.id,
                    "member_id": self.id,
                    "program_id": self.program_id.id,
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "kind": "adjustment",
                    "date": today,
                    "expiry_date": today + relativedelta(months=validity) if validity else False,
                    "base_points": points,
                    "points": points,
                    "reason": reason,
                }
            )
        )
        entry.sudo().write({"customer_kind": "manual", "customer_batch_id": batch.id})
        self._add_points_event(
            "loyalty_points_added",
            batch,
            self.env._("%(points)s points added: %(reason)s", points=f"{points:g}", reason=reason),
        )
        self.sudo()._upgrade(self.program_id, self.ids)
        return batch

    def _remove_points_by_hand(self, balance, points, reason, entry):
        """Points removed by hand from the member's card, which held
        ``balance`` before (``entry``: its row of the points history): taken
        from the oldest batches with points left first, as spending is, and
        recorded on them; a timeline row. Returns {batch: points taken}."""
        self.ensure_one()
        batches = self.sudo().batch_ids.filtered(lambda b: b.state == "active")
        taken = tiers.consumed_points(
            balance, points, [(batch.id, batch.date, batch.points) for batch in batches]
        )
        taken = {self.env["customer.loyalty.batch"].sudo().browse(k): v for k, v in taken.items()}
        for batch, amount in taken.items():
            batch.removed_points += amount
        entry.sudo().write({"customer_kind": "manual"})
        self._add_points_event(
            "loyalty_points_removed",
            entry,
            self.env._(
                "%(points)s points removed: %(reason)s", points=f"{points:g}", reason=reason
            ),
        )
        return taken

    def _add_points_event(self, event_type, record, name):
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "event_type": event_type,
                    "res_model": record._name,
                    "res_id": record.id,
                    "name": name,
                }
            ]
        )

    # ------------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------------
    def _qualifying_query(self, program, member_ids=None):
        """SELECT member_id, value: the points earned or the spend of the
        program's members (or of ``member_ids``) in the qualifying period."""
        profiles = self.env["customer.profile"]
        today = fields.Date.context_today(self)
        since = today - relativedelta(months=program.customer_tier_period_months)
        scope = SQL("%s = %s", profiles._sql_column(self._name, "program_id", "m"), program.id)
        if member_ids is not None:
            scope = SQL(
                "%s AND %s IN %s",
                scope,
                profiles._sql_column(self._name, "id", "m"),
                tuple(member_ids) or (0,),
            )
        if program.customer_tier_basis == "spend":
            return profiles._sql_over_tables(
                {"m": self._name},
                """
                SELECT %(m.id)s AS member_id, coalesce(sum(o.amount), 0) AS value
                  FROM %(m)s m
                  LEFT JOIN (%(orders)s) o
                    ON o.partner_id = %(m.partner_id)s AND o.company_id = %(m.company_id)s
                 WHERE %(scope)s
                 GROUP BY %(m.id)s
                """,
                orders=profiles._sql_confirmed_orders(
                    company_ids=[program.company_id.id or self.env.company.id], since=since
                ),
                scope=scope,
            )
        return profiles._sql_over_tables(
            {"m": self._name, "b": "customer.loyalty.batch"},
            """
            SELECT %(m.id)s AS member_id, coalesce(sum(%(b.points)s), 0) AS value
              FROM %(m)s m
              LEFT JOIN %(b)s b
                ON %(b.member_id)s = %(m.id)s AND %(b.state)s IN ('active', 'expired')
               AND %(b.date)s >= %(since)s
             WHERE %(scope)s
             GROUP BY %(m.id)s
            """,
            since=since,
            scope=scope,
        )

    def _qualify(self, program, member_ids=None):
        """Store the qualifying values of the program's members (or of
        ``member_ids``) that changed, and return (member id, current level,
        qualifying level, below since) of those whose tier may change."""
        profiles = self.env["customer.profile"]
        self.env.flush_all()
        self.env.execute_query(
            profiles._sql_over_tables(
                {"m": self._name},
                """
                UPDATE %(m)s m SET %(m:qualifying_value)s = q.value
                  FROM (%(qualifying)s) q
                 WHERE %(m.id)s = q.member_id
                   AND %(m.qualifying_value)s IS DISTINCT FROM q.value
                """,
                qualifying=self._qualifying_query(program, member_ids),
            )
        )
        self.invalidate_model(["qualifying_value"])
        scope = SQL("%s = %s", profiles._sql_column(self._name, "program_id", "m"), program.id)
        if member_ids is not None:
            scope = SQL(
                "%s AND %s IN %s",
                scope,
                profiles._sql_column(self._name, "id", "m"),
                tuple(member_ids) or (0,),
            )
        return self.env.execute_query(
            profiles._sql_over_tables(
                {"m": self._name, "t": "customer.loyalty.tier", "q": "customer.loyalty.tier"},
                """
                SELECT %(m.id)s, coalesce(%(t.level)s, 0), coalesce(x.level, 0),
                       %(m.below_since)s
                  FROM %(m)s m
                  LEFT JOIN %(t)s t ON %(t.id)s = %(m.tier_id)s
                  LEFT JOIN LATERAL (
                        SELECT max(%(q.level)s) AS level FROM %(q)s q
                         WHERE %(q.program_id)s = %(m.program_id)s
                           AND %(q.threshold)s <= %(m.qualifying_value)s
                  ) x ON true
                 WHERE %(scope)s AND %(m.active)s
                   AND (coalesce(x.level, 0) != coalesce(%(t.level)s, 0)
                        OR %(m.below_since)s IS NOT NULL)
                """,
                scope=scope,
            )
        )

    def _upgrade(self, program, member_ids):
        """Raise the members who now qualify for a higher tier (after an order)."""
        rows = self._qualify(program, member_ids)
        levels = {tier.level: tier for tier in program.customer_tier_ids}
        changes = {}
        for member_id, current, qualifying, _below_since in rows:
            new = tiers.upgrade_rank(current, qualifying)
            if new != current:
                changes[member_id] = (levels.get(new), "upgrade")
        return self._change_tiers(changes)

    @api.model
    def _review_tiers(self, programs):
        """The tier review of ``programs``: points of orders recorded,
        qualifying values counted, upgrades at once, downgrades after the
        grace period (one tier per review unless the program says
        otherwise). Returns the number of members whose tier changed."""
        today = fields.Date.context_today(self)
        changed = 0
        for program in programs.filtered("customer_membership"):
            # the refresh after each order records its points; the review
            # records those of the orders whose refresh did not run, placed
            # since the day before the last review (the points history's
            # dates are the database's, as the mark's)
            # (the mark is the review's own bookkeeping: whoever may run a
            # review sets it, without the right to edit the program)
            last = program.customer_tier_reviewed_at
            program.sudo().customer_tier_reviewed_at = self.env.cr.now()
            self._sync_order_batches(
                programs=program, since=last - REVIEW_OVERLAP if last else None
            )
            rows = self._qualify(program)
            levels = {tier.level: tier for tier in program.customer_tier_ids}
            grace_days = (
                today - (today - relativedelta(months=program.customer_tier_grace_months))
            ).days
            changes, below = {}, {}
            for member_id, current, qualifying, below_since in rows:
                new, since = tiers.review_rank(
                    current,
                    qualifying,
                    below_since,
                    today,
                    grace_days,
                    program.customer_tier_one_step,
                )
                if new != current:
                    changes[member_id] = (levels.get(new), "upgrade" if new > current else "review")
                if since != below_since:
                    below.setdefault(since, []).append(member_id)
            for since, member_ids in below.items():
                self.browse(member_ids).write({"below_since": since})
            changed += self._change_tiers(changes)
        return changed

    def _change_tiers(self, changes):
        """Apply {member id: (new tier or empty, reason)}: the tier, its
        history row, the timeline row, the mail to the member, the tier fact
        and the tier's pricelist (a member leaving a tier that gave one gets
        the default pricelist back, unless another was set since). Returns
        the number of changes."""
        if not changes:
            return 0
        today = fields.Date.context_today(self)
        members = self.browse(sorted(changes))
        given = {member.id: member.tier_id.pricelist_id for member in members}
        histories = (
            self.env["customer.loyalty.tier.history"]
            .sudo()
            .create(
                [
                    {
                        "member_id": member.id,
                        "from_tier_id": member.tier_id.id,
                        "to_tier_id": changes[member.id][0].id if changes[member.id][0] else False,
                        "reason": changes[member.id][1],
                        "date": today,
                    }
                    for member in members
                ]
            )
        )
        by_tier = {}
        for member in members:
            tier = changes[member.id][0] or self.env["customer.loyalty.tier"]
            by_tier.setdefault(tier, self.browse())
            by_tier[tier] |= member
        for tier, tier_members in by_tier.items():
            tier_members.write({"tier_id": tier.id, "tier_since": today})
            for company, company_members in tier_members.grouped("company_id").items():
                partners = company_members.partner_id.with_company(company).sudo()
                if tier.pricelist_id:
                    partners.write({"property_product_pricelist": tier.pricelist_id.id})
                    continue
                # the pricelist the former tier gave is taken back, not one
                # set since
                giving = company_members.filtered(
                    lambda m, company=company: (
                        given[m.id]
                        and m.partner_id.with_company(company).specific_property_product_pricelist
                        == given[m.id]
                    )
                )
                giving.partner_id.with_company(company).sudo().write(
                    {"specific_property_product_pricelist": False}
                )
        members.filtered(lambda m: changes[m.id][1] == "upgrade").write({"below_since": False})
        histories._add_timeline_rows()
        self._mail_tier_changes(histories)
        self._sync_profile_tiers(
            {(member.partner_id.id, member.company_id.id) for member in members}
        )
        return len(members)

    @api.model
    def _mail_tier_changes(self, histories):
        """Mail the members of ``histories`` their new tier, in one batch. A
        new member placed in the program's entry tier is not told: joining
        is not a change of tier, and the program's own communication plan
        welcomes new cards."""
        template = self.env.ref(
            "customer_loyalty.mail_template_tier_change", raise_if_not_found=False
        )
        if not template:
            return
        to_mail = histories.filtered(
            lambda h: h.member_id.partner_id.email and (h.from_tier_id or h.to_tier_id.level > 1)
        )
        if to_mail:
            template.send_mail_batch(to_mail.ids, email_layout_xmlid="mail.mail_notification_light")

    @api.model
    def _sync_profile_tiers(self, keys):
        """Store on the customer facts of ``keys`` whether their commercial
        partner is a member in the company and the highest tier they hold
        (facts lifecycle rules and reports can use); only rows that change
        are written."""
        if not keys:
            return
        profiles = self.env["customer.profile"]
        self.env.flush_all()
        partner_ids = tuple({partner for partner, _company in keys})
        company_ids = tuple({company for _partner, company in keys})
        fact_fields = ["loyalty_tier_id", "loyalty_tier_level", "loyalty_member"]
        profiles.invalidate_model(fact_fields)
        # set-based: the best tier and the membership of every key at once,
        # joined by hash to the profiles (a lateral lookup per profile does
        # not scale to a review of every member)
        self.env.execute_query(
            profiles._sql_over_tables(
                {"cp": "customer.profile", "m": self._name, "t": "customer.loyalty.tier"},
                """
                WITH members AS (
                    SELECT %(m.partner_id)s AS partner_id, %(m.company_id)s AS company_id,
                           %(t.id)s AS tier_id, %(t.level)s AS level
                      FROM %(m)s m LEFT JOIN %(t)s t ON %(t.id)s = %(m.tier_id)s
                     WHERE %(m.active)s AND %(m.partner_id)s = ANY(%(partners)s)
                       AND %(m.company_id)s = ANY(%(companies)s)
                ), best AS (
                    SELECT DISTINCT ON (partner_id, company_id)
                           partner_id, company_id, tier_id, level
                      FROM members
                     ORDER BY partner_id, company_id, tier_id IS NULL, level DESC, tier_id
                ), facts AS (
                    SELECT %(cp.id)s AS id, best.tier_id,
                           coalesce(best.level, 0) AS level,
                           best.partner_id IS NOT NULL AS found
                      FROM %(cp)s cp
                      LEFT JOIN best ON best.partner_id = %(cp.partner_id)s
                                    AND best.company_id = %(cp.company_id)s
                     WHERE %(cp.partner_id)s = ANY(%(partners)s)
                       AND %(cp.company_id)s = ANY(%(companies)s)
                )
                UPDATE %(cp)s cp
                   SET %(cp:loyalty_tier_id)s = facts.tier_id,
                       %(cp:loyalty_tier_level)s = facts.level,
                       %(cp:loyalty_member)s = facts.found
                  FROM facts
                 WHERE %(cp.id)s = facts.id
                   AND (%(cp.loyalty_tier_id)s IS DISTINCT FROM facts.tier_id
                        OR %(cp.loyalty_member)s IS DISTINCT FROM facts.found)
                """,
                partners=list(partner_ids),
                companies=list(company_ids),
            )
        )
        profiles.invalidate_model(fact_fields)

    @api.model
    def _on_customers_refreshed(self, keys):
        """After a refresh of the customer facts: enrol the customers of
        programs that enrol at the first order, record the points of their
        orders, raise the tiers they qualify for."""
        if len(keys) > FACTS_LIMIT:
            # a full recompute: left to the daily review, woken now
            self.env.ref("customer_loyalty.ir_cron_customer_loyalty_review")._trigger()
            return
        keys = {(partner, company) for partner, company in keys if partner and company}
        if not keys:
            return
        companies = self.env["res.company"].browse({company for _partner, company in keys})
        partner_ids = list({partner for partner, _company in keys})
        programs = self.env["loyalty.program"].search(
            [
                ("customer_membership", "=", True),
                ("customer_auto_enrol", "=", True),
                ("company_id", "in", [False, *companies.ids]),
            ]
        )
        if programs:
            profiles = self.env["customer.profile"]
            buyers = self.env.execute_query(
                profiles._sql_customers_with_orders(
                    company_ids=companies.ids, partner_ids=partner_ids
                )
            )
            for program in programs:
                # a program of every company enrols its members in the
                # company of their order
                by_company = {}
                for partner, company in buyers:
                    if (partner, company) in keys and program.company_id.id in (False, company):
                        by_company.setdefault(company, set()).add(partner)
                # enrolled by the program's rule: the timeline row says so,
                # no chatter message per new member; their points and tiers
                # are synced below with the other members
                enrol = self.with_context(
                    mail_create_nolog=True,
                    mail_create_nosubscribe=True,
                    customer_loyalty_sync_later=True,
                )
                for company, partners in sorted(by_company.items()):
                    enrol.with_company(company)._enrol(
                        program, self.env["res.partner"].browse(sorted(partners))
                    )
        members = self.search(
            [("partner_id", "in", partner_ids), ("company_id", "in", companies.ids)]
        ).filtered(lambda m: (m.partner_id.id, m.company_id.id) in keys)
        if members:
            members._sync_members(keys)

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_review_tiers(self):
        programs = self.env["loyalty.program"].search([("customer_membership", "=", True)])
        for program in programs:
            program._customer_enrol_by_condition()
            self._review_tiers(program)
            if not getattr(threading.current_thread(), "testing", False):
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_expire_points(self):
        programs = self.env["loyalty.program"].search([("customer_membership", "=", True)])
        batches = self.env["customer.loyalty.batch"]
        batches._expire(programs)
        batches._send_reminders(programs)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_print_card(self):
        self.check_access("read")
        return self.env.ref("customer_loyalty.action_report_member_card").report_action(self)

    def action_send_card(self):
        self.ensure_one()
        self.check_access("read")
        template = self.env.ref("customer_loyalty.mail_template_member_card")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
            },
        }

    def action_review_tier(self):
        """Review these members' tiers now, as the tier review would."""
        self.env["customer.profile"]._check_customer_manager(
            self.env._("Only customer relationship managers can review tiers.")
        )
        self.check_access("read")
        changed = self.sudo()._review_tiers(self.program_id)
        return self.env["customer.profile"]._success_notification(
            self.env._("Tier review"),
            self.env._("%(count)s members changed tier.", count=changed),
        )

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Member card %(number)s", number=self.number or "")
