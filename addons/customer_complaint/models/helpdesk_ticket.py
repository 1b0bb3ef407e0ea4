import threading
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .complaint_data import SEVERITIES, SLA_STATES
from .working_time import WorkingTimePlanner

# fields whose change the customer facts depend on
FACT_FIELDS = {
    "is_complaint",
    "type_id",
    "complaint_severity",
    "stage_id",
    "partner_id",
    "company_id",
    "active",
    "complaint_date",
}
# complaints escalated per batch of the cron (each batch commits)
ESCALATION_BATCH = 500
# from this many complaints, their next escalations are planned with the
# work intervals of their calendars read once (``WorkingTimePlanner``)
PLANNED_TOGETHER = 8


class HelpdeskTicket(models.Model):
    """A ticket whose type is a complaint type is a complaint: it gets a
    category, a severity, the order and products concerned, an SLA in
    working hours, an escalation matrix and compensations."""

    _inherit = "helpdesk.ticket"

    is_complaint = fields.Boolean(
        related="type_id.is_complaint", store=True, index=True, string="Complaint"
    )
    complaint_date = fields.Datetime(
        string="Received",
        default=fields.Datetime.now,
        copy=False,
        help="When the complaint was received; its SLA counts from here.",
    )
    complaint_category_id = fields.Many2one(
        "customer.complaint.category",
        string="Complaint Category",
        index=True,
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    complaint_severity = fields.Selection(
        SEVERITIES, string="Severity", default="medium", tracking=True, index=True
    )
    complaint_order_id = fields.Many2one(
        "sale.order",
        string="Order Concerned",
        index="btree_not_null",
        tracking=True,
        domain="[('partner_id', 'child_of', commercial_partner_id), "
        "('company_id', '=', company_id), ('state', '=', 'sale')]",
    )
    complaint_product_ids = fields.Many2many(
        "product.product",
        "helpdesk_ticket_complaint_product_rel",
        "ticket_id",
        "product_id",
        string="Products Concerned",
        domain="[('id', 'in', complaint_order_product_ids)]",
    )
    complaint_order_product_ids = fields.Many2many(
        "product.product", compute="_compute_complaint_order_product_ids"
    )
    complaint_cause_id = fields.Many2one(
        "customer.complaint.cause", string="Root Cause", index=True, tracking=True
    )
    complaint_cause_note = fields.Text(string="Root Cause Analysis")
    complaint_corrective_action = fields.Text(string="Corrective Action")
    complaint_preventive_action = fields.Text(string="Preventive Action")
    complaint_resolution = fields.Text(string="Resolution Summary")
    complaint_sla_id = fields.Many2one(
        "customer.complaint.sla",
        string="SLA",
        compute="_compute_complaint_deadlines",
        store=True,
    )
    complaint_response_deadline = fields.Datetime(
        string="First Response Deadline", compute="_compute_complaint_deadlines", store=True
    )
    complaint_resolution_deadline = fields.Datetime(
        string="Resolution Deadline", compute="_compute_complaint_deadlines", store=True
    )
    complaint_first_response_date = fields.Datetime(
        string="First Response", copy=False, readonly=True
    )
    complaint_response_hours = fields.Float(
        string="First Response Time (working hours)",
        readonly=True,
        copy=False,
        aggregator="avg",
    )
    complaint_resolution_hours = fields.Float(
        string="Resolution Time (working hours)", readonly=True, copy=False, aggregator="avg"
    )
    complaint_sla_state = fields.Selection(
        SLA_STATES,
        string="SLA State",
        compute="_compute_complaint_sla_state",
        search="_search_complaint_sla_state",
    )
    complaint_sla_met = fields.Boolean(
        string="SLA Met",
        readonly=True,
        copy=False,
        help="Set when the complaint is closed: resolved within its resolution deadline.",
    )
    complaint_sla_rate = fields.Float(
        string="SLA Compliance (%)",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="100 for a complaint closed within its resolution deadline, 0 otherwise: "
        "its average is the SLA compliance rate.",
    )
    complaint_escalation_level = fields.Integer(
        string="Escalation Level", readonly=True, copy=False, default=0
    )
    complaint_escalation_due = fields.Datetime(
        string="Next Escalation",
        compute="_compute_complaint_escalation_due",
        store=True,
        index="btree_not_null",
        copy=False,
    )
    complaint_escalation_ids = fields.One2many(
        "customer.complaint.escalation", "ticket_id", string="Escalations", readonly=True
    )
    complaint_compensation_ids = fields.One2many(
        "customer.complaint.compensation", "ticket_id", string="Compensations"
    )
    complaint_compensation_cost = fields.Monetary(
        string="Compensation Cost",
        compute="_compute_complaint_compensation_cost",
        currency_field="complaint_currency_id",
    )
    complaint_currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends("complaint_compensation_ids.cost", "complaint_compensation_ids.state")
    def _compute_complaint_compensation_cost(self):
        for ticket in self:
            ticket.complaint_compensation_cost = sum(
                ticket.complaint_compensation_ids.filtered(
                    lambda compensation: compensation.state == "done"
                ).mapped("cost")
            )

    # ------------------------------------------------------------------
    # Order and products: the customer's own
    # ------------------------------------------------------------------

    @api.depends("complaint_order_id")
    def _compute_complaint_order_product_ids(self):
        # read as superuser: the agent handling the complaint need not be
        # allowed to read the order itself (a salesperson of other orders)
        for ticket in self:
            ticket.complaint_order_product_ids = ticket._complaint_order_products()

    def _complaint_order_products(self):
        """The products of the order concerned, in the ticket's environment."""
        self.ensure_one()
        return self.sudo().complaint_order_id.order_line.product_id.with_env(self.env)

    @api.onchange("complaint_order_id")
    def _onchange_complaint_order_id(self):
        self.complaint_product_ids = self.complaint_product_ids & self._complaint_order_products()

    @api.constrains("complaint_order_id", "complaint_product_ids", "partner_id", "company_id")
    def _check_complaint_order(self):
        for ticket in self.sudo():
            order = ticket.complaint_order_id
            if order:
                customer = ticket.partner_id.commercial_partner_id
                if not customer or order.partner_id.commercial_partner_id != customer:
                    raise ValidationError(
                        self.env._(
                            "Complaint %(ticket)s: order %(order)s is not an order of the "
                            "complaint's customer.",
                            ticket=ticket.display_name,
                            order=order.name,
                        )
                    )
                if order.company_id != ticket.company_id:
                    raise ValidationError(
                        self.env._(
                            "Complaint %(ticket)s: order %(order)s belongs to another company.",
                            ticket=ticket.display_name,
                            order=order.name,
                        )
                    )
            foreign = ticket.complaint_product_ids - order.order_line.product_id
            if foreign:
                raise ValidationError(
                    self.env._(
                        "Complaint %(ticket)s: %(products)s not in the order concerned.",
                        ticket=ticket.display_name,
                        products=", ".join(foreign.mapped("display_name")),
                    )
                )

    # ------------------------------------------------------------------
    # SLA
    # ------------------------------------------------------------------

    def _complaint_calendar(self):
        """The working calendar of the complaint's team (OCA helpdesk_mgmt_sla
        gives teams one), else its company's."""
        self.ensure_one()
        return (
            self.team_id.resource_calendar_id
            or self.company_id.resource_calendar_id
            or self.env.company.resource_calendar_id
        )

    @api.depends(
        "is_complaint",
        "complaint_severity",
        "complaint_category_id",
        "team_id",
        "company_id",
        "complaint_date",
    )
    def _compute_complaint_deadlines(self):
        complaints = self.filtered(lambda t: t.is_complaint and t.complaint_date)
        policies = self.env["customer.complaint.sla"]._policies(complaints.company_id)
        for ticket in self - complaints:
            ticket.complaint_sla_id = False
            ticket.complaint_response_deadline = False
            ticket.complaint_resolution_deadline = False
        for ticket in complaints:
            sla = policies._best(
                policies.filtered(lambda p, t=ticket: p.company_id == t.company_id),
                ticket.complaint_severity,
                ticket.complaint_category_id,
                ticket.team_id,
            )
            ticket.complaint_sla_id = sla
            if not sla:
                ticket.complaint_response_deadline = False
                ticket.complaint_resolution_deadline = False
                continue
            calendar = ticket._complaint_calendar()
            start = ticket.complaint_date
            ticket.complaint_response_deadline = calendar.plan_hours(
                sla.response_hours, start, compute_leaves=True
            )
            ticket.complaint_resolution_deadline = calendar.plan_hours(
                sla.resolution_hours, start, compute_leaves=True
            )

    @api.depends(
        "complaint_response_deadline",
        "complaint_resolution_deadline",
        "complaint_first_response_date",
        "closed_date",
        "stage_id",
        "complaint_sla_id",
    )
    def _compute_complaint_sla_state(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.complaint_sla_state = ticket._complaint_sla_state_at(now)

    def _complaint_sla_state_at(self, now):
        self.ensure_one()
        if not self.is_complaint or not self.complaint_sla_id:
            return False
        closed = self.stage_id.closed
        breached = False
        close = False
        checks = [(self.complaint_resolution_deadline, self.closed_date if closed else None)]
        checks.append((self.complaint_response_deadline, self.complaint_first_response_date))
        calendar = self._complaint_calendar()
        for deadline, done in checks:
            if not deadline:
                continue
            if done:
                breached |= done > deadline
            elif closed:
                continue
            elif now > deadline:
                breached = True
            elif (
                calendar.get_work_hours_count(now, deadline, compute_leaves=True)
                <= self.complaint_sla_id.warning_hours
            ):
                close = True
        if breached:
            return "breached"
        return "close" if close else "on_time"

    def _search_complaint_sla_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise ValidationError(self.env._("Unsupported search on the SLA state."))
        values = {value} if isinstance(value, str) else set(value or ())
        candidates = self.search([("is_complaint", "=", True), ("complaint_sla_id", "!=", False)])
        now = fields.Datetime.now()
        ids = [t.id for t in candidates if t._complaint_sla_state_at(now) in values]
        positive = operator in ("=", "in")
        return [("id", "in" if positive else "not in", ids)]

    def _complaint_working_hours(self, start, end):
        self.ensure_one()
        if not start or not end or end <= start:
            return 0.0
        return self._complaint_calendar().get_work_hours_count(start, end, compute_leaves=True)

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------

    @api.depends(
        "is_complaint",
        "complaint_severity",
        "complaint_escalation_level",
        "complaint_response_deadline",
        "complaint_resolution_deadline",
        "complaint_first_response_date",
        "stage_id",
        "active",
    )
    def _compute_complaint_escalation_due(self):
        rules = self._complaint_escalation_rules()
        planners = self._complaint_planners()
        for ticket in self:
            _rule, due = ticket._complaint_next_escalation(
                rules, ticket.complaint_escalation_level, planners
            )
            ticket.complaint_escalation_due = due or False

    def _complaint_planners(self):
        """{calendar: WorkingTimePlanner over the deadlines of these
        complaints}, or {} for fewer than ``PLANNED_TOGETHER`` complaints
        (each planned by its calendar's ``plan_hours``)."""
        complaints = self.filtered("is_complaint")
        if len(complaints) < PLANNED_TOGETHER:
            return {}
        deadlines = defaultdict(list)
        for ticket in complaints:
            deadlines[ticket._complaint_calendar()] += [
                ticket.complaint_response_deadline,
                ticket.complaint_resolution_deadline,
            ]
        return {
            calendar: WorkingTimePlanner(calendar, moments)
            for calendar, moments in deadlines.items()
            if calendar
        }

    def _complaint_escalation_rules(self):
        """{(company id, severity): rules by level} of the complaints' companies."""
        complaints = self.filtered("is_complaint")
        by_key = defaultdict(list)
        if not complaints:
            return by_key
        rules = (
            self.env["customer.complaint.escalation.rule"]
            .sudo()
            .search([("company_id", "in", complaints.company_id.ids)], order="level")
        )
        for rule in rules:
            by_key[(rule.company_id.id, rule.severity)].append(rule)
        return by_key

    def _complaint_next_escalation(self, rules, level, planners=None):
        """(rule, due date) of the next level above ``level`` that can still
        be reached, or (None, None). ``planners``: ``_complaint_planners``
        of a set of complaints holding this one."""
        self.ensure_one()
        if not self.is_complaint or not self.active or self.stage_id.closed:
            return None, None
        calendar = self._complaint_calendar()
        planner = (planners or {}).get(calendar)
        for rule in rules.get((self.company_id.id, self.complaint_severity), ()):
            if rule.level <= level:
                continue
            due = rule._due_date(self, calendar, planner)
            if due:
                return rule, due
        return None, None

    @api.model
    def _cron_escalate_complaints(self, batch_size=ESCALATION_BATCH):
        """Escalate every complaint whose next level is due, batch by batch,
        each batch committed: a run stopped midway resumes where it was, and
        a complaint reaches each level once."""
        total = 0
        while (escalated := self._escalate_next_batch(batch_size)) is not None:
            total += escalated
            if not getattr(threading.current_thread(), "testing", False):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return total

    @api.model
    def _escalate_next_batch(self, batch_size=ESCALATION_BATCH):
        """Escalate the next batch of complaints due (locked); the number
        of escalations, or None when none is due."""
        tickets = self._complaint_lock_due(batch_size)
        if not tickets:
            return None
        return tickets._escalate_complaints()

    @api.model
    def _complaint_lock_due(self, limit, now=None):
        """The next ``limit`` complaints due for escalation that no other
        transaction holds (one indexed SELECT), locked until the commit."""
        self.flush_model(["complaint_escalation_due"])
        rows = self.env.execute_query(
            self.env["customer.profile"]._sql_over_tables(
                {"t": "helpdesk.ticket"},
                """SELECT %(t.id)s FROM %(t)s t
                    WHERE %(t.complaint_escalation_due)s <= %(now)s
                    ORDER BY %(t.complaint_escalation_due)s, %(t.id)s
                    LIMIT %(limit)s FOR UPDATE SKIP LOCKED""",
                now=now or fields.Datetime.now(),
                limit=limit,
            )
        )
        return self.sudo().browse([row[0] for row in rows])

    def _escalate_complaints(self, now=None):
        """Reach every level now due of these complaints: an escalation row,
        an activity per person notified, a message in the chatter and a row
        on the customer's timeline. Returns the number of escalations."""
        now = now or fields.Datetime.now()
        rules = self._complaint_escalation_rules()
        planners = self._complaint_planners()
        managers = self._complaint_managers()
        escalation_vals, new_levels = [], {}
        for ticket in self:
            level = ticket.complaint_escalation_level
            while True:
                rule, due = ticket._complaint_next_escalation(rules, level, planners)
                if not rule or due > now:
                    break
                users = ticket._complaint_escalation_users(rule, managers)
                escalation_vals.append(
                    {
                        "ticket_id": ticket.id,
                        "rule_id": rule.id,
                        "level": rule.level,
                        "date": now,
                        "user_ids": [fields.Command.set(users.ids)],
                        "company_id": ticket.company_id.id,
                        "partner_id": ticket.commercial_partner_id.id,
                        "team_id": ticket.team_id.id,
                    }
                )
                level = rule.level
            if level != ticket.complaint_escalation_level:
                new_levels[ticket.id] = level
        if not escalation_vals:
            # nothing reachable any more: the due date moves on by itself
            self.invalidate_recordset(["complaint_escalation_due"])
            self._recompute_escalation_due()
            return 0
        escalations = self.env["customer.complaint.escalation"].sudo().create(escalation_vals)
        self._complaint_escalation_activities(escalations)
        self._complaint_escalation_messages(escalations)
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": escalation.partner_id.id,
                    "company_id": escalation.company_id.id,
                    "event_type": "complaint_escalated",
                    "res_model": escalation._name,
                    "res_id": escalation.id,
                    "date": escalation.date,
                    "name": self.env._(
                        "%(ticket)s escalated to level %(level)s",
                        ticket=escalation.ticket_id.display_name,
                        level=escalation.level,
                    ),
                }
                for escalation in escalations
                if escalation.partner_id
            ]
        )
        per_level = defaultdict(list)
        for ticket_id, level in new_levels.items():
            per_level[level].append(ticket_id)
        for level, ticket_ids in per_level.items():
            self.browse(ticket_ids).write({"complaint_escalation_level": level})
        self._recompute_escalation_due()
        return len(escalations)

    def _recompute_escalation_due(self):
        """Tickets whose next level cannot be reached get no due date."""
        self.env.add_to_compute(self._fields["complaint_escalation_due"], self)
        self.flush_recordset(["complaint_escalation_due"])

    @api.model
    def _complaint_managers(self):
        group = self.env.ref("helpdesk_mgmt.group_helpdesk_manager")
        return group.sudo().users.filtered(lambda user: user.active and not user.share)

    def _complaint_escalation_users(self, rule, managers):
        self.ensure_one()
        if rule.recipients == "users":
            users = rule.user_ids
        elif rule.recipients == "managers":
            users = managers.filtered(lambda user: self.company_id in user.company_ids)
        else:
            users = self.team_id.user_id or self.user_id
        return users or self.user_id or managers[:1]

    def _complaint_escalation_activities(self, escalations):
        """One activity per complaint and person notified, for the highest
        level the complaint reached in this run."""
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        levels = {}
        for escalation in escalations:
            for user in escalation.user_ids:
                key = (escalation.ticket_id.id, user.id)
                levels[key] = max(levels.get(key, 0), escalation.level)
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": ticket_id,
                    "activity_type_id": activity_type.id,
                    "user_id": user_id,
                    "date_deadline": today,
                    "summary": self.env._("Escalated complaint (level %(level)s)", level=level),
                }
                for (ticket_id, user_id), level in levels.items()
            ]
        )

    def _complaint_escalation_messages(self, escalations):
        per_ticket = defaultdict(list)
        for escalation in escalations:
            per_ticket[escalation.ticket_id].append(escalation)
        bodies = {}
        for ticket, items in per_ticket.items():
            lines = [
                self.env._(
                    "Escalated to level %(level)s: %(users)s notified.",
                    level=escalation.level,
                    users=", ".join(escalation.user_ids.mapped("name")) or "-",
                )
                for escalation in items
            ]
            bodies[ticket.id] = Markup("<br/>").join(lines)
        tickets = self.browse(list(bodies))
        tickets._message_log_batch(bodies=bodies)

    # ------------------------------------------------------------------
    # Lifecycle of a complaint
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        complaints = tickets.filtered("is_complaint")
        if complaints:
            complaints._complaint_opened_events()
            complaints._queue_complaint_facts()
        return tickets

    def write(self, vals):
        before = self._complaint_fact_keys() if FACT_FIELDS.intersection(vals) else None
        stage = self.env["helpdesk.ticket.stage"].browse(vals.get("stage_id"))
        closing = self.filtered(lambda t: t.is_complaint and not t.stage_id.closed)
        responding = self.filtered(lambda t: t.is_complaint and not t.complaint_first_response_date)
        result = super().write(vals)
        if vals.get("stage_id"):
            now = fields.Datetime.now()
            if not stage.unattended:
                for ticket in responding.filtered(lambda t: not t.complaint_first_response_date):
                    ticket.complaint_first_response_date = now
                    ticket.complaint_response_hours = ticket._complaint_working_hours(
                        ticket.complaint_date, now
                    )
            if stage.closed and closing:
                closing._complaint_closed(now)
        if "type_id" in vals:
            self.filtered("is_complaint")._complaint_opened_events()
        if before is not None:
            self._queue_complaint_facts(before)
        return result

    def _complaint_closed(self, now):
        """Closing complaints: resolution time and SLA, a timeline row, and
        the satisfaction request (OCA helpdesk_mgmt_rating's mail) when the
        closing stage sends none itself."""
        for ticket in self:
            if not ticket.complaint_first_response_date:
                ticket.complaint_first_response_date = now
                ticket.complaint_response_hours = ticket._complaint_working_hours(
                    ticket.complaint_date, now
                )
            ticket.complaint_resolution_hours = ticket._complaint_working_hours(
                ticket.complaint_date, now
            )
            deadline = ticket.complaint_resolution_deadline
            ticket.complaint_sla_met = bool(deadline) and now <= deadline
            ticket.complaint_sla_rate = 100.0 if ticket.complaint_sla_met else 0.0
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": ticket.commercial_partner_id.id,
                    "company_id": ticket.company_id.id,
                    "event_type": "complaint_closed",
                    "res_model": ticket._name,
                    "res_id": ticket.id,
                    "date": now,
                    "name": ticket.display_name,
                    "user_id": ticket.user_id.id,
                }
                for ticket in self
                if ticket.commercial_partner_id
            ]
        )
        self._complaint_request_rating()

    def _complaint_request_rating(self):
        template = self.env.ref(
            "helpdesk_mgmt_rating.rating_ticket_email_template", raise_if_not_found=False
        )
        for ticket in self:
            if (
                not template
                or ticket.rating_status != "stage_change"
                or ticket.stage_id.rating_mail_template_id
                or not ticket.partner_id
            ):
                # the stage sends its own request (helpdesk_mgmt_rating)
                continue
            ticket.sudo().rating_send_request(template, lang=ticket.partner_id.lang)

    def _complaint_opened_events(self):
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": ticket.commercial_partner_id.id,
                    "company_id": ticket.company_id.id,
                    "event_type": "complaint_opened",
                    "res_model": ticket._name,
                    "res_id": ticket.id,
                    "date": ticket.complaint_date or fields.Datetime.now(),
                    "name": ticket.display_name,
                    "user_id": ticket.user_id.id,
                }
                for ticket in self
                if ticket.commercial_partner_id
            ]
        )

    def _complaint_fact_keys(self):
        return {
            (ticket.commercial_partner_id.id, ticket.company_id.id)
            for ticket in self.sudo()
            if ticket.is_complaint and ticket.commercial_partner_id
        }

    def _queue_complaint_facts(self, before=None):
        """Queue the customers whose complaint facts change for a refresh
        after the commit (the core's facts queue)."""
        keys = self._complaint_fact_keys() | (before or set())
        if keys:
            self.env["customer.profile.queue"].sudo()._enqueue(keys)

    def _compute_rating_last_value(self):
        result = super()._compute_rating_last_value()
        rated = self.filtered(lambda t: t.is_complaint and t.rating_last_value)
        if rated:
            pending = self.env.cr.precommit.data.setdefault("customer_complaint.rated", set())
            if not pending:
                self.env.cr.precommit.add(self._complaint_rated_after_flush)
            pending.update(rated.ids)
        return result

    def _complaint_rated_after_flush(self):
        """A rating landed on complaints: timeline rows and their customers'
        facts (average satisfaction) queued for a refresh."""
        ticket_ids = self.env.cr.precommit.data.pop("customer_complaint.rated", set())
        tickets = self.sudo().browse(sorted(ticket_ids)).exists()
        ratings = (
            self.env["rating.rating"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", tickets.ids),
                    ("consumed", "=", True),
                ]
            )
        )
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": ticket.commercial_partner_id.id,
                    "company_id": ticket.company_id.id,
                    "event_type": "complaint_rated",
                    "res_model": rating._name,
                    "res_id": rating.id,
                    "date": rating.write_date,
                    "name": ticket.display_name,
                    "amount": rating.rating,
                }
                for rating in ratings
                for ticket in tickets.filtered(lambda t, r=rating: t.id == r.res_id)
                if ticket.commercial_partner_id
            ]
        )
        tickets._queue_complaint_facts()
        self.env.flush_all()

    # ------------------------------------------------------------------
    # Customer facts (customer.profile reads it)
    # ------------------------------------------------------------------

    @api.model
    def _complaint_facts_query(self, partner_ids, since):
        """Per (commercial partner, company) of ``partner_ids``: open
        complaints, the highest open severity rank, complaints received
        since ``since`` and the average satisfaction rating."""
        severity_rank = SQL(" ").join(
            SQL("WHEN %s THEN %s", key, rank)
            for rank, (key, _label) in enumerate(SEVERITIES, start=1)
        )
        return self.env["customer.profile"]._sql_over_tables(
            {"t": "helpdesk.ticket", "s": "helpdesk.ticket.stage"},
            """
            SELECT %(t.commercial_partner_id)s AS partner_id, %(t.company_id)s AS company_id,
                   COUNT(*) FILTER (WHERE NOT COALESCE(%(s.closed)s, FALSE)) AS open_count,
                   MAX(CASE %(t.complaint_severity)s %(ranks)s END)
                     FILTER (WHERE NOT COALESCE(%(s.closed)s, FALSE)) AS open_rank,
                   COUNT(*) FILTER (WHERE %(t.complaint_date)s >= %(since)s) AS year_count,
                   AVG(%(t.rating_last_value)s) FILTER (WHERE %(t.rating_last_value)s > 0)
                     AS csat
              FROM %(t)s t
              LEFT JOIN %(s)s s ON %(s.id)s = %(t.stage_id)s
             WHERE %(t.is_complaint)s AND %(t.active)s
               AND %(t.commercial_partner_id)s = ANY(%(partners)s)
             GROUP BY %(t.commercial_partner_id)s, %(t.company_id)s
            """,
            ranks=severity_rank,
            since=since,
            partners=self.env["customer.profile"]._sql_id_array(partner_ids),
        )

    @api.model
    def _complaint_since(self):
        return fields.Datetime.now() - timedelta(days=365)
