import datetime

from psycopg2 import Error as PsycopgError

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL


class CustomerLifecycleRule(models.Model):
    """Moves customers matching its conditions to its target stage.

    Rules run in priority order (``sequence``); the first rule a customer
    matches decides its stage for that pass. All conditions are combined
    into one domain over ``customer.lifecycle.state`` (``_get_state_domain``)
    so that a rule is evaluated for all customers by one search.
    """

    _name = "customer.lifecycle.rule"
    _description = "Customer Lifecycle Rule"
    _inherit = ["customer.condition.mixin"]
    _order = "sequence, id"
    _condition_field = "profile_domain"
    _condition_model_name = "customer.profile"

    sequence = fields.Integer(string="Priority", default=10, help="Lower runs first.")
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(string="Enabled", default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to apply the rule in every company."
    )
    stage_id = fields.Many2one(
        "customer.lifecycle.stage", string="Target Stage", required=True, ondelete="restrict"
    )
    source_stage_ids = fields.Many2many(
        "customer.lifecycle.stage",
        "customer_lifecycle_rule_source_stage_rel",
        "rule_id",
        "stage_id",
        string="From Stages",
        help="Only customers in one of these stages move; empty means from any stage.",
    )
    profile_domain = fields.Char(
        string="Customer Facts Condition",
        default="[]",
        required=True,
        help="A domain over the customer's facts (customer.profile): order count, "
        "last order date, RFM segment, value class...",
    )
    lead_condition = fields.Selection(
        [
            ("opportunity", "Has an open opportunity"),
            ("lead", "Has an open lead"),
            ("none", "Has no lead or opportunity left (all lost)"),
        ],
        string="Pipeline",
        help="Open means active and not won; lost leads are archived, won ones stay.",
    )
    order_condition = fields.Selection(
        [("none", "No confirmed order"), ("some", "At least one confirmed order")],
        string="Orders",
    )
    min_order_count = fields.Integer(
        string="At Least N Orders", help="At least this many confirmed orders..."
    )
    order_period_days = fields.Integer(
        string="In the Last M Days", default=365, help="...dated within this many days."
    )
    rfm_segment_ids = fields.Many2many(
        "ir.model.fields.selection",
        "customer_lifecycle_rule_rfm_segment_rel",
        "rule_id",
        "selection_id",
        string="RFM Segments",
        domain=lambda self: [("field_id", "=", self._rfm_segment_field().id)],
        help="Customers in any of these RFM segments; empty means any segment.",
    )
    inactive_days = fields.Integer(
        string="Days Since Last Order Above",
        help="Customers whose last confirmed order is more than this many days old.",
    )
    ordered_since_entered = fields.Boolean(
        string="Ordered Since Entering the Stage",
        help="A confirmed order dated on or after the day the customer entered its current stage.",
    )
    customer_count = fields.Integer(string="Matching Customers", compute="_compute_customer_count")

    _sql_constraints = [
        (
            "counts_not_negative",
            "CHECK (COALESCE(min_order_count, 0) >= 0 AND COALESCE(inactive_days, 0) >= 0)",
            "Counts and days of a lifecycle rule cannot be negative.",
        ),
        (
            "order_period_positive",
            "CHECK (COALESCE(min_order_count, 0) = 0 OR COALESCE(order_period_days, 0) > 0)",
            "The order period of a lifecycle rule must be at least one day.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._check_shared_rules()
        return rules

    def write(self, vals):
        self._check_shared_rules()
        result = super().write(vals)
        self._check_shared_rules()
        return result

    def unlink(self):
        self._check_shared_rules()
        return super().unlink()

    def _check_shared_rules(self):
        """Rules without a company act on every company: system
        administrators only create, change or delete them."""
        if not self.env.is_system() and self.filtered(lambda rule: not rule.company_id):
            raise AccessError(
                self.env._(
                    "Only system administrators can manage the lifecycle rules shared "
                    "by every company; choose your company on the rule."
                )
            )

    @api.depends(
        "profile_domain",
        "lead_condition",
        "order_condition",
        "min_order_count",
        "order_period_days",
        "rfm_segment_ids",
        "inactive_days",
        "ordered_since_entered",
        "source_stage_ids",
        "company_id",
    )
    def _compute_customer_count(self):
        states = self.env["customer.lifecycle.state"]
        for rule in self:
            try:
                with self.env.cr.savepoint():
                    rule.customer_count = states.search_count(rule._get_state_domain())
            except (ValidationError, ValueError, TypeError, KeyError, PsycopgError):
                # an invalid condition being typed in the form: counted once valid
                rule.customer_count = 0

    # ------------------------------------------------------------------
    # Conditions
    # ------------------------------------------------------------------
    def _condition_check_path(self, model, path):
        """A rule's facts condition names fields of the customer's facts
        themselves (stored, or searched through a stored one): it is
        evaluated as superuser for every customer of the rule's companies,
        so no path may lead to other records (another company's orders)."""
        field = model._fields.get(path)
        if (
            model._name != self._condition_model_name
            or field is None
            or not ((field.store and field.column_type) or (field.search and not field.relational))
        ):
            raise ValueError(
                self.env._(
                    "%(field)s is not one of the customer facts; a rule's condition "
                    "names the fields of the customer facts only.",
                    field=path,
                )
            )
        return super()._condition_check_path(model, path)

    def _rfm_segment_field(self):
        return self.env["ir.model.fields"]._get("customer.profile", "rfm_segment")

    def _segment_keys(self):
        # the keys of a field's choices: metadata every rule reader may use
        return self.rfm_segment_ids.sudo().mapped("value")

    def _get_state_domain(self, partner_ids=None, state_conditions=True):
        """Domain over ``customer.lifecycle.state`` of the customers this rule
        moves; with ``partner_ids``, its subqueries read only those customers
        (an evaluation after an order reads one customer, not all of them).

        Without ``state_conditions``, the conditions on the state itself (its
        stage among the source stages, an order since it entered its stage)
        are left out: what remains depends on the customer's facts only,
        which an evaluation does not change (see ``_state_allows``)."""
        self.ensure_one()
        profile_domain = self._condition_usable_domain()
        if profile_domain is None:
            # its facts condition names a field that is gone: moves nobody
            return expression.FALSE_DOMAIN
        domain = [("stage_id", "!=", False)]
        if profile_domain:
            domain.append(("profile_id", "any", profile_domain))
        if self.company_id:
            domain.append(("company_id", "=", self.company_id.id))
        if self.source_stage_ids and state_conditions:
            domain.append(("stage_id", "in", self.source_stage_ids.ids))
        if self.order_condition == "none":
            domain.append(("profile_id", "=", False))
        elif self.order_condition == "some":
            domain.append(("profile_id", "!=", False))
        if self.lead_condition == "none":
            domain.append(
                ("id", "not in", self._open_lead_query(include_won=True, partner_ids=partner_ids))
            )
        elif self.lead_condition:
            domain.append(
                ("id", "in", self._open_lead_query(self.lead_condition, partner_ids=partner_ids))
            )
        if self.min_order_count > 0:
            domain.append(
                (
                    "id",
                    "in",
                    self._recent_orders_query(
                        self.min_order_count, self.order_period_days, partner_ids
                    ),
                )
            )
        if self.rfm_segment_ids:
            domain.append(("profile_id.rfm_segment", "in", self._segment_keys()))
        if self.inactive_days > 0:
            domain.append(("profile_id.days_since_last_order", ">", self.inactive_days))
        if self.ordered_since_entered and state_conditions:
            domain.append(("id", "in", self._ordered_since_entered_query(partner_ids)))
        return domain

    def _state_allows(self):
        """The conditions ``_get_state_domain`` leaves out without
        ``state_conditions``, as a function of a state's (stage id, day it
        entered it, last order date) telling whether this rule may move it."""
        self.ensure_one()
        sources = frozenset(self.source_stage_ids.ids)
        since_entered = self.ordered_since_entered

        def allows(stage_id, entered, last_order):
            if sources and stage_id not in sources:
                return False
            return not since_entered or bool(last_order and last_order >= entered)

        return allows

    @api.model
    def _open_lead_query(self, lead_type=None, include_won=False, partner_ids=None):
        """States whose customer has an open (active, not won) lead of ``lead_type``
        (any type if None) in the state's company; any active one, won or not,
        with ``include_won``. Only the states of ``partner_ids`` if given."""
        sql = self.env["customer.profile"]._sql_over_tables
        tables = {
            "s": "customer.lifecycle.state",
            "l": "crm.lead",
            "lp": "res.partner",
            "cs": "crm.stage",
        }
        type_filter = (
            sql(tables, "AND %(l.type)s = %(lead_type)s", lead_type=lead_type)
            if lead_type
            else SQL()
        )
        won_filter = (
            SQL()
            if include_won
            else sql(
                tables,
                "AND NOT COALESCE(%(cs.is_won)s, FALSE) AND COALESCE(%(l.probability)s, 0) < 100",
            )
        )
        return sql(
            tables,
            """(SELECT %(s.id)s FROM %(s)s s
                 WHERE EXISTS (
                     SELECT 1 FROM %(l)s l
                       JOIN %(lp)s lp ON %(lp.id)s = %(l.partner_id)s
                       LEFT JOIN %(cs)s cs ON %(cs.id)s = %(l.stage_id)s
                      WHERE %(lp.commercial_partner_id)s = %(s.partner_id)s
                        AND %(l.company_id)s = %(s.company_id)s
                        AND %(l.active)s %(won_filter)s %(type_filter)s)
                   %(scope)s)""",
            won_filter=won_filter,
            type_filter=type_filter,
            scope=self._state_scope(partner_ids, "AND"),
        )

    @api.model
    def _state_scope(self, partner_ids, keyword):
        """``keyword`` and the condition keeping the states (alias ``s``) of
        ``partner_ids``; nothing when None."""
        if partner_ids is None:
            return SQL()
        return self.env["customer.profile"]._sql_over_tables(
            {"s": "customer.lifecycle.state"},
            f"{keyword} %(s.partner_id)s = ANY(%(partner_ids)s)",
            partner_ids=list(partner_ids),
        )

    @api.model
    def _recent_orders_query(self, count, days, partner_ids=None):
        """States whose customer has at least ``count`` confirmed orders in
        the state's company dated within the last ``days`` days. Only the
        states of ``partner_ids`` if given."""
        since = fields.Datetime.now() - datetime.timedelta(days=days)
        profiles = self.env["customer.profile"]
        return profiles._sql_over_tables(
            {"s": "customer.lifecycle.state"},
            """(SELECT %(s.id)s FROM %(s)s s
                  JOIN (%(customers)s) o
                    ON o.partner_id = %(s.partner_id)s AND o.company_id = %(s.company_id)s
                 %(scope)s)""",
            customers=profiles._sql_customers_with_orders(
                since=since, min_count=count, partner_ids=partner_ids
            ),
            scope=self._state_scope(partner_ids, "WHERE"),
        )

    @api.model
    def _ordered_since_entered_query(self, partner_ids=None):
        """States whose customer's last confirmed order is dated on or after
        the day the customer entered its current stage. Only the states of
        ``partner_ids`` if given."""
        profiles = self.env["customer.profile"]
        return profiles._sql_over_tables(
            {"s": "customer.lifecycle.state"},
            """(SELECT %(s.id)s FROM %(s)s s
                  JOIN (%(profiles)s) p
                    ON p.partner_id = %(s.partner_id)s AND p.company_id = %(s.company_id)s
                 WHERE p.last_order_date >= %(s.date_entered)s::date %(scope)s)""",
            profiles=profiles._sql_profiles(partner_ids=partner_ids),
            scope=self._state_scope(partner_ids, "AND"),
        )

    @api.constrains(
        "profile_domain",
        "rfm_segment_ids",
        "min_order_count",
        "order_period_days",
        "inactive_days",
        "stage_id",
        "source_stage_ids",
    )
    def _check_conditions(self):
        segment_field = self._rfm_segment_field()
        for rule in self:
            if rule.rfm_segment_ids.sudo().field_id - segment_field:
                raise ValidationError(
                    self.env._("Rule %(rule)s: only RFM segments can be chosen.", rule=rule.name)
                )
            if rule.min_order_count < 0 or rule.inactive_days < 0:
                raise ValidationError(
                    self.env._("Rule %(rule)s: counts and days cannot be negative.", rule=rule.name)
                )
            if rule.min_order_count and rule.order_period_days <= 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the order period must be at least one day.",
                        rule=rule.name,
                    )
                )
            if rule.stage_id in rule.source_stage_ids:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the target stage cannot be one of its source stages.",
                        rule=rule.name,
                    )
                )
            if rule.condition_warning:
                continue  # refused by the condition's own check
            domain = rule._get_state_domain()
            try:
                with self.env.cr.savepoint():
                    self.env["customer.lifecycle.state"].sudo().search_count(domain, limit=1)
            except (ValueError, TypeError, KeyError, AssertionError, PsycopgError) as error:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s cannot be evaluated: %(error)s",
                        rule=rule.name,
                        error=error,
                    )
                ) from error
