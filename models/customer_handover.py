import threading
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

OPEN_QUOTATION_STATES = ("draft", "sent")
# fields of moved records whose change is logged in their chatter, when tracked
MOVE_TRACKED_FIELDS = ("user_id", "team_id")
# customers above which a handover is applied later, in batches (setting)
DEFER_THRESHOLD_PARAM = "customer_relationship.handover_defer_threshold"
DEFER_THRESHOLD = 1000
# customers moved per batch of a deferred handover (setting)
BATCH_SIZE_PARAM = "customer_relationship.handover_batch_size"
BATCH_SIZE = 500

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
    """A handover of a salesperson's customers to one or more successors.

    Recorded by the handover wizard (``customer.handover.wizard``), one line
    per customer. A small handover is applied in the wizard's transaction;
    a large one is *queued* and applied in batches by
    ``_apply_next_batch`` (from the cron, or from a job queue), each batch
    marking its lines moved in the transaction that moves them.

    Handovers and their lines are audit records: managers read them, only
    the server writes them (through ``sudo`` once the wizard checked the
    rights), and only system administrators may change or delete them.
    """

    _name = "customer.handover"
    _description = "Customer Handover"
    _inherit = ["mail.thread"]
    # managers read handovers and may comment on them, not change them
    _mail_post_access = "read"
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
        [("draft", "Draft"), ("queued", "Queued"), ("done", "Done")],
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
        self.check_access("read")
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

    # ------------------------------------------------------------------
    # What moves
    # ------------------------------------------------------------------

    @api.model
    def _collect(self, leaver, company, customers):
        """What moves with ``customers`` from ``leaver`` in ``company``: a
        dict of (sudo) recordsets.

        ``contacts``: the customers and their contacts of the company (or
        shared) assigned to the leaver; ``leads``: open opportunities,
        ``orders``: open quotations and ``activities``: the leaver's
        activities on the customers, their contacts, those opportunities
        and those quotations. Callers check the user's rights first.
        """
        env = self.env(su=True)
        if not customers or not leaver:
            return {
                "contacts": env["res.partner"],
                "leads": env["crm.lead"],
                "orders": env["sale.order"],
                "activities": env["mail.activity"],
            }
        partners = env["res.partner"].search(
            [
                ("commercial_partner_id", "in", customers.ids),
                ("company_id", "in", [False, company.id]),
            ]
        )
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

    @api.model
    def _count_per_customer(self, moves):
        """{customer id: {opportunity_count, quotation_count, activity_count}}"""
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

    # ------------------------------------------------------------------
    # Applying
    # ------------------------------------------------------------------

    @api.model
    def _defer_threshold(self):
        """Customers above which a handover runs deferred (system parameter
        ``customer_relationship.handover_defer_threshold``, default 1,000)."""
        return self._int_param(DEFER_THRESHOLD_PARAM, DEFER_THRESHOLD)

    @api.model
    def _batch_size(self):
        """Customers per batch of a deferred handover (system parameter
        ``customer_relationship.handover_batch_size``, default 500)."""
        return self._int_param(BATCH_SIZE_PARAM, BATCH_SIZE)

    @api.model
    def _int_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return max(int(value), 1) if value else default
        except ValueError:
            return default

    def _defer_apply(self):
        """Queue this handover: its lines are applied in batches, later."""
        self.ensure_one()
        self.sudo().state = "queued"
        self.env["customer.work"]._defer(
            self,
            "_apply_next_batch",
            (),
            cron="customer_relationship.ir_cron_customer_handover",
            channel="handover",
            key=f"customer.handover:{self.id}",
            description=self.env._(
                "Customer handover %(reference)s: %(count)s customers",
                reference=self.name,
                count=self.customer_count,
            ),
        )

    def _apply_next_batch(self, batch_size=None):
        """Work unit of a queued handover: move the next batch of customers
        whose lines are not moved yet, and mark those lines moved in the
        same transaction. Lines are locked ``FOR UPDATE SKIP LOCKED``, so
        concurrent workers take different customers, and a batch rolled back
        is taken again. Returns True when lines remain. Called outside the
        cron (from a job), it defers itself again while lines remain."""
        self.ensure_one()
        handover = self.sudo()
        if handover.state != "queued":
            return False
        lines = handover._lock_pending_lines(batch_size or self._batch_size())
        if lines:
            handover._apply_lines(lines)
        if not handover._pending_lines(1):
            handover.state = "done"
            return False
        if not self.env.context.get("customer_handover_cron"):
            handover._defer_apply()
        return True

    @api.model
    def _cron_apply_handovers(self):
        """Apply the queued handovers batch by batch, committing each batch
        (a run stopped midway resumes with the lines not moved yet)."""
        handovers = self.sudo().search([("state", "=", "queued")], order="id")
        for handover in handovers.with_context(customer_handover_cron=True):
            while handover._apply_next_batch():
                self._commit_batch()
            self._commit_batch()

    def _commit_batch(self):
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _pending_lines(self, limit):
        return self.env["customer.handover.line"].search(
            [("handover_id", "=", self.id), ("state", "=", "pending")], limit=limit, order="id"
        )

    def _lock_pending_lines(self, limit):
        """The next ``limit`` lines not moved yet that no other transaction
        holds, locked until this transaction ends."""
        lines = self.env["customer.handover.line"]
        lines.flush_model(["handover_id", "state"])
        rows = self.env.execute_query(
            SQL(
                """SELECT %(id)s FROM %(table)s
                    WHERE %(handover)s = %(handover_id)s AND %(state)s = 'pending'
                    ORDER BY %(id)s LIMIT %(limit)s FOR UPDATE SKIP LOCKED""",
                id=SQL.identifier("id"),
                table=SQL.identifier(lines._table),
                handover=SQL.identifier("handover_id"),
                state=SQL.identifier("state"),
                handover_id=self.id,
                limit=limit,
            )
        )
        return lines.browse([row[0] for row in rows])

    def _apply_lines(self, lines, moves=None):
        """Move the customers of ``lines`` (pending lines of this handover)
        and what goes with them to their successors, mark the lines moved,
        then tell the customers' chatter and timeline. ``moves`` (from
        ``_collect``) when the caller collected them already."""
        self.ensure_one()
        if moves is None:
            moves = self._collect(self.user_id, self.company_id, lines.partner_id)
        plan = {line.partner_id.id: line.to_user_id for line in lines}
        self._reassign(plan, moves)
        self._write_line_counts(lines, self._count_per_customer(moves))
        self._log_handover_on_customers(lines)
        self._add_handover_events(lines)

    @api.model
    def _write_line_counts(self, lines, counts):
        """Mark ``lines`` moved with what moved with their customer: one
        write per distinct set of counts."""
        per_counts = defaultdict(list)
        for line in lines:
            values = counts[line.partner_id.id]
            per_counts[tuple(sorted(values.items()))].append(line.id)
        for values, line_ids in per_counts.items():
            lines.browse(line_ids).write({**dict(values), "state": "done"})

    def _reassign(self, plan, moves):
        """Give every record of ``moves`` (from ``_collect``) its customer's
        successor in ``plan`` ({customer id: successor}) as ``user_id``:
        one write per kind of record and successor."""
        self.ensure_one()
        owner = self._customer_of(moves)
        for key, records in moves.items():
            per_successor = defaultdict(list)
            for record in records:
                per_successor[plan[owner[(record._name, record.id)]]].append(record.id)
            for successor, record_ids in per_successor.items():
                group = records.browse(record_ids)
                if key == "activities":
                    self._move_activities(group, successor)
                else:
                    self._move_records(group, successor)

    def _moved_values(self, records, successor):
        """[(records, values)]: the writes that give ``records`` (of one
        model) to ``successor``. Opportunities keep their sales team when
        the successor is one of its members, else take the successor's
        default team, as when a user is assigned in the form."""
        if records._name != "crm.lead":
            return [(records, {"user_id": successor.id})]
        teams = self.env["crm.team"].with_company(self.company_id)
        per_team = defaultdict(list)
        targets = {}
        for lead in records:
            key = (lead.team_id, lead.type)
            if key not in targets:
                team = lead.team_id
                if not team or successor not in (team.member_ids | team.user_id):
                    use = "use_leads" if lead.type == "lead" else "use_opportunities"
                    team = teams._get_default_team_id(
                        user_id=successor.id, domain=[(use, "=", True)]
                    )
                targets[key] = team
            per_team[targets[key]].append(lead.id)
        return [
            (records.browse(lead_ids), {"user_id": successor.id, "team_id": team.id})
            for team, lead_ids in per_team.items()
        ]

    def _move_records(self, records, successor):
        """Give ``records`` (sudo, of one model) to ``successor`` in grouped
        writes. On documents with a chatter, as a write in the form would:
        the successor follows them, and the change of salesperson (and
        sales team) is logged on each, in one batch of messages; the
        successor gets no e-mail per record."""
        track = "message_ids" in records._fields and not self.env.context.get("tracking_disable")
        fnames = [
            fname for fname in MOVE_TRACKED_FIELDS if track and fname in records._track_get_fields()
        ]
        initial = {record.id: {fname: record[fname] for fname in fnames} for record in records}
        quiet = records.with_context(tracking_disable=True, mail_auto_subscribe_no_notify=True)
        for subset, values in self._moved_values(quiet, successor):
            if subset._name == "res.partner":
                # the ORM's write syncs each contact with its children, one
                # query each, for fields a handover does not change
                self._update_by_sql(subset, values)
            else:
                subset.write(values)
        if not track:
            return
        records._message_subscribe(partner_ids=successor.partner_id.ids)
        if not fnames:
            return
        field_info = records.fields_get(
            fnames, attributes=("string", "type", "selection", "currency_field")
        )
        changes = {}
        for record in records:
            tracking_values = record._mail_track(field_info, initial[record.id])[1]
            if tracking_values:
                changes[record.id] = [command[2] for command in tracking_values]
        if not changes:
            return
        changed = records.browse(list(changes))
        messages = changed._message_log_batch(
            bodies=dict.fromkeys(changed.ids, ""), author_id=self.done_by_id.partner_id.id
        )
        self.env["mail.tracking.value"].sudo().create(
            [
                {**values, "mail_message_id": message.id}
                for message in messages
                for values in changes[message.res_id]
            ]
        )

    def _move_activities(self, activities, successor):
        """Give ``activities`` (sudo) to ``successor`` in one statement; the
        successor follows their documents and the assignees' activity
        counters are refreshed, as when an activity is reassigned, without
        one e-mail per activity."""
        self._update_by_sql(activities, {"user_id": successor.id})
        per_model = defaultdict(set)
        for activity in activities:
            per_model[activity.res_model].add(activity.res_id)
        for model_name, res_ids in per_model.items():
            documents = self.env[model_name].sudo().browse(sorted(res_ids))
            if "message_ids" in documents._fields:
                documents._message_subscribe(partner_ids=successor.partner_id.ids)
        if activities.filtered(lambda act: act.date_deadline <= fields.Date.today()):
            successor._bus_send("mail.activity/updated", {"activity_created": True})
            self.user_id._bus_send("mail.activity/updated", {"activity_deleted": True})

    def _update_by_sql(self, records, values):
        """Write ``values`` (stored fields) on ``records`` in one statement:
        the ORM's caches invalidated and the fields' dependents marked for
        recomputation, as a write would; no override of ``write`` runs."""
        fnames = list(values)
        records.flush_recordset(fnames)
        assignments = SQL(", ").join(
            SQL("%s = %s", SQL.identifier(fname), value) for fname, value in values.items()
        )
        self.env.execute_query(
            SQL(
                "UPDATE %s SET %s, write_uid = %s, write_date = %s WHERE id IN %s",
                SQL.identifier(records._table),
                assignments,
                self.env.uid,
                self.env.cr.now(),
                tuple(records.ids),
            )
        )
        records.invalidate_recordset([*fnames, "write_uid", "write_date"])
        records.modified(fnames)

    def _log_handover_on_customers(self, lines):
        """A note on each moved customer's chatter: who had it, who has it now."""
        self.ensure_one()
        bodies = {
            line.partner_id.id: self.env._(
                "Customer handed over from %(from_user)s to %(to_user)s",
                from_user=self.user_id.name,
                to_user=line.to_user_id.name,
            )
            for line in lines
        }
        lines.partner_id._message_log_batch(
            bodies=bodies, author_id=self.done_by_id.partner_id.id, message_type="comment"
        )

    def _add_handover_events(self, lines):
        """One timeline row per moved customer, pointing to this handover."""
        self.ensure_one()
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": line.partner_id.id,
                    "company_id": self.company_id.id,
                    "event_type": "handover",
                    "res_model": self._name,
                    "res_id": self.id,
                    "date": self.date,
                    "user_id": self.done_by_id.id,
                    "name": self.env._(
                        "%(reference)s: %(from_user)s to %(to_user)s",
                        reference=self.name,
                        from_user=self.user_id.name,
                        to_user=line.to_user_id.name,
                    ),
                }
                for line in lines
            ]
        )
