from odoo import api, fields, models
from odoo.exceptions import UserError


class CustomerSegment(models.Model):
    """A saved set of customers: a domain over contacts, evaluated live.

    The domain may use demographic fields (country, city, industry, tags) and
    the customer facts of the segment's company (RFM segment and scores, value
    class, revenue, days since the last order...).
    """

    _name = "customer.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread", "customer.condition.mixin"]
    _order = "sequence, name, id"
    _condition_field = "domain"
    _condition_model_name = "res.partner"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
        help="The customer facts of this company are used by the domain.",
    )
    domain = fields.Char(
        string="Customers Matching",
        required=True,
        default="[]",
        tracking=True,
        help="Conditions on contacts: demographic fields and customer facts.",
    )
    customer_count = fields.Integer(
        string="Customers", compute="_compute_customer_count", compute_sudo=False
    )
    # the condition's warning under the name the views and the mail wizard use
    domain_error = fields.Char(
        string="Domain Problem", related="condition_warning", compute_sudo=False
    )
    mailing_ids = fields.One2many(
        "customer.segment.mailing", "segment_id", string="Mailings", readonly=True
    )
    mailing_count = fields.Integer(compute="_compute_mailing_count")

    @api.depends("domain", "company_id")
    @api.depends_context("uid")
    def _compute_customer_count(self):
        for segment in self:
            segment.customer_count = segment._condition_count()

    @api.depends("mailing_ids")
    def _compute_mailing_count(self):
        counts = dict(
            self.env["customer.segment.mailing"]._read_group(
                [("segment_id", "in", self.ids)], ["segment_id"], ["__count"]
            )
        )
        for segment in self:
            segment.mailing_count = counts.get(segment, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_mailed(self):
        mailed = self.filtered("mailing_ids")
        if mailed:
            raise UserError(
                self.env._(
                    "Segment %(segment)s was mailed: archive it instead, so that its "
                    "mailings stay reviewable.",
                    segment=mailed[0].name,
                )
            )

    def _get_partners(self):
        """The contacts in the segment now; UserError if its conditions cannot
        be used."""
        self.ensure_one()
        self._condition_domain()  # raises with the reason
        return self._condition_search()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.readonly
    def action_open_customers(self):
        self.ensure_one()
        domain = self._condition_full_domain(self._condition_domain())
        if self.company_id != self.env.company:
            # the client searches with its own company's facts: pass ids
            domain = [("id", "in", self._get_partners().ids)]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers of %(segment)s", segment=self.name),
            "res_model": "res.partner",
            "views": [(False, "list"), (False, "kanban"), (False, "form")],
            "domain": domain,
            "context": {"create": False},
        }

    @api.readonly
    def action_open_mail_wizard(self):
        self.ensure_one()
        self._condition_domain()  # refuses an invalid domain at once
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send a Personalised Mail"),
            "res_model": "customer.segment.mail.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_segment_id": self.id},
        }

    @api.readonly
    def action_open_mailings(self):
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_relationship.customer_segment_mailing_action"
        )
        action["domain"] = [("segment_id", "=", self.id)]
        action["context"] = {"default_segment_id": self.id, "create": False}
        return action
