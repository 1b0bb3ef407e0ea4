from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.customer_handover import CUSTOMER_SCOPES, SPLIT_MODES, set_handover_counts


class CustomerHandoverWizard(models.TransientModel):
    """Hand a salesperson's customers over to one or more successors.

    Two steps: *Preview* counts what would move, *Confirm* records a
    ``customer.handover`` and moves it, in one transaction, or in batches
    later for a large handover. What moves with a customer (the commercial
    partner whose salesperson is the leaver): its contacts of the company
    still assigned to the leaver, the leaver's open opportunities and open
    quotations of the customer in the wizard's company, and the leaver's
    activities on all of these (``customer.handover._collect``).
    """

    _name = "customer.handover.wizard"
    _description = "Customer Handover Wizard"

    state = fields.Selection(
        [("select", "Select"), ("preview", "Preview")], required=True, default="select"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Leaving Salesperson",
        required=True,
        domain=[("share", "=", False)],
        default=lambda self: self._default_user_id(),
    )
    successor_ids = fields.Many2many(
        "res.users",
        "customer_handover_wizard_successor_rel",
        "wizard_id",
        "user_id",
        string="Successors",
        domain=[("share", "=", False)],
    )
    split_mode = fields.Selection(
        SPLIT_MODES,
        required=True,
        default="even",
        help="Evenly: customers are dealt to the successors in turn. "
        "By chosen mapping: choose the successor of each customer.",
    )
    customer_scope = fields.Selection(
        CUSTOMER_SCOPES,
        string="Customer Selection",
        required=True,
        default="all",
        help="Which of the leaver's customers move.",
    )
    category_ids = fields.Many2many(
        "res.partner.category",
        "customer_handover_wizard_category_rel",
        "wizard_id",
        "category_id",
        string="Tags",
        help="Customers with any of these tags.",
    )
    rfm_segment_field_id = fields.Integer(compute="_compute_profile_field_ids")
    value_class_field_id = fields.Integer(compute="_compute_profile_field_ids")
    rfm_segment_ids = fields.Many2many(
        "ir.model.fields.selection",
        "customer_handover_wizard_rfm_segment_rel",
        "wizard_id",
        "selection_id",
        string="RFM Segments",
        help="Customers in any of these segments in this company.",
    )
    value_class_ids = fields.Many2many(
        "ir.model.fields.selection",
        "customer_handover_wizard_value_class_rel",
        "wizard_id",
        "selection_id",
        string="Value Classes",
        help="Customers of any of these value classes in this company. "
        "With segments too, a customer must match both.",
    )
    line_ids = fields.One2many(
        "customer.handover.wizard.line",
        "wizard_id",
        string="Customers",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    customer_count = fields.Integer(string="Customers to Move", compute="_compute_counts")
    opportunity_count = fields.Integer(string="Open Opportunities", compute="_compute_counts")
    quotation_count = fields.Integer(string="Open Quotations", compute="_compute_counts")
    activity_count = fields.Integer(string="Open Activities", compute="_compute_counts")

    @api.model
    def _default_user_id(self):
        if self.env.context.get("active_model") == "res.users":
            return self.env.context.get("active_id")
        return False

    def _compute_profile_field_ids(self):
        fields_model = self.env["ir.model.fields"].sudo()
        segment = fields_model._get("customer.profile", "rfm_segment")
        value_class = fields_model._get("customer.profile", "value_class")
        for wizard in self:
            wizard.rfm_segment_field_id = segment.id
            wizard.value_class_field_id = value_class.id

    @api.depends(
        "company_id",
        "user_id",
        "successor_ids",
        "customer_scope",
        "category_ids",
        "rfm_segment_ids",
        "value_class_ids",
    )
    def _compute_line_ids(self):
        for wizard in self:
            customers = wizard._get_customers()
            counts = wizard._count_per_customer(wizard._collect(customers))
            plan = wizard._even_plan(customers)
            wizard.line_ids = [Command.clear()] + [
                Command.create(vals) for vals in wizard._line_values(customers, plan, counts)
            ]

    @api.depends(
        "line_ids.opportunity_count", "line_ids.quotation_count", "line_ids.activity_count"
    )
    def _compute_counts(self):
        set_handover_counts(self)

    # ------------------------------------------------------------------
    # What moves
    # ------------------------------------------------------------------

    def _get_customers(self):
        """The leaver's customers matching the selection, in name order."""
        self.ensure_one()
        partners = self.env["res.partner"]
        leaver = self.user_id._origin
        if not leaver:
            return partners
        domain = [
            ("user_id", "=", leaver.id),
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("company_id", "in", [False, self.company_id.id]),
        ]
        if self.customer_scope == "tags":
            if not self.category_ids:
                return partners
            domain.append(("category_id", "in", self.category_ids._origin.ids))
        customers = partners.search(domain)
        if self.customer_scope == "profile":
            segments = self.rfm_segment_ids._origin.mapped("value")
            classes = self.value_class_ids._origin.mapped("value")
            if not (segments or classes):
                return partners
            profile_domain = [
                ("company_id", "=", self.company_id.id),
                ("partner_id", "in", customers.ids),
            ]
            if segments:
                profile_domain.append(("rfm_segment", "in", segments))
            if classes:
                profile_domain.append(("value_class", "in", classes))
            profiled = self.env["customer.profile"].search(profile_domain).partner_id
            customers = customers.filtered(lambda customer: customer in profiled)
        return customers

    def _check_handover_access(self):
        """The user may hand customers over in the wizard's company: a
        customer relationship manager who is also a sales administrator
        (the records moved belong to other salespeople), working in that
        company. Checked on the server before anything is read as
        superuser; ``AccessError`` otherwise."""
        self.ensure_one()
        if self.env.su:
            return
        user = self.env.user
        if not (
            user.has_group("customer_relationship.group_customer_manager")
            and user.has_group("sales_team.group_sale_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only customer relationship managers who are also sales "
                    "administrators can hand customers over."
                )
            )
        if self.company_id._origin not in user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot hand customers over in %(company)s: it is not one of "
                    "your companies.",
                    company=self.company_id.sudo().display_name,
                )
            )

    def _collect(self, customers):
        """What moves with ``customers``: see ``customer.handover._collect``.
        Checks the user's rights first."""
        self._check_handover_access()
        return self.env["customer.handover"]._collect(
            self.user_id._origin, self.company_id._origin, customers
        )

    def _count_per_customer(self, moves):
        return self.env["customer.handover"]._count_per_customer(moves)

    def _even_plan(self, customers):
        """Deal ``customers`` to the successors in turn: {customer: successor}."""
        successors = self.successor_ids._origin
        if not successors:
            return defaultdict(lambda: self.env["res.users"])
        return {
            customer: successors[index % len(successors)]
            for index, customer in enumerate(customers)
        }

    @api.model
    def _line_values(self, customers, plan, counts):
        """One line per customer, in the order of ``customers``: the customer,
        its successor in ``plan`` ({customer: successor}) and what moves with
        it (``counts``, from ``_count_per_customer``)."""
        return [
            {
                "partner_id": customer.id,
                "to_user_id": plan[customer].id,
                **counts[customer.id],
            }
            for customer in customers
        ]

    def _get_plan(self):
        """Check the input; return the move as {customer: successor}.

        Raises ``UserError`` before anything is written (``AccessError``
        when the user may not hand customers over here).
        """
        self.ensure_one()
        self._check_handover_access()
        leaver = self.user_id
        successors = self.successor_ids
        # every successor stored, archived ones and those of other companies
        # included (reading as the user would leave them out silently)
        chosen = self.sudo().with_context(active_test=False).successor_ids
        if not chosen:
            raise UserError(self.env._("Choose at least one successor."))
        self._check_successors(chosen)
        if leaver in chosen:
            raise UserError(
                self.env._(
                    "%(user)s is leaving and cannot be one of the successors.",
                    user=leaver.display_name,
                )
            )
        if self.customer_scope == "tags" and not self.category_ids:
            raise UserError(self.env._("Choose the tags of the customers to hand over."))
        if self.customer_scope == "profile" and not (self.rfm_segment_ids or self.value_class_ids):
            raise UserError(
                self.env._(
                    "Choose the RFM segments or value classes of the customers to hand over."
                )
            )
        customers = self._get_customers()
        if self.split_mode == "even":
            plan = self._even_plan(customers)
        else:
            plan = {}
            for line in self.line_ids:
                if line.partner_id not in customers:
                    raise UserError(
                        self.env._(
                            "%(customer)s is not a customer of %(user)s matching the selection.",
                            customer=line.partner_id.display_name,
                            user=leaver.display_name,
                        )
                    )
                if line.to_user_id not in successors:
                    raise UserError(
                        self.env._(
                            "The successor of %(customer)s must be one of the successors chosen.",
                            customer=line.partner_id.display_name,
                        )
                    )
                plan[line.partner_id] = line.to_user_id
        if not plan:
            raise UserError(
                self.env._(
                    "%(user)s has no customers matching the selection: nothing to hand over.",
                    user=leaver.display_name,
                )
            )
        return plan

    def _check_successors(self, successors):
        """Every successor is an active internal user of the wizard's
        company; ``UserError`` naming the first one that is not."""
        company = self.company_id._origin
        for successor in successors.sudo().with_context(active_test=False):
            if successor.share or not successor.active:
                raise UserError(
                    self.env._(
                        "%(user)s cannot take customers over: only active internal users can.",
                        user=successor.display_name,
                    )
                )
            if company not in successor.company_ids:
                raise UserError(
                    self.env._(
                        "%(user)s cannot take customers over in %(company)s: it is not one "
                        "of their companies.",
                        user=successor.display_name,
                        company=company.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Handover"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_preview(self):
        """Check the input and show what would move; nothing changes yet."""
        self.ensure_one()
        plan = self._get_plan()
        customers = self.env["res.partner"].union(*plan)
        counts = self._count_per_customer(self._collect(customers))
        if self.split_mode == "even":
            self.line_ids = [Command.clear()] + [
                Command.create(vals) for vals in self._line_values(customers, plan, counts)
            ]
        else:
            for line in self.line_ids:
                line.write(counts[line.partner_id.id])
        self.state = "preview"
        return self._reopen()

    def action_back(self):
        self.ensure_one()
        self.state = "select"
        return self._reopen()

    def action_confirm(self):
        """Move the customers and what goes with them; record the handover."""
        self.ensure_one()
        handover = self._do_handover()
        return {
            "type": "ir.actions.act_window",
            "res_model": handover._name,
            "res_id": handover.id,
            "view_mode": "form",
            "target": "current",
        }

    def _do_handover(self):
        """Check the rights and the input, record the handover, then apply
        it: at once, or, above the deferral threshold
        (``customer.handover._defer_threshold``), queued for batches run
        outside this request. Returns the handover."""
        plan = self._get_plan()
        customers = self.env["res.partner"].union(*plan)
        moves = self._collect(customers)
        handovers = self.env["customer.handover"]
        handover = self._create_handover(plan, self._count_per_customer(moves))
        if len(plan) > handovers._defer_threshold():
            handover._defer_apply()
        else:
            handover._apply_lines(handover.line_ids, moves)
            handover.state = "done"
        return handover.with_env(self.env)

    def _create_handover(self, plan, counts):
        """The ``customer.handover`` record of this wizard's move (written as
        superuser: handovers are audit records users only read), one line,
        waiting, per customer of ``plan`` ({customer: successor})."""
        leaver = self.user_id
        customers = self.env["res.partner"].union(*plan)
        return (
            self.env["customer.handover"]
            .sudo()
            .create(
                {
                    "user_id": leaver.id,
                    "successor_ids": [Command.set(self.successor_ids.ids)],
                    "split_mode": self.split_mode,
                    "customer_scope": self.customer_scope,
                    "category_ids": [Command.set(self.category_ids.ids)],
                    "rfm_segment_ids": [Command.set(self.rfm_segment_ids.ids)],
                    "value_class_ids": [Command.set(self.value_class_ids.ids)],
                    "company_id": self.company_id.id,
                    "done_by_id": self.env.user.id,
                    "line_ids": [
                        Command.create({**vals, "from_user_id": leaver.id, "state": "pending"})
                        for vals in self._line_values(customers, plan, counts)
                    ],
                }
            )
        )
