from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CustomerComplaintCompensation(models.Model):
    """A coupon as a compensation: on approval, a coupon of the chosen
    coupon program is generated for the customer, worth the amount."""

    _inherit = "customer.complaint.compensation"

    compensation_type = fields.Selection(
        selection_add=[("coupon", "Coupon")], ondelete={"coupon": "set default"}
    )
    coupon_program_id = fields.Many2one(
        "loyalty.program",
        string="Coupon Program",
        tracking=True,
        domain="[('program_type', '=', 'coupons'), ('company_id', '=', company_id)]",
        help="The coupon program of the complaint's company whose coupon the customer "
        "receives. Its reward must be a discount per point: the coupon holds the amount in "
        "points at that value.",
    )
    coupon_points = fields.Float(
        compute="_compute_coupon_points",
        help="Points of the coupon: the amount divided by the program's discount per point.",
    )
    coupon_id = fields.Many2one(
        "loyalty.card", string="Coupon", readonly=True, copy=False, index="btree_not_null"
    )

    @api.model
    def _protected_fields(self):
        return super()._protected_fields() | {"coupon_id"}

    def _coupon_reward(self):
        """The reward of the coupon program that turns points into money:
        a discount per point."""
        self.ensure_one()
        return self.coupon_program_id.reward_ids.filtered(
            lambda reward: (
                reward.reward_type == "discount"
                and reward.discount_mode == "per_point"
                and reward.discount > 0
            )
        )[:1]

    @api.depends("amount", "coupon_program_id", "compensation_type")
    def _compute_coupon_points(self):
        for compensation in self:
            reward = compensation.sudo()._coupon_reward()
            compensation.coupon_points = (
                compensation.amount / reward.discount
                if compensation.compensation_type == "coupon" and reward
                else 0.0
            )

    @api.constrains("compensation_type", "coupon_program_id", "ticket_id")
    def _check_coupon_program(self):
        for compensation in self.sudo():
            if compensation.compensation_type != "coupon":
                continue
            program = compensation.coupon_program_id
            if not program:
                raise ValidationError(self.env._("A coupon compensation needs a coupon program."))
            if program.program_type != "coupons":
                raise ValidationError(
                    self.env._(
                        "%(program)s is not a coupon program: choose a program of type Coupons.",
                        program=program.name,
                    )
                )
            if program.company_id != compensation.company_id:
                raise ValidationError(
                    self.env._(
                        "Coupon program %(program)s belongs to %(program_company)s, not to "
                        "%(company)s, the company of complaint %(ticket)s.",
                        program=program.name,
                        program_company=program.company_id.name or self.env._("every company"),
                        company=compensation.company_id.name,
                        ticket=compensation.ticket_id.display_name,
                    )
                )
            if not compensation._coupon_reward():
                raise ValidationError(
                    self.env._(
                        "Coupon program %(program)s has no discount per point: give it one so "
                        "that the amount of the compensation can be turned into points.",
                        program=program.name,
                    )
                )

    def _grant_values(self):
        if self.compensation_type != "coupon":
            return super()._grant_values()
        # granted once: a coupon already made for this compensation is kept
        coupon = self.coupon_id or self._create_coupon()
        return {"coupon_id": coupon.id, "cost": self.amount}

    def _create_coupon(self):
        """A coupon of the program for the customer, holding the amount in
        points, with its issue in the coupon's history; the program's
        communication at creation sends it to the customer."""
        self.ensure_one()
        self._check_coupon_program()
        points = self.coupon_points
        coupon = (
            self.env["loyalty.card"]
            .with_company(self.company_id)
            .create(
                {
                    "program_id": self.coupon_program_id.id,
                    "partner_id": self.partner_id.id,
                    "points": points,
                }
            )
        )
        self.env["loyalty.history"].create(
            {
                "card_id": coupon.id,
                "description": self.env._(
                    "Compensation of %(ticket)s", ticket=self.ticket_id.display_name
                ),
                "issued": points,
            }
        )
        return coupon

    @api.model
    def _coupon_compensation_demo(self):
        """A coupon granted for a demo complaint of the demo company."""
        program = self.env.ref(
            "customer_complaint_loyalty.loyalty_program_complaint_coupons", raise_if_not_found=False
        )
        if not program:
            return
        complaint = self.env["helpdesk.ticket"].search(
            [("is_complaint", "=", True), ("company_id", "=", program.company_id.id)],
            order="id",
            limit=1,
        )
        if not complaint:
            return
        compensation = self.create(
            {
                "ticket_id": complaint.id,
                "compensation_type": "coupon",
                "amount": 30.0,
                "coupon_program_id": program.id,
                "note": self.env._("A coupon for the next order, with our apologies."),
            }
        )
        compensation.action_submit()
