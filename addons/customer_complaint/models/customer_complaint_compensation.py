from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

COMPENSATION_TYPES = [
    ("refund", "Refund (credit note)"),
    ("replacement", "Replacement (free order)"),
    ("goodwill", "Goodwill amount"),
]
STATES = [
    ("draft", "Proposed"),
    ("to_approve", "To Approve"),
    ("done", "Granted"),
    ("refused", "Refused"),
]
# written by the approval (as superuser), never by users
PROTECTED_FIELDS = {"state", "cost", "refuse_reason", "approver_id", "date", "move_id", "order_id"}
MANAGER_GROUP = "helpdesk_mgmt.group_helpdesk_manager"
USER_GROUP = "helpdesk_mgmt.group_helpdesk_user_own"


class CustomerComplaintCompensation(models.Model):
    """What a customer is offered for a complaint. Proposed by the agent;
    above the company's approval threshold a helpdesk manager approves or
    refuses it. Once granted it exists in the ERP (a draft credit note, a
    free replacement order) and its cost enters the customer value ledger."""

    _name = "customer.complaint.compensation"
    _description = "Complaint Compensation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Complaint",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("is_complaint", "=", True)],
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="ticket_id.commercial_partner_id", string="Customer", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    compensation_type = fields.Selection(
        COMPENSATION_TYPES, string="Type", required=True, default="goodwill", tracking=True
    )
    amount = fields.Monetary(
        required=True,
        default=0.0,
        tracking=True,
        help="Amount offered; for a replacement, the value of the replaced goods at their "
        "sales price.",
    )
    cost = fields.Monetary(
        readonly=True,
        copy=False,
        help="What the compensation costs the company, in the customer value ledger: the "
        "amount, or the cost of the replaced goods.",
    )
    note = fields.Text(string="Reason")
    state = fields.Selection(STATES, default="draft", required=True, tracking=True, readonly=True)
    needs_approval = fields.Boolean(compute="_compute_needs_approval")
    refuse_reason = fields.Text(readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True, copy=False)
    date = fields.Date(string="Granted On", readonly=True, copy=False, index=True)
    move_id = fields.Many2one("account.move", string="Credit Note", readonly=True, copy=False)
    order_id = fields.Many2one("sale.order", string="Replacement Order", readonly=True, copy=False)

    _sql_constraints = [
        ("amount_positive", "CHECK (amount >= 0)", "A compensation cannot be negative."),
    ]

    @api.constrains("amount", "compensation_type")
    def _check_amount(self):
        for compensation in self:
            if compensation.amount < 0:
                raise ValidationError(self.env._("A compensation cannot be negative."))
            if compensation.compensation_type != "replacement" and not compensation.amount:
                raise ValidationError(
                    self.env._(
                        "A compensation of type %(type)s needs an amount.",
                        type=compensation._compensation_type_label(),
                    )
                )

    def _compensation_type_label(self):
        """The compensation's type as the user reads it."""
        self.ensure_one()
        selection = self._fields["compensation_type"]._description_selection(self.env)
        return dict(selection).get(self.compensation_type, self.compensation_type)

    @api.model
    def _protected_fields(self):
        """The fields written by the approval (as superuser), never by users;
        a module recording more of the decision adds its fields."""
        return set(PROTECTED_FIELDS)

    @api.depends("amount", "company_id")
    def _compute_needs_approval(self):
        for compensation in self:
            compensation.needs_approval = (
                compensation.amount > compensation.company_id.complaint_approval_threshold
            )

    @api.onchange("compensation_type", "ticket_id")
    def _onchange_compensation_type(self):
        if self.compensation_type == "replacement" and not self.amount:
            self.amount = sum(self._replacement_lines_amount())

    def _replacement_products(self):
        """(product, quantity) of the goods replaced: the complaint's
        products, in the quantities of the order concerned."""
        self.ensure_one()
        ticket = self.ticket_id
        lines = ticket.complaint_order_id.order_line.filtered(
            lambda line: (
                line.product_id
                and (
                    not ticket.complaint_product_ids
                    or line.product_id in ticket.complaint_product_ids
                )
            )
        )
        return [(line.product_id, line.product_uom_qty) for line in lines]

    def _replacement_lines_amount(self):
        return [product.lst_price * quantity for product, quantity in self._replacement_products()]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (vals.get("amount") or 0) < 0:
                raise ValidationError(self.env._("A compensation cannot be negative."))
        return super().create(vals_list)

    def write(self, vals):
        if (vals.get("amount") or 0) < 0:
            raise ValidationError(self.env._("A compensation cannot be negative."))
        if not self.env.su:
            protected = self._protected_fields().intersection(vals)
            if protected:
                raise AccessError(
                    self.env._(
                        "The decision on a compensation is recorded by its approval: "
                        "%(fields)s cannot be written.",
                        fields=", ".join(sorted(protected)),
                    )
                )
            if any(compensation.state != "draft" for compensation in self):
                raise UserError(self.env._("Only a proposed compensation can be changed."))
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_agent(self):
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only helpdesk users handle compensations."))
        self.check_access("write")
        self.ticket_id.check_access("write")

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only helpdesk managers approve or refuse compensations."))
        self.check_access("write")

    def action_submit(self):
        """Propose the compensation: granted at once up to the company's
        approval threshold, otherwise sent to the managers for approval."""
        self._check_agent()
        for compensation in self:
            if compensation.state != "draft":
                raise UserError(self.env._("Only a proposed compensation can be submitted."))
        to_approve = self.filtered("needs_approval")
        if to_approve:
            to_approve.sudo().write({"state": "to_approve"})
            to_approve.sudo()._ask_approval()
        (self - to_approve).sudo()._grant()
        return True

    def action_approve(self):
        self._check_manager()
        if any(compensation.state != "to_approve" for compensation in self):
            raise UserError(self.env._("Only a compensation waiting for approval is approved."))
        self.sudo()._grant()
        return True

    def action_refuse(self, reason=None):
        self._check_manager()
        reason = (reason or self.env.context.get("refuse_reason") or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason of the refusal."))
        if any(compensation.state != "to_approve" for compensation in self):
            raise UserError(self.env._("Only a compensation waiting for approval is refused."))
        self.sudo().write(
            {"state": "refused", "refuse_reason": reason, "approver_id": self.env.uid}
        )
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        for compensation in self.sudo():
            compensation.ticket_id.message_post(
                body=self.env._(
                    "Compensation of %(amount)s refused: %(reason)s",
                    amount=compensation.amount,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _ask_approval(self):
        managers = self.env["helpdesk.ticket"]._complaint_managers()
        for compensation in self:
            users = managers.filtered(lambda user, c=compensation: c.company_id in user.company_ids)
            for user in users[:1] or self.env.user:
                compensation.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=self.env._("Approve a compensation"),
                )

    def _grant(self):
        """Create the compensation in the ERP and record its cost (as
        superuser, once the caller's rights were checked)."""
        today = fields.Date.context_today(self)
        for compensation in self:
            values = {
                "state": "done",
                "date": today,
                "approver_id": self.env.uid if compensation.needs_approval else False,
                **compensation._grant_values(),
            }
            compensation.write(values)
            compensation.activity_unlink(["mail.mail_activity_data_todo"])
            compensation.ticket_id.message_post(
                body=self.env._(
                    "Compensation granted: %(type)s, %(amount)s.",
                    type=compensation._compensation_type_label(),
                    amount=compensation.amount,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.env["customer.event"]._add_events(
            [
                {
                    "partner_id": compensation.partner_id.id,
                    "company_id": compensation.company_id.id,
                    "event_type": "complaint_compensation",
                    "res_model": compensation._name,
                    "res_id": compensation.id,
                    "date": fields.Datetime.now(),
                    "name": compensation.ticket_id.display_name,
                    "amount": compensation.amount,
                }
                for compensation in self
                if compensation.partner_id
            ]
        )

    def _grant_values(self):
        """What granting one compensation writes on it besides its state:
        the document created in the ERP and the cost for the value ledger.
        A module adding a type of compensation handles it here and calls
        ``super()`` for the others."""
        self.ensure_one()
        if self.compensation_type == "refund":
            return {"move_id": self._create_credit_note().id, "cost": self.amount}
        if self.compensation_type == "replacement":
            order = self._create_replacement_order()
            return {
                "order_id": order.id,
                "cost": sum(
                    product.with_company(self.company_id).standard_price * quantity
                    for product, quantity in self._replacement_products()
                ),
            }
        return {"cost": self.amount}

    def _create_credit_note(self):
        """A draft credit note of the amount on the order's invoice."""
        self.ensure_one()
        order = self.ticket_id.complaint_order_id
        invoices = order.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        if not invoices:
            raise UserError(
                self.env._(
                    "A refund needs a posted invoice of the order concerned (%(order)s).",
                    order=order.name or self.env._("none"),
                )
            )
        invoice = invoices.sorted("id")[-1]
        return self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "company_id": invoice.company_id.id,
                "journal_id": invoice.journal_id.id,
                "currency_id": self.currency_id.id,
                "reversed_entry_id": invoice.id,
                "invoice_origin": invoice.name,
                "ref": self.env._("Compensation of %(ticket)s", ticket=self.ticket_id.display_name),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": self.env._(
                                "Compensation: %(ticket)s", ticket=self.ticket_id.display_name
                            ),
                            "quantity": 1,
                            "price_unit": self.amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def _create_replacement_order(self):
        """A zero-priced quotation of the replaced goods, for the customer."""
        self.ensure_one()
        products = self._replacement_products()
        if not products:
            raise UserError(self.env._("A replacement needs the order concerned and its products."))
        order = self.ticket_id.complaint_order_id
        return self.env["sale.order"].create(
            {
                "partner_id": order.partner_id.id,
                "company_id": order.company_id.id,
                "origin": self.ticket_id.display_name,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "price_unit": 0.0,
                            "discount": 0.0,
                        }
                    )
                    for product, quantity in products
                ],
            }
        )
