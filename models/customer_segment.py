import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import datetime, safe_eval


class CustomerSegment(models.Model):
    """A saved set of customers: a domain over contacts, evaluated live.

    The domain may use demographic fields (country, city, industry, tags) and
    the customer facts of the segment's company (RFM segment and scores, value
    class, revenue, days since the last order...).
    """

    _name = "customer.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

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
    domain_error = fields.Char(
        string="Domain Problem", compute="_compute_customer_count", compute_sudo=False
    )
    mailing_ids = fields.One2many(
        "customer.segment.mailing", "segment_id", string="Mailings", readonly=True
    )
    mailing_count = fields.Integer(compute="_compute_mailing_count")

    @api.depends("domain", "company_id")
    @api.depends_context("uid")
    def _compute_customer_count(self):
        for segment in self:
            segment.customer_count = 0
            segment.domain_error = False
            try:
                domain = segment._get_partner_domain()
                with self.env.cr.savepoint():
                    segment.customer_count = segment._partner_model().search_count(domain)
            except (UserError, ValueError, psycopg2.Error) as error:
                segment.domain_error = segment._domain_error_message(error)

    @api.depends("mailing_ids")
    def _compute_mailing_count(self):
        counts = dict(
            self.env["customer.segment.mailing"]._read_group(
                [("segment_id", "in", self.ids)], ["segment_id"], ["__count"]
            )
        )
        for segment in self:
            segment.mailing_count = counts.get(segment, 0)

    @api.constrains("domain", "company_id")
    def _check_domain(self):
        for segment in self:
            try:
                domain = segment._get_partner_domain()
                with self.env.cr.savepoint():
                    segment._partner_model().search_count(domain, limit=1)
            except (UserError, ValueError, psycopg2.Error) as error:
                raise ValidationError(
                    self.env._(
                        "The conditions of segment %(segment)s are not valid: %(error)s",
                        segment=segment.name,
                        error=segment._domain_error_message(error),
                    )
                ) from error

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

    # ------------------------------------------------------------------
    # Domain
    # ------------------------------------------------------------------
    def _domain_eval_context(self):
        """Names a segment's domain may use besides literals."""
        return {
            "uid": self.env.uid,
            "context_today": lambda: fields.Date.context_today(self),
            "datetime": datetime,
            "relativedelta": relativedelta,
            "company_id": self.company_id.id,
            "company_ids": self.company_id.ids,
        }

    def _get_partner_domain(self):
        """The segment's domain as a normalized list; ValueError if it is not one."""
        self.ensure_one()
        try:
            domain = safe_eval(self.domain or "[]", self._domain_eval_context())
        except (SyntaxError, NameError, TypeError, ValueError, ZeroDivisionError) as error:
            raise ValueError(self.env._("it is not a valid expression.")) from error
        if not isinstance(domain, (list, tuple)):
            raise ValueError(self.env._("it is not a list of conditions."))
        try:
            domain = expression.normalize_domain(list(domain))
            # Building the query checks every field and operator, no SQL runs.
            self._partner_model()._search(domain)
        except (AssertionError, IndexError, KeyError, TypeError) as error:
            raise ValueError(self.env._("it is not a list of conditions.")) from error
        return domain

    def _domain_error_message(self, error):
        if isinstance(error, psycopg2.Error):
            return self.env._("a value does not fit its field.")
        if isinstance(error, UserError):
            return error.args[0]
        return str(error)

    def _partner_model(self):
        """Contacts, seen with the facts of the segment's company."""
        return self.env["res.partner"].with_company(self.company_id)

    def _get_partners(self):
        """The contacts in the segment now; UserError if the domain is invalid."""
        self.ensure_one()
        if self.domain_error:
            raise UserError(
                self.env._(
                    "Segment %(segment)s cannot be used: %(error)s",
                    segment=self.name,
                    error=self.domain_error,
                )
            )
        return self._partner_model().search(self._get_partner_domain())

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_customers(self):
        self.ensure_one()
        if self.domain_error:
            self._get_partners()  # raises with the reason
        domain = self._get_partner_domain()
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

    def action_open_mail_wizard(self):
        self.ensure_one()
        self._get_partners()  # refuses an invalid domain at once
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send a Personalised Mail"),
            "res_model": "customer.segment.mail.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_segment_id": self.id},
        }

    def action_open_mailings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_relationship.customer_segment_mailing_action"
        )
        action["domain"] = [("segment_id", "=", self.id)]
        action["context"] = {"default_segment_id": self.id, "create": False}
        return action
