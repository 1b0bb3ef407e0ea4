from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import tiers


class LoyaltyProgram(models.Model):
    _name = "loyalty.program"
    _inherit = ["loyalty.program", "customer.condition.mixin"]
    # enrolment by condition: a domain on the customers of the program's company
    _condition_field = "customer_enrol_domain"
    _condition_model_name = "res.partner"

    customer_membership = fields.Boolean(
        string="Membership",
        help="Members with a member number, tiers and points that expire.",
    )
    customer_auto_enrol = fields.Boolean(
        string="Enrol at First Order",
        help="A customer becomes a member when their first sales order is confirmed.",
    )
    customer_condition_enrol = fields.Boolean(
        string="Enrol Customers Matching a Condition",
        help="The daily tier review (or the Enrol Matching Customers button) enrols the "
        "customers of the program's company that match the condition.",
    )
    customer_enrol_domain = fields.Char(
        string="Customers to Enrol",
        default="[]",
        help="The condition on customers: those of the program's company who match it "
        "are enrolled (their commercial partner).",
    )
    customer_tier_ids = fields.One2many(
        "customer.loyalty.tier", "program_id", string="Tiers", copy=True
    )
    customer_member_ids = fields.One2many("customer.loyalty.member", "program_id", string="Members")
    customer_member_count = fields.Integer(
        string="Member Count", compute="_compute_customer_member_count"
    )
    customer_tier_basis = fields.Selection(
        [("points", "Points earned"), ("spend", "Spend")],
        string="Tier Qualification",
        default="points",
        required=True,
        help="What a member must reach within the qualifying period to hold a tier: "
        "the points earned or the untaxed amount of the confirmed orders.",
    )
    customer_tier_period_months = fields.Integer(
        string="Qualifying Period (months)",
        default=12,
        required=True,
        help="The rolling period over which the points or the spend are counted.",
    )
    customer_tier_reviewed_at = fields.Datetime(
        string="Last Tier Review",
        readonly=True,
        copy=False,
        help="When the last tier review of the program started. The next review "
        "records the points of orders placed since the day before it whose "
        "refresh did not record them.",
    )
    customer_tier_grace_months = fields.Integer(
        string="Grace Period (months)",
        default=1,
        required=True,
        help="A member who no longer qualifies keeps the tier this long before the "
        "tier review lowers it.",
    )
    customer_tier_one_step = fields.Boolean(
        string="One Tier per Review",
        default=True,
        help="A tier review lowers a member by one tier at most.",
    )
    customer_points_validity_months = fields.Integer(
        string="Points Validity (months)",
        default=12,
        required=True,
        help="Points expire this long after they were earned (0: they never expire).",
    )
    customer_expiry_reminder_days = fields.Integer(
        string="Expiry Reminder (days)",
        default=30,
        required=True,
        help="Members are reminded by mail this many days before points expire (0: no reminder).",
    )
    customer_point_value = fields.Float(
        string="Value per Point",
        digits="Product Price",
        help="What one point costs the company, in its currency: the points "
        "liability and the reward cost are counted with it.",
    )
    customer_points_outstanding = fields.Float(
        string="Outstanding Points",
        compute="_compute_customer_points_liability",
        help="Points on the members' cards, not yet spent or expired.",
    )
    customer_points_liability = fields.Float(
        string="Points Liability",
        compute="_compute_customer_points_liability",
        help="Outstanding points at the value per point, in the company's currency.",
    )
    customer_member_sequence_id = fields.Many2one(
        "ir.sequence", string="Member Numbers", copy=False, readonly=True
    )

    _sql_constraints = [
        (
            "customer_tier_period_positive",
            "CHECK (customer_tier_period_months IS NULL OR customer_tier_period_months > 0)",
            "The qualifying period must be at least one month.",
        ),
        (
            "customer_tier_grace_positive",
            "CHECK (customer_tier_grace_months IS NULL OR customer_tier_grace_months >= 0)",
            "The grace period cannot be negative.",
        ),
        (
            "customer_points_validity_positive",
            "CHECK (customer_points_validity_months IS NULL"
            " OR customer_points_validity_months >= 0)",
            "The points validity cannot be negative.",
        ),
        (
            "customer_expiry_reminder_positive",
            "CHECK (customer_expiry_reminder_days IS NULL OR customer_expiry_reminder_days >= 0)",
            "The expiry reminder cannot be negative.",
        ),
        (
            "customer_point_value_positive",
            "CHECK (customer_point_value IS NULL OR customer_point_value >= 0)",
            "The value per point cannot be negative.",
        ),
    ]

    def _compute_customer_member_count(self):
        counts = dict(
            self.env["customer.loyalty.member"]._read_group(
                [("program_id", "in", self.ids)], ["program_id"], ["__count"]
            )
        )
        for program in self:
            program.customer_member_count = counts.get(program, 0)

    def _compute_customer_points_liability(self):
        """Points owed on the program's cards (all its cards: points a card
        got before its holder joined are owed too)."""
        cards = (
            self.env["loyalty.card"]
            .sudo()
            ._read_group(
                [("program_id", "in", self.ids), ("points", ">", 0)],
                ["program_id"],
                ["points:sum"],
            )
        )
        outstanding = {program.id: points for program, points in cards}
        for program in self:
            points = outstanding.get(program.id, 0.0)
            program.customer_points_outstanding = points
            program.customer_points_liability = points * program.customer_point_value

    @api.constrains(
        "customer_membership",
        "program_type",
        "customer_tier_period_months",
        "customer_tier_grace_months",
        "customer_points_validity_months",
        "customer_expiry_reminder_days",
        "customer_point_value",
        "customer_condition_enrol",
        "customer_enrol_domain",
        "company_id",
    )
    def _check_customer_membership(self):
        for program in self:
            if program.customer_condition_enrol and not (
                program.customer_membership and program.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(program)s: customers are enrolled by condition in a membership "
                        "program of one company; set the program's company.",
                        program=program.name,
                    )
                )
            if program.customer_condition_enrol and program._customer_enrol_condition_empty():
                raise ValidationError(
                    self.env._(
                        "%(program)s: set the condition of the customers to enrol.",
                        program=program.name,
                    )
                )
            if program.customer_membership and program.program_type != "loyalty":
                raise ValidationError(
                    self.env._(
                        "%(program)s: only a loyalty card program can run a membership.",
                        program=program.name,
                    )
                )
            if program.customer_tier_period_months < 1:
                raise ValidationError(
                    self.env._(
                        "%(program)s: the qualifying period must be at least one month.",
                        program=program.name,
                    )
                )
            if program.customer_tier_grace_months < 0:
                raise ValidationError(
                    self.env._(
                        "%(program)s: the grace period cannot be negative.", program=program.name
                    )
                )
            if program.customer_tier_grace_months > program.customer_tier_period_months:
                raise ValidationError(
                    self.env._(
                        "%(program)s: the grace period (%(grace)s months) cannot be longer "
                        "than the qualifying period (%(period)s months).",
                        program=program.name,
                        grace=program.customer_tier_grace_months,
                        period=program.customer_tier_period_months,
                    )
                )
            if (
                program.customer_points_validity_months < 0
                or program.customer_expiry_reminder_days < 0
                or program.customer_point_value < 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(program)s: the points validity, the expiry reminder and the "
                        "value per point cannot be negative.",
                        program=program.name,
                    )
                )

    def _check_customer_tier_thresholds(self):
        """Each tier must ask more than the one before it."""
        for program in self:
            program_tiers = program.customer_tier_ids.sorted(
                lambda t: (t.sequence, t.threshold, t.id)
            )
            description = ", ".join(f"{tier.name} {tier.threshold:g}" for tier in program_tiers)
            if not tiers.check_thresholds(program_tiers.mapped("threshold")):
                raise ValidationError(
                    self.env._(
                        "%(program)s: each tier's threshold must be higher than the "
                        "threshold of the tier before it (%(tiers)s).",
                        program=program.name,
                        tiers=description,
                    )
                )

    def _customer_member_sequence(self):
        """The sequence of the program's member numbers, made on first use."""
        self.ensure_one()
        if not self.customer_member_sequence_id:
            self.sudo().customer_member_sequence_id = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Members of %(program)s", program=self.name),
                        "prefix": f"M{self.id:03d}-",
                        "padding": 6,
                        "company_id": self.company_id.id,
                    }
                )
            )
        return self.sudo().customer_member_sequence_id

    def _customer_member_numbers(self, count):
        """The next ``count`` member numbers of the program, in one query."""
        self.ensure_one()
        sequence = self._customer_member_sequence()
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence.next_by_id() for _index in range(count)]
        rows = self.env.execute_query(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(number) for number in sorted(row[0] for row in rows)]

    def action_customer_review_tiers(self):
        """Run the tier review of these programs now."""
        self.env["customer.profile"]._check_customer_manager(
            self.env._("Only customer relationship managers can review tiers.")
        )
        changed = self.env["customer.loyalty.member"].sudo()._review_tiers(self)
        return self.env["customer.profile"]._success_notification(
            self.env._("Tier review"),
            self.env._("%(count)s members changed tier.", count=changed),
        )

    def _customer_enrol_condition_empty(self):
        """Whether the condition would enrol every customer (an invalid one
        is refused by the condition's own check)."""
        self.ensure_one()
        try:
            return not self._condition_parse()
        except ValueError:
            return False

    def _customer_enrol_by_condition(self):
        """Enrol, in bulk, the customers of each program's company that match
        its condition (their commercial partners), as the current user sees
        them; a program whose condition cannot be used any more enrols
        nobody (logged). Returns the new members."""
        Member = self.env["customer.loyalty.member"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        )
        members = Member.browse()
        for program in self.filtered(
            lambda p: p.customer_membership and p.customer_condition_enrol and p.company_id
        ):
            company = program.company_id
            customers = program._condition_search().commercial_partner_id.filtered(
                lambda p, company=company: not p.company_id or p.company_id == company
            )
            if customers:
                members |= Member.with_company(company)._enrol(program, customers)
        return members

    def action_customer_enrol_matching(self):
        """Enrol the customers matching the programs' conditions now."""
        self.env["customer.profile"]._check_customer_manager(
            self.env._("Only customer relationship managers can enrol customers by condition.")
        )
        self.check_access("read")
        for program in self:
            if not (program.customer_membership and program.customer_condition_enrol):
                raise UserError(
                    self.env._(
                        "%(program)s does not enrol customers by condition.", program=program.name
                    )
                )
            program._condition_domain()  # a condition that cannot be used any more
        members = self._customer_enrol_by_condition()
        return self.env["customer.profile"]._success_notification(
            self.env._("Enrolment"),
            self.env._("%(count)s customers enrolled.", count=len(members)),
        )

    def action_customer_open_members(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Members"),
            "res_model": "customer.loyalty.member",
            "view_mode": "list,kanban,form",
            "domain": [("program_id", "=", self.id)],
            "context": {"default_program_id": self.id},
        }
