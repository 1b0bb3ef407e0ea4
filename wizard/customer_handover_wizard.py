from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.customer_handover import CUSTOMER_SCOPES, SPLIT_MODES, set_handover_counts

OPEN_QUOTATION_STATES = ("draft", "sent")


class CustomerHandoverWizard(models.TransientModel):
    """Hand a salesperson's customers over to one or more successors.

    Two steps: *Preview* counts what would move, *Confirm* moves it in one
    transaction and records a ``customer.handover``. What moves with a
    customer (the commercial partner whose salesperson is the leaver): its
    contacts still assigned to the leaver, the leaver's open opportunities
    and open quotations of the customer in the wizard's company, and the
    leaver's activities on all of these.
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

    def _collect(self, customers):
        """What moves with ``customers``: a dict of (sudo) recordsets.

        ``contacts``: the customers and their contacts assigned to the
        leaver; ``leads``: open opportunities, ``orders``: open quotations
        and ``activities``: the leaver's activities on the customers, their
        contacts, those opportunities and those quotations.
        """
        self.ensure_one()
        leaver = self.user_id._origin
        company = self.company_id._origin
        env = self.env(su=True)
        if not customers or not leaver:
            return {
                "contacts": env["res.partner"],
                "leads": env["crm.lead"],
                "orders": env["sale.order"],
                "activities": env["mail.activity"],
            }
        partners = env["res.partner"].search([("commercial_partner_id", "in", customers.ids)])
        leads = env["crm.lead"].search(
            [
                ("user_id", "=", leaver.id),
                ("partner_id", "in", partners.ids),
                ("company_id", "in", [False, company.id]),
                "|",
                ("stage_id", "=", False),
                ("stage_id.is_won", "=", False),
            ]
        )
        orders = env["sale.order"].search(
            [
                ("user_id", "=", leaver.id),
                ("partner_id", "in", partners.ids),
                ("state", "in", OPEN_QUOTATION_STATES),
                ("company_id", "=", company.id),
            ]
        )
        activities = env["mail.activity"].search(
            [
                ("user_id", "=", leaver.id),
                "|",
                "|",
                "&",
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                "&",
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                "&",
                ("res_model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
            ]
        )
        return {
            "contacts": partners.filtered(lambda partner: partner.user_id == leaver),
            "leads": leads,
            "orders": orders,
            "activities": activities,
        }

    @api.model
    def _customer_of(self, moves):
        """Map each moved record, by (model, id), to its customer's id."""
        owner = {}
        for key in ("contacts", "leads", "orders"):
            for record in moves[key]:
                partner = record if key == "contacts" else record.partner_id
                owner[(record._name, record.id)] = partner.commercial_partner_id.id
        partners = self.env["res.partner"].browse(
            moves["activities"]
            .filtered(lambda act: act.res_model == "res.partner")
            .mapped("res_id")
        )
        for partner in partners:
            owner[(partner._name, partner.id)] = partner.commercial_partner_id.id
        for activity in moves["activities"]:
            owner[(activity._name, activity.id)] = owner[(activity.res_model, activity.res_id)]
        return owner

    def _count_per_customer(self, moves):
        owner = self._customer_of(moves)
        counts = defaultdict(
            lambda: {"opportunity_count": 0, "quotation_count": 0, "activity_count": 0}
        )
        for key, count_field in (
            ("leads", "opportunity_count"),
            ("orders", "quotation_count"),
            ("activities", "activity_count"),
        ):
            for record in moves[key]:
                counts[owner[(record._name, record.id)]][count_field] += 1
        return counts

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

        Raises ``UserError`` before anything is written.
        """
        self.ensure_one()
        leaver = self.user_id
        successors = self.successor_ids
        if not successors:
            raise UserError(self.env._("Choose at least one successor."))
        if leaver in successors:
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
        """Record the handover, move the customers and what goes with them,
        then tell the customers' chatter and timeline. Returns the handover."""
        self.env["customer.handover"].check_access("create")
        plan = self._get_plan()
        moves = self._collect(self.env["res.partner"].union(*plan))
        handover = self._create_handover(plan, self._count_per_customer(moves))
        self._reassign(plan, moves)
        handover.state = "done"
        self._log_handover_on_customers(handover, plan)
        self._add_handover_events(handover, plan)
        return handover

    def _create_handover(self, plan, counts):
        """The ``customer.handover`` record of this wizard's move, one line
        per customer of ``plan`` ({customer: successor})."""
        leaver = self.user_id
        customers = self.env["res.partner"].union(*plan)
        return self.env["customer.handover"].create(
            {
                "user_id": leaver.id,
                "successor_ids": [Command.set(self.successor_ids.ids)],
                "split_mode": self.split_mode,
                "customer_scope": self.customer_scope,
                "category_ids": [Command.set(self.category_ids.ids)],
                "rfm_segment_ids": [Command.set(self.rfm_segment_ids.ids)],
                "value_class_ids": [Command.set(self.value_class_ids.ids)],
                "company_id": self.company_id.id,
                "line_ids": [
                    Command.create({**vals, "from_user_id": leaver.id})
                    for vals in self._line_values(customers, plan, counts)
                ],
            }
        )

    def _reassign(self, plan, moves):
        """Give every record of ``moves`` (from ``_collect``) its customer's
        successor as ``user_id``: one write per kind of record and successor."""
        owner = self._customer_of(moves)
        successor_of = {customer.id: successor for customer, successor in plan.items()}
        for records in moves.values():
            per_successor = defaultdict(list)
            for record in records:
                customer_id = owner[(record._name, record.id)]
                per_successor[successor_of[customer_id]].append(record.id)
            for successor, record_ids in per_successor.items():
                records.browse(record_ids).with_context(mail_activity_quick_update=True).write(
                    {"user_id": successor.id}
                )

    def _log_handover_on_customers(self, handover, plan):
        """A note on each moved customer's chatter: who had it, who has it now."""
        customers = self.env["res.partner"].union(*plan)
        bodies = {
            customer.id: self.env._(
                "Customer handed over from %(from_user)s to %(to_user)s",
                from_user=self.user_id.name,
                to_user=plan[customer].name,
            )
            for customer in customers
        }
        customers._message_log_batch(
            bodies=bodies, author_id=self.env.user.partner_id.id, message_type="comment"
        )

    def _add_handover_events(self, handover, plan):
        """One timeline row per moved customer, pointing to ``handover``."""
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": customer.id,
                    "company_id": handover.company_id.id,
                    "event_type": "handover",
                    "res_model": handover._name,
                    "res_id": handover.id,
                    "date": handover.date,
                    "name": self.env._(
                        "%(reference)s: %(from_user)s to %(to_user)s",
                        reference=handover.name,
                        from_user=self.user_id.name,
                        to_user=successor.name,
                    ),
                }
                for customer, successor in plan.items()
            ]
        )
