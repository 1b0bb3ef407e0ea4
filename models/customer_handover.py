from odoo import api, fields, models

SPLIT_MODES = [
    ("even", "Evenly"),
    ("mapping", "By chosen mapping"),
]
CUSTOMER_SCOPES = [
    ("all", "All customers"),
    ("tags", "Customers with tags"),
    ("profile", "RFM segments / value classes"),
]


def set_handover_counts(records):
    """Set the totals of a handover or its wizard from their ``line_ids``."""
    for record in records:
        lines = record.line_ids
        record.customer_count = len(lines)
        record.opportunity_count = sum(lines.mapped("opportunity_count"))
        record.quotation_count = sum(lines.mapped("quotation_count"))
        record.activity_count = sum(lines.mapped("activity_count"))


class CustomerHandover(models.Model):
    """A done handover of a salesperson's customers to one or more successors.

    Written by the handover wizard (``customer.handover.wizard``) in the
    transaction that moves the customers; kept for review, one line per
    customer moved.
    """

    _name = "customer.handover"
    _description = "Customer Handover"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index=True
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users",
        string="Leaving Salesperson",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    successor_ids = fields.Many2many(
        "res.users",
        "customer_handover_successor_rel",
        "handover_id",
        "user_id",
        string="Successors",
        readonly=True,
    )
    split_mode = fields.Selection(SPLIT_MODES, required=True, readonly=True, default="even")
    customer_scope = fields.Selection(
        CUSTOMER_SCOPES, string="Customer Selection", required=True, readonly=True, default="all"
    )
    category_ids = fields.Many2many(
        "res.partner.category",
        "customer_handover_category_rel",
        "handover_id",
        "category_id",
        string="Tags",
        readonly=True,
    )
    rfm_segment_ids = fields.Many2many(
        "ir.model.fields.selection",
        "customer_handover_rfm_segment_rel",
        "handover_id",
        "selection_id",
        string="RFM Segments",
        readonly=True,
    )
    value_class_ids = fields.Many2many(
        "ir.model.fields.selection",
        "customer_handover_value_class_rel",
        "handover_id",
        "selection_id",
        string="Value Classes",
        readonly=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")],
        required=True,
        readonly=True,
        default="draft",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    done_by_id = fields.Many2one(
        "res.users", string="Done By", readonly=True, default=lambda self: self.env.user
    )
    line_ids = fields.One2many(
        "customer.handover.line", "handover_id", string="Customers Moved", readonly=True
    )
    customer_count = fields.Integer(
        string="Customers", compute="_compute_counts", store=True, readonly=True
    )
    opportunity_count = fields.Integer(
        string="Opportunities", compute="_compute_counts", store=True, readonly=True
    )
    quotation_count = fields.Integer(
        string="Quotations", compute="_compute_counts", store=True, readonly=True
    )
    activity_count = fields.Integer(
        string="Activities", compute="_compute_counts", store=True, readonly=True
    )

    @api.depends(
        "line_ids.opportunity_count", "line_ids.quotation_count", "line_ids.activity_count"
    )
    def _compute_counts(self):
        set_handover_counts(self)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("customer.handover")
                    or "/"
                )
        return super().create(vals_list)

    @api.readonly
    def action_open_events(self):
        """The timeline rows this handover wrote."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_relationship.customer_event_action"
        )
        action["domain"] = [
            ("event_type", "=", "handover"),
            ("res_model", "=", self._name),
            ("res_id", "=", self.id),
        ]
        action["context"] = {}
        return action
