import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.customer_relationship.models.customer_profile_queue import read_committed_env

_logger = logging.getLogger(__name__)

# A customer moves at most once per pass; passes repeat until nothing moves.
MAX_PASSES = 10
# The one field users change: a manual move (with its history row).
USER_FIELDS = frozenset({"stage_id"})
# ir.config_parameter: companies with more customers than this are evaluated
# in the background when a manager applies the rules.
IMMEDIATE_LIMIT_PARAM = "customer_lifecycle.immediate_evaluation_limit"
IMMEDIATE_LIMIT_DEFAULT = 5000


class CustomerLifecycleState(models.Model):
    """The lifecycle stage of one customer (commercial partner) in one company."""

    _name = "customer.lifecycle.state"
    _description = "Customer Lifecycle Stage of a Customer"
    _order = "date_entered desc, id desc"
    _rec_name = "partner_id"
    # more customers than this whose facts changed at once (a full recompute)
    # are left to the rules' cron instead of being evaluated in the refresh
    _EVENT_EVALUATION_LIMIT = 1000
    # from this many states moving to a stage at once, the move is written by
    # a few SQL statements instead of the ORM (same rows, see _move_to)
    _BULK_MOVES = 500

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
        """Users change the stage only: a manual move, recorded in the
        history, that locks the customer in its new stage. Every other field
        is written by the moves and the locks themselves (as superuser)."""
        if not self.env.su and set(vals) - USER_FIELDS:
            raise AccessError(
                self.env._(
                    "Only the lifecycle stage of a customer can be changed; "
                    "the other fields are kept by its moves."
                )
            )
        if "stage_id" not in vals:
            return super().write(vals)
        vals = dict(vals)
        stage = self.env["customer.lifecycle.stage"].browse(vals.pop("stage_id")).exists()
        if not stage:
            raise UserError(self.env._("The lifecycle stage chosen does not exist."))
        self._check_lock_owner()
        result = super().write(vals) if vals else True
        self.filtered(lambda state: state.stage_id != stage)._move_to(
            stage, user=self.env.user, lock=True
        )
        return result

    def _write_move(self, vals):
        """Write what a move or a lock changes (``_move_to``, the lock
        actions): the fields users cannot write, as superuser."""
        return super(CustomerLifecycleState, self.sudo()).write(vals)

    def _check_lock_owner(self):
        """Refuse unless the user may change these states and, for those
        locked by someone else, is a customer relationship manager."""
        self.check_access("write")
        if self.env.su or self.env.user.has_group("customer_relationship.group_customer_manager"):
            return
        if self.filtered(lambda state: state.locked and state.locked_by_id != self.env.user):
            raise AccessError(
                self.env._(
                    "This customer was locked in its stage by someone else; only its "
                    "owner or a customer relationship manager can change or unlock it."
                )
            )

    def action_lock(self):
        """Lock the customers in their stage: rules no longer move them.
        A lock held by someone else is taken over by managers only."""
        self._check_lock_owner()
        self._write_move({"locked": True, "locked_by_id": self.env.uid})

    def action_unlock(self):
        """Let the rules move the customers again: by the lock's owner or a
        manager."""
        self._check_lock_owner()
        self._write_move({"locked": False, "locked_by_id": False})

    # ------------------------------------------------------------------
    # Moves
    # ------------------------------------------------------------------
    def _move_to(self, stage, rule=None, user=None, lock=False):
        """Move ``self`` to ``stage``: close the open history rows, open new
        ones, update the states, then run the stage's entry effects. The one
        way states change stage (rules and manual moves); returns the history
        rows opened.

        A fixed number of queries whatever the number of customers; from
        ``_BULK_MOVES`` states on, the rows are written by SQL statements
        rather than the ORM (the same rows, without loading the states).
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
        moved = {
            "date_entered": now,
            "rule_id": rule.id if rule else False,
            "user_id": user.id if user else False,
        }
        vals = {
            "stage_id": stage.id,
            "date_entered": now,
            "moved_by_rule_id": moved["rule_id"],
            "moved_by_user_id": moved["user_id"],
        }
        if lock:
            vals.update(locked=True, locked_by_id=moved["user_id"])
        if len(self) >= self._BULK_MOVES:
            histories = self._open_stays_sql(stage, moved)
            self._write_states_sql(vals)
            self.env.invalidate_all()
        else:
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
                            **moved,
                        }
                        for state in self
                    ]
                )
            )
            self._write_move(vals)
        stage._on_enter(histories)
        return histories

    def _open_stays_sql(self, stage, moved):
        """Insert the history rows of ``self`` entering ``stage`` (the values
        ``moved``: date_entered, rule_id, user_id), from the states as they
        are before the move; returns them. The caller invalidates the ORM
        caches."""
        history = self.env["customer.lifecycle.history"]
        rows = self.env.execute_query(
            self.env["customer.profile"]._sql_over_tables(
                {"h": history._name, "s": self._name},
                """
                INSERT INTO %(h)s (
                    %(h:state_id)s, %(h:partner_id)s, %(h:company_id)s, %(h:from_stage_id)s,
                    %(h:stage_id)s, %(h:date_entered)s, %(h:rule_id)s, %(h:user_id)s,
                    %(h:create_uid)s, %(h:create_date)s, %(h:write_uid)s, %(h:write_date)s)
                SELECT %(s.id)s, %(s.partner_id)s, %(s.company_id)s, %(s.stage_id)s,
                       %(stage)s, %(date)s, %(rule)s, %(user)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM %(s)s s
                 WHERE %(s.id)s = ANY(%(ids)s)
                 ORDER BY %(s.id)s
                RETURNING %(h:id)s
                """,
                stage=stage.id,
                date=moved["date_entered"],
                rule=moved["rule_id"] or None,
                user=moved["user_id"] or None,
                uid=self.env.uid,
                now=self.env.cr.now(),
                ids=self.ids,
            )
        )
        return history.sudo().browse(sorted(row[0] for row in rows))

    def _write_states_sql(self, vals):
        """``_write_move(vals)`` for many states, in one UPDATE. The caller
        invalidates the ORM caches."""
        sql = self.env["customer.profile"]._sql_over_tables
        tables = {"s": self._name}
        assignments = SQL(", ").join(
            sql(
                tables,
                f"%(s:{name})s = %(value)s",
                value=value or None if self._fields[name].relational else value,
            )
            for name, value in {
                **vals,
                "write_uid": self.env.uid,
                "write_date": self.env.cr.now(),
            }.items()
        )
        self.env.cr.execute(
            sql(
                tables,
                "UPDATE %(s)s s SET %(assignments)s WHERE %(s.id)s = ANY(%(ids)s)",
                assignments=assignments,
                ids=self.ids,
            )
        )

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------
    @api.model
    def action_evaluate_all(self):
        """Manager button: evaluate the lifecycle rules for every customer of
        the allowed companies. Small companies are evaluated at once; larger
        ones (see ``_immediate_evaluation_limit``) by their work unit
        ``_evaluate_company``, outside the request."""
        profiles = self.env["customer.profile"]
        profiles._check_customer_manager(
            self.env._("Only customer relationship managers can run the lifecycle rules.")
        )
        companies = self.env.companies
        sizes = dict(
            profiles.sudo()._read_group(
                [("company_id", "in", companies.ids)], ["company_id"], ["__count"]
            )
        )
        limit = self._immediate_evaluation_limit()
        later = companies.filtered(lambda company: sizes.get(company, 0) > limit)
        moved = self.sudo()._evaluate(companies - later) if companies - later else 0
        self._defer_evaluation(later)
        message = self.env._("%(count)s customers changed stage.", count=moved)
        if later:
            message = self.env._(
                "%(moved)s The customers of %(companies)s move in the background, within minutes.",
                moved=message,
                companies=", ".join(later.mapped("name")),
            )
        return profiles._success_notification(self.env._("Lifecycle rules applied"), message)

    @api.model
    def _defer_evaluation(self, companies):
        """Have ``_evaluate_company`` evaluate each of ``companies`` soon,
        outside this transaction (the rules' cron, or a job per company)."""
        for company in companies:
            self.env["customer.work"]._defer(
                self.env["customer.lifecycle.state"],
                "_evaluate_company",
                (company.id,),
                cron="customer_lifecycle.ir_cron_customer_lifecycle",
                channel="lifecycle",
                key=f"customer.lifecycle.evaluate:{company.id}",
                description=self.env._("Lifecycle rules of %(company)s", company=company.name),
            )

    @api.model
    def _immediate_evaluation_limit(self):
        """How many customers a company may have for the manager button to
        evaluate it at once (system parameter
        ``customer_lifecycle.immediate_evaluation_limit``)."""
        value = self.env["ir.config_parameter"].sudo().get_param(IMMEDIATE_LIMIT_PARAM)
        try:
            return int(value) if value else IMMEDIATE_LIMIT_DEFAULT
        except ValueError:
            _logger.warning("%s is not a number: %r", IMMEDIATE_LIMIT_PARAM, value)
            return IMMEDIATE_LIMIT_DEFAULT

    @api.model
    def _cron_evaluate(self):
        """Evaluate each company in a transaction of its own: a company that
        fails is logged and left to the next run, the others go on."""
        self.env.flush_all()
        for company in self.env["res.company"].search([]):
            try:
                with read_committed_env(self.env.cr.dbname) as env:
                    env[self._name].with_context(**self.env.context)._evaluate_company(company.id)
            except Exception:
                _logger.exception(
                    "lifecycle rules of %s not applied; the next run tries again", company.name
                )
        self.env.invalidate_all()

    @api.model
    def _evaluate_company(self, company_id):
        """Work unit: evaluate the rules for every customer of one company.

        Run by the cron (in a transaction of its own) or as a job. Safe to
        run twice or at once: evaluations of a company wait for each other
        (a transaction-level lock), and a customer already in the stage its
        rules give does not move again. Returns the number of moves."""
        company = self.env["res.company"].browse(company_id).exists()
        if not company:
            return 0
        self.env.cr.execute(
            SQL(
                "SELECT pg_advisory_xact_lock(hashtext(%s), %s)",
                "customer.lifecycle.evaluate",
                company.id,
            )
        )
        return self.sudo()._evaluate(company)

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
        ``partner_ids``), set-based: the moves of every pass are planned from
        one statement over the customers' facts (``_plan_moves``), then
        written with one bulk move per pass and target stage. Customers
        without a state get one in the default stage first, with their first
        stay. Returns the number of moves.
        """
        states = self.sudo()
        new_ids = states._create_missing_states(companies, partner_ids)
        rules = self.env["customer.lifecycle.rule"].search(
            [("company_id", "in", [False, *companies.ids])]
        )
        plans = []
        for company in companies:
            company_rules = rules.filtered(
                lambda rule, company=company: rule.company_id in (company, company.browse())
            )
            scope = [("company_id", "=", company.id), ("locked", "=", False)]
            if partner_ids is not None:
                scope.append(("partner_id", "in", partner_ids))
            plans.append((company_rules, states._plan_moves(company_rules, scope, partner_ids)))
        # the new customers' first stays, closed at once for those moving on
        next_stages = {
            state_id: company_rules[rank].stage_id.id
            for company_rules, passes in plans
            for rank, ids in (passes[0].items() if passes else ())
            for state_id in ids
        }
        states._open_first_stays(new_ids, next_stages)
        moved = 0
        for company_rules, passes in plans:
            for moves in passes:
                for rank, ids in sorted(moves.items()):
                    rule = company_rules[rank]
                    states.browse(sorted(ids))._move_to(rule.stage_id, rule=rule)
                    moved += len(ids)
        self.env.flush_all()
        return moved

    @api.model
    def _plan_moves(self, rules, scope, partner_ids=None):
        """The moves of the states of ``scope``: a list of passes, each a
        dict {rank of the rule in ``rules``: ids of the states it moves}.

        In a pass each state moves to the target of the first rule it
        matches (unless it is there already); passes repeat until nothing
        moves. Which customers a rule's facts condition matches does not
        change during an evaluation: it is read once, by one statement (a
        UNION ALL of the ids each rule matches with the rule's rank), and the
        passes follow the states' stages in memory; the matched customers
        are not loaded as records."""
        if not rules:
            return []
        matches = SQL(" UNION ALL ").join(
            SQL("(%s)", self._rule_matches(rule, scope, rank, partner_ids))
            for rank, rule in enumerate(rules)
        )
        ranks, stages, entered, last_orders = {}, {}, {}, {}
        for state_id, stage_id, date_entered, last_order, rank in self.env.execute_query(matches):
            ranks.setdefault(state_id, []).append(rank)
            stages[state_id] = stage_id
            if date_entered:
                # read for the rules asking for an order since then only
                entered[state_id] = date_entered.date()
                last_orders[state_id] = last_order
        for state_ranks in ranks.values():
            state_ranks.sort()
        targets = [(rule.stage_id.id, rule._state_allows()) for rule in rules]
        today = fields.Datetime.now().date()
        passes = []
        for _pass in range(MAX_PASSES):
            moves = {}
            for state_id, state_ranks in ranks.items():
                stage_id = stages[state_id]
                for rank in state_ranks:
                    target, allows = targets[rank]
                    if allows(stage_id, entered.get(state_id), last_orders.get(state_id)):
                        if target != stage_id:
                            moves.setdefault(rank, []).append(state_id)
                        break
            if not moves:
                break
            for rank, ids in moves.items():
                for state_id in ids:
                    stages[state_id] = targets[rank][0]
                    entered[state_id] = today
            passes.append(moves)
        return passes

    @api.model
    def _rule_matches(self, rule, scope, rank, partner_ids=None):
        """SELECT of the id, stage, date entered and last order date and
        ``rank`` of the states of ``scope`` (of the customers ``partner_ids``
        if given) whose facts ``rule`` matches, whatever their stage. The two
        dates are read for a rule asking for an order since the customer
        entered its stage only (NULL for the others)."""
        query = self._search(scope + rule._get_state_domain(partner_ids, state_conditions=False))
        dates = [SQL("NULL::timestamp"), SQL("NULL::date")]
        if rule.ordered_since_entered:
            dates = [
                self._field_to_sql(query.table, "date_entered", query),
                self.env["customer.profile"]._sql_over_tables(
                    {"p": "customer.profile"},
                    "(SELECT %(p.last_order_date)s FROM %(p)s p WHERE %(p.id)s = %(profile)s)",
                    profile=self._field_to_sql(query.table, "profile_id", query),
                ),
            ]
        return query.select(
            self._field_to_sql(query.table, "id", query),
            self._field_to_sql(query.table, "stage_id", query),
            *dates,
            SQL("%s", rank),
        )

    @api.model
    def _sync_states(self, companies, partner_ids=None):
        """Create the missing states (customers with orders or open pipeline in
        a company) in the default stage, with their first history row and
        their customer profile, and link the other states to theirs. Returns
        the ids of the states created."""
        new_ids = self._create_missing_states(companies, partner_ids)
        self._open_first_stays(new_ids)
        return new_ids

    @api.model
    def _open_first_stays(self, state_ids, next_stages=None):
        """Insert the first history row of the states ``state_ids`` (just
        created, in their stage since their creation). Those in
        ``next_stages`` ({state id: stage id}) leave it at once for that
        stage: their row is inserted closed, as a move would close it."""
        if not state_ids:
            return
        next_stages = next_stages or {}
        moving = [state_id for state_id in state_ids if state_id in next_stages]
        now = fields.Datetime.now()
        self.env.cr.execute(
            self.env["customer.profile"]._sql_over_tables(
                {"s": self._name, "h": "customer.lifecycle.history"},
                """
                INSERT INTO %(h)s (
                    %(h:state_id)s, %(h:partner_id)s, %(h:company_id)s, %(h:stage_id)s,
                    %(h:date_entered)s, %(h:date_left)s, %(h:next_stage_id)s, %(h:duration)s,
                    %(h:create_uid)s, %(h:create_date)s, %(h:write_uid)s, %(h:write_date)s)
                SELECT %(s.id)s, %(s.partner_id)s, %(s.company_id)s, %(s.stage_id)s,
                       %(s.date_entered)s, CASE WHEN n.stage_id IS NOT NULL THEN %(now)s END,
                       n.stage_id,
                       CASE WHEN n.stage_id IS NOT NULL THEN ROUND(
                           EXTRACT(EPOCH FROM (%(now)s - %(s.date_entered)s))::numeric / 86400, 2)
                       END,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM %(s)s s
                  LEFT JOIN unnest(%(moving)s::int[], %(next)s::int[]) n (state_id, stage_id)
                    ON n.state_id = %(s.id)s
                 WHERE %(s.id)s = ANY(%(ids)s)
                 ORDER BY %(s.id)s
                """,
                now=now,
                uid=self.env.uid,
                moving=moving,
                next=[next_stages[state_id] for state_id in moving],
                ids=list(state_ids),
            )
        )
        self.env["customer.lifecycle.history"].invalidate_model()

    @api.model
    def _create_missing_states(self, companies, partner_ids=None):
        """Create the missing states (customers with orders or open pipeline in
        a company) in the default stage, without history rows (see
        ``_open_first_stays``), and link every state of ``companies`` to its
        customer profile. Returns the ids of the states created."""
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
                )
                INSERT INTO %(s)s (
                    %(s:partner_id)s, %(s:company_id)s, %(s:profile_id)s, %(s:stage_id)s,
                    %(s:date_entered)s, %(s:locked)s, %(s:create_uid)s, %(s:create_date)s,
                    %(s:write_uid)s, %(s:write_date)s)
                SELECT c.partner_id, c.company_id, p.id, %(stage)s, %(now)s, FALSE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM c
                  LEFT JOIN (%(profiles)s) p
                    ON p.partner_id = c.partner_id AND p.company_id = c.company_id
                 WHERE NOT EXISTS (SELECT 1 FROM %(s2)s s2
                                    WHERE %(s2.partner_id)s = c.partner_id
                                      AND %(s2.company_id)s = c.company_id)
                       %(partner_filter)s
                ON CONFLICT (%(s:partner_id)s, %(s:company_id)s) DO NOTHING
                RETURNING %(s:id)s
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
        new_ids = sorted(row[0] for row in self.env.cr.fetchall())
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
        return new_ids
