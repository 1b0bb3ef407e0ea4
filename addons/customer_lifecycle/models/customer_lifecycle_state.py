import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# A customer moves at most once per pass; passes repeat until nothing moves.
MAX_PASSES = 10


class CustomerLifecycleState(models.Model):
    """The lifecycle stage of one customer (commercial partner) in one company."""

    _name = "customer.lifecycle.state"
    _description = "Customer Lifecycle Stage of a Customer"
    _order = "date_entered desc, id desc"
    _rec_name = "partner_id"
    # more customers than this whose facts changed at once (a full recompute)
    # are left to the rules' cron instead of being evaluated in the refresh
    _EVENT_EVALUATION_LIMIT = 1000

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    profile_id = fields.Many2one(
        "customer.profile",
        string="Customer Profile",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The customer's facts in the company; linked at each evaluation.",
    )
    stage_id = fields.Many2one(
        "customer.lifecycle.stage",
        string="Lifecycle Stage",
        required=True,
        index=True,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
        default=lambda self: self.env["customer.lifecycle.stage"]._default_stage(),
    )
    date_entered = fields.Datetime(
        string="In Stage Since", readonly=True, default=fields.Datetime.now
    )
    locked = fields.Boolean(
        readonly=True, help="Rules do not move a locked customer; set by manual moves."
    )
    locked_by_id = fields.Many2one("res.users", string="Locked By", readonly=True)
    moved_by_user_id = fields.Many2one("res.users", string="Moved by User", readonly=True)
    moved_by_rule_id = fields.Many2one(
        "customer.lifecycle.rule", string="Moved by Rule", readonly=True, ondelete="set null"
    )
    history_ids = fields.One2many(
        "customer.lifecycle.history", "state_id", string="History", readonly=True
    )
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    country_id = fields.Many2one(related="partner_id.country_id")
    rfm_segment = fields.Selection(related="profile_id.rfm_segment")
    value_class = fields.Selection(related="profile_id.value_class")
    order_count = fields.Integer(related="profile_id.order_count")
    last_order_date = fields.Date(related="profile_id.last_order_date")
    color = fields.Integer(related="stage_id.color")

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique (partner_id, company_id)",
            "A customer has one lifecycle stage per company.",
        ),
    ]

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([], order=stages._order)

    @api.model_create_multi
    def create(self, vals_list):
        """States created through the ORM (evaluation creates them in SQL) get
        their first history row too."""
        states = super().create(vals_list)
        self.env["customer.lifecycle.history"].sudo().create(
            [
                {
                    "state_id": state.id,
                    "partner_id": state.partner_id.id,
                    "company_id": state.company_id.id,
                    "stage_id": state.stage_id.id,
                    "date_entered": state.date_entered,
                }
                for state in states
            ]
        )
        return states

    # ------------------------------------------------------------------
    # Manual moves
    # ------------------------------------------------------------------
    def write(self, vals):
        if "stage_id" not in vals or self.env.context.get("customer_lifecycle_rule_move"):
            return super().write(vals)
        self.check_access("write")
        vals = dict(vals)
        stage = self.env["customer.lifecycle.stage"].browse(vals.pop("stage_id"))
        result = super().write(vals) if vals else True
        self.filtered(lambda state: state.stage_id != stage)._move_to(
            stage, user=self.env.user, lock=True
        )
        return result

    def action_lock(self):
        self.check_access("write")
        self.sudo().with_context(customer_lifecycle_rule_move=True).write(
            {"locked": True, "locked_by_id": self.env.uid}
        )

    def action_unlock(self):
        self.check_access("write")
        self.sudo().with_context(customer_lifecycle_rule_move=True).write(
            {"locked": False, "locked_by_id": False}
        )

    # ------------------------------------------------------------------
    # Moves
    # ------------------------------------------------------------------
    def _move_to(self, stage, rule=None, user=None, lock=False):
        """Move ``self`` to ``stage``: close the open history rows, open new
        ones, update the states, then run the stage's entry effects.

        A fixed number of queries whatever the number of customers.
        """
        if not self:
            return self.env["customer.lifecycle.history"]
        now = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            self.env["customer.profile"]._sql_over_tables(
                {"h": "customer.lifecycle.history"},
                """
                UPDATE %(h)s h
                   SET %(h:date_left)s = %(now)s,
                       %(h:next_stage_id)s = %(stage)s,
                       %(h:duration)s = ROUND(
                           EXTRACT(EPOCH FROM (%(now)s - %(h.date_entered)s))::numeric / 86400, 2)
                 WHERE %(h.state_id)s = ANY(%(ids)s) AND %(h.date_left)s IS NULL
                """,
                now=now,
                stage=stage.id,
                ids=self.ids,
            )
        )
        self.env["customer.lifecycle.history"].invalidate_model(
            ["date_left", "next_stage_id", "duration"]
        )
        histories = (
            self.env["customer.lifecycle.history"]
            .sudo()
            .create(
                [
                    {
                        "state_id": state.id,
                        "partner_id": state.partner_id.id,
                        "company_id": state.company_id.id,
                        "from_stage_id": state.stage_id.id,
                        "stage_id": stage.id,
                        "date_entered": now,
                        "rule_id": rule.id if rule else False,
                        "user_id": user.id if user else False,
                    }
                    for state in self
                ]
            )
        )
        vals = {
            "stage_id": stage.id,
            "date_entered": now,
            "moved_by_rule_id": rule.id if rule else False,
            "moved_by_user_id": user.id if user else False,
        }
        if lock:
            vals.update(locked=True, locked_by_id=user.id if user else False)
        self.sudo().with_context(customer_lifecycle_rule_move=True).write(vals)
        stage._on_enter(histories)
        return histories

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------
    @api.model
    def action_evaluate_all(self):
        """Manager button: evaluate the lifecycle rules for every customer."""
        profiles = self.env["customer.profile"]
        profiles._check_customer_manager(
            self.env._("Only customer relationship managers can run the lifecycle rules.")
        )
        moved = self.sudo()._evaluate(self.env.companies)
        return profiles._success_notification(
            self.env._("Lifecycle rules applied"),
            self.env._("%(count)s customers changed stage.", count=moved),
        )

    @api.model
    def _cron_evaluate(self):
        for company in self.env["res.company"].search([]):
            self._evaluate(company)
            if not self.env.registry.in_test_mode():
                # one company per transaction
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _evaluate_customers(self, keys):
        """Per-event evaluation of the (commercial partner, company) pairs ``keys``."""
        keys = {(partner, company) for partner, company in keys if partner and company}
        if not keys or self.env.context.get("customer_lifecycle_no_event"):
            return 0
        partner_ids = list({partner for partner, _company in keys})
        companies = self.env["res.company"].browse({company for _partner, company in keys})
        return self._evaluate(companies, partner_ids=partner_ids)

    @api.model
    def _evaluate(self, companies, partner_ids=None):
        """Apply the rules to the customers of ``companies`` (all, or those in
        ``partner_ids``), set-based: per rule and pass one search over the
        states and one bulk move per target stage. Returns the number of moves.
        """
        states = self.sudo()
        states._sync_states(companies, partner_ids)
        rules = self.env["customer.lifecycle.rule"].search(
            [("company_id", "in", [False, *companies.ids])]
        )
        moved = 0
        for company in companies:
            company_rules = rules.filtered(
                lambda rule, company=company: rule.company_id in (company, company.browse())
            )
            scope = [("company_id", "=", company.id), ("locked", "=", False)]
            if partner_ids is not None:
                scope.append(("partner_id", "in", partner_ids))
            for _pass in range(MAX_PASSES):
                pass_moves = states._evaluate_pass(company_rules, scope, partner_ids)
                moved += pass_moves
                if not pass_moves:
                    break
        return moved

    @api.model
    def _evaluate_pass(self, rules, scope, partner_ids=None):
        """Move the states of ``scope`` matched by ``rules``, each to the
        target of the first rule it matches. The rules' searches run as one
        statement (a UNION ALL of the ids and stages each rule matches, with
        the rule's rank): the matched customers are not loaded as records,
        most of them stay where they are. Returns the number of moves."""
        if not rules:
            return 0
        matches = SQL(" UNION ALL ").join(
            SQL("(%s)", self._rule_matches(rule, scope, rank, partner_ids))
            for rank, rule in enumerate(rules)
        )
        decided = set()
        to_move = {}
        for matched_id, matched_stage_id, rank in sorted(
            self.env.execute_query(matches), key=lambda row: row[2]
        ):
            if matched_id in decided:
                continue
            decided.add(matched_id)
            if matched_stage_id != rules[rank].stage_id.id:
                to_move.setdefault(rank, []).append(matched_id)
        for rank, ids in sorted(to_move.items()):
            self.browse(sorted(ids))._move_to(rules[rank].stage_id, rule=rules[rank])
        return sum(len(ids) for ids in to_move.values())

    @api.model
    def _rule_matches(self, rule, scope, rank, partner_ids=None):
        """SELECT of the id, stage and ``rank`` of the states of ``scope``
        (of the customers ``partner_ids`` if given) that ``rule`` matches."""
        query = self._search(scope + rule._get_state_domain(partner_ids))
        return query.select(
            self._field_to_sql(query.table, "id", query),
            self._field_to_sql(query.table, "stage_id", query),
            SQL("%s", rank),
        )

    @api.model
    def _sync_states(self, companies, partner_ids=None):
        """Create the missing states (customers with orders or open pipeline in
        a company) in the default stage, with their first history row, and
        link every state to its customer profile."""
        self.env.flush_all()
        stage = self.env["customer.lifecycle.stage"]._default_stage()
        partner_filter = SQL("AND %s = ANY(%s)", SQL.identifier("c", "partner_id"), partner_ids)
        if partner_ids is None:
            partner_filter = SQL()
        now = fields.Datetime.now()
        profiles = self.env["customer.profile"]
        tables = {
            "s": self._name,
            "s2": self._name,
            "h": "customer.lifecycle.history",
            "l": "crm.lead",
            "lp": "res.partner",
        }
        self.env.cr.execute(
            profiles._sql_over_tables(
                tables,
                """
                WITH c AS (
                    SELECT p.partner_id, p.company_id FROM (%(profiles)s) p
                    UNION
                    SELECT %(lp.commercial_partner_id)s, %(l.company_id)s FROM %(l)s l
                      JOIN %(lp)s lp ON %(lp.id)s = %(l.partner_id)s
                     WHERE %(l.active)s AND %(l.company_id)s = ANY(%(companies)s)
                           %(lead_partner_filter)s
                ),
                new AS (
                    INSERT INTO %(s)s (
                        %(s:partner_id)s, %(s:company_id)s, %(s:stage_id)s, %(s:date_entered)s,
                        %(s:locked)s, %(s:create_uid)s, %(s:create_date)s, %(s:write_uid)s,
                        %(s:write_date)s)
                    SELECT c.partner_id, c.company_id, %(stage)s, %(now)s, FALSE,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM c
                     WHERE TRUE %(partner_filter)s
                    ON CONFLICT (%(s:partner_id)s, %(s:company_id)s) DO NOTHING
                    RETURNING %(s:id)s, %(s:partner_id)s, %(s:company_id)s
                )
                INSERT INTO %(h)s (
                    %(h:state_id)s, %(h:partner_id)s, %(h:company_id)s, %(h:stage_id)s,
                    %(h:date_entered)s, %(h:create_uid)s, %(h:create_date)s, %(h:write_uid)s,
                    %(h:write_date)s)
                SELECT new.id, new.partner_id, new.company_id, %(stage)s, %(now)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM new
                """,
                profiles=profiles._sql_profiles(company_ids=companies.ids, partner_ids=partner_ids),
                lead_partner_filter=profiles._sql_over_tables(
                    tables,
                    "AND %(lp.commercial_partner_id)s = ANY(%(partner_ids)s)",
                    partner_ids=partner_ids,
                )
                if partner_ids is not None
                else SQL(),
                companies=companies.ids,
                stage=stage.id,
                now=now,
                uid=self.env.uid,
                partner_filter=partner_filter,
            )
        )
        scope = (
            profiles._sql_over_tables(
                tables, "AND %(s.partner_id)s = ANY(%(partner_ids)s)", partner_ids=partner_ids
            )
            if partner_ids
            else SQL()
        )
        self.env.cr.execute(
            profiles._sql_over_tables(
                tables,
                """
                UPDATE %(s)s s
                   SET %(s:profile_id)s = p.id
                  FROM %(s2)s s2
                  LEFT JOIN (%(profiles)s) p
                    ON p.partner_id = %(s2.partner_id)s AND p.company_id = %(s2.company_id)s
                 WHERE %(s2.id)s = %(s.id)s AND %(s.company_id)s = ANY(%(companies)s)
                   AND %(s.profile_id)s IS DISTINCT FROM p.id %(scope)s
                """,
                profiles=profiles._sql_profiles(partner_ids=partner_ids),
                companies=companies.ids,
                scope=scope,
            )
        )
        self.env.invalidate_all()
