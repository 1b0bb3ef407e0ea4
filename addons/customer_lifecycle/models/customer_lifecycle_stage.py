import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CustomerLifecycleStage(models.Model):
    """A stage of the customer lifecycle (prospect, active, churned...)."""

    _name = "customer.lifecycle.stage"
    _description = "Customer Lifecycle Stage"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Technical key of the default stages, used by the default rules and reports.",
        readonly=True,
        copy=False,
    )
    active = fields.Boolean(string="Enabled", default=True)
    fold = fields.Boolean(
        string="Folded in Kanban", help="Fold this stage in the lifecycle kanban."
    )
    color = fields.Integer()
    description = fields.Text(translate=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity on Entry",
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'res.partner')]",
        help="Schedule this activity for the customer's salesperson when a customer "
        "enters the stage.",
    )
    activity_delay = fields.Integer(
        string="Activity Due in (Days)",
        default=3,
        help="Days between entering the stage and the activity's deadline.",
    )
    log_on_timeline = fields.Boolean(
        string="Log on Timeline",
        help="Write a row on the customer's timeline when a customer enters the stage.",
    )

    _sql_constraints = [
        ("code_uniq", "unique (code)", "Two lifecycle stages cannot share a technical code."),
        (
            "activity_delay_positive",
            "CHECK (activity_delay >= 0)",
            "The activity delay cannot be negative.",
        ),
    ]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_default(self):
        if self.filtered("code"):
            raise UserError(
                self.env._("Default lifecycle stages cannot be deleted; archive them instead.")
            )

    @api.model
    def _get_by_code(self, code):
        return self.with_context(active_test=False).search([("code", "=", code)], limit=1)

    @api.model
    def _default_stage(self):
        """The stage of a customer no rule has moved yet."""
        return self._get_by_code("prospect") or self.search([], limit=1)

    def _on_enter(self, histories):
        """Hook: side effects of customers entering ``self`` (one stage).

        ``histories`` are the history rows just opened. Schedules the
        stage's activity for each customer's salesperson and writes the
        timeline rows. Extend it to add effects; call ``super()``.
        """
        self.ensure_one()
        if self.activity_type_id:
            self._schedule_entry_activities(histories)
        if self.log_on_timeline:
            self._log_entries(histories)

    def _log_entries(self, histories):
        """The timeline rows of customers entering ``self``: through
        ``customer.event._add_events``, or for many customers at once (the
        first evaluation of a database) one INSERT ... SELECT of the same
        rows."""
        states = self.env["customer.lifecycle.state"]
        if len(histories) < states._BULK_MOVES:
            self.env["customer.event"].sudo()._add_events(
                [history._timeline_event_values() for history in histories]
            )
            return
        self.env.flush_all()
        # the summary depends on the stage left only: one per stage
        names = SQL(", ").join(
            SQL("(%s, %s)", stage_id, name)
            for stage_id, name in histories._timeline_event_names(self).items()
        )
        self.env.cr.execute(
            self.env["customer.profile"]._sql_over_tables(
                {"e": "customer.event", "h": histories._name, "p": "res.partner"},
                """
                INSERT INTO %(e)s (
                    %(e:partner_id)s, %(e:company_id)s, %(e:event_type)s, %(e:res_model)s,
                    %(e:res_id)s, %(e:date)s, %(e:name)s, %(e:user_id)s,
                    %(e:create_uid)s, %(e:create_date)s, %(e:write_uid)s, %(e:write_date)s)
                SELECT %(p.commercial_partner_id)s, %(h.company_id)s, 'stage_changed',
                       %(model)s, %(h.id)s, %(h.date_entered)s, n.name,
                       COALESCE(%(h.user_id)s, %(uid)s), %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM %(h)s h
                  JOIN %(p)s p ON %(p.id)s = %(h.partner_id)s
                  JOIN (VALUES %(names)s) n (stage_id, name)
                    ON n.stage_id = COALESCE(%(h.from_stage_id)s, 0)
                 WHERE %(h.id)s = ANY(%(ids)s)
                 ORDER BY %(h.id)s
                ON CONFLICT DO NOTHING
                """,
                model=histories._name,
                uid=self.env.uid,
                now=self.env.cr.now(),
                names=names,
                ids=histories.ids,
            )
        )
        self.env["customer.event"].invalidate_model()

    def _schedule_entry_activities(self, histories):
        """The stage's activity for the salesperson of each customer of
        ``histories`` that has one, due ``activity_delay`` days from today.
        Many at once (the first evaluation of a database) are inserted by one
        statement: the same rows, without a notification mail for each."""
        deadline = fields.Date.context_today(self) + datetime.timedelta(days=self.activity_delay)
        summary = self.env._("Customer entered lifecycle stage %(stage)s", stage=self.name)
        if len(histories) >= self.env["customer.lifecycle.state"]._BULK_MOVES:
            self._insert_entry_activities(histories, deadline, summary)
            return
        # only customers with a salesperson get one: found by one query
        histories = histories.search_fetch(
            [("id", "in", histories.ids), ("partner_id.user_id", "!=", False)], ["partner_id"]
        )
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": history.partner_id.id,
                "activity_type_id": self.activity_type_id.id,
                "user_id": history.partner_id.user_id.id,
                "date_deadline": deadline,
                "summary": summary,
            }
            for history in histories
            if history.partner_id.user_id
        ]
        if vals_list:
            self.env["mail.activity"].sudo().create(vals_list)

    def _insert_entry_activities(self, histories, deadline, summary):
        """``_schedule_entry_activities`` for many customers: the activities
        as ``mail.activity.create`` writes them (document name, the
        salesperson's time zone), inserted by one INSERT ... SELECT; then each
        salesperson follows their customers, as that ``create`` does."""
        self.env.flush_all()
        rows = self.env.execute_query(
            self.env["customer.profile"]._sql_over_tables(
                {
                    "a": "mail.activity",
                    "h": histories._name,
                    "p": "res.partner",
                    "u": "res.users",
                    "up": "res.partner",
                },
                """
                INSERT INTO %(a)s (
                    %(a:res_model_id)s, %(a:res_model)s, %(a:res_id)s, %(a:res_name)s,
                    %(a:activity_type_id)s, %(a:user_id)s, %(a:user_tz)s,
                    %(a:date_deadline)s, %(a:summary)s, %(a:active)s,
                    %(a:create_uid)s, %(a:create_date)s, %(a:write_uid)s, %(a:write_date)s)
                SELECT %(model_id)s, %(model)s, %(p.id)s, %(p.complete_name)s,
                       %(type)s, %(u.id)s, %(up.tz)s,
                       %(deadline)s, %(summary)s, TRUE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM %(h)s h
                  JOIN %(p)s p ON %(p.id)s = %(h.partner_id)s
                  JOIN %(u)s u ON %(u.id)s = %(p.user_id)s
                  JOIN %(up)s up ON %(up.id)s = %(u.partner_id)s
                 WHERE %(h.id)s = ANY(%(ids)s)
                 ORDER BY %(h.id)s
                RETURNING %(a:user_id)s, %(a:res_id)s
                """,
                model_id=self.env["ir.model"]._get_id("res.partner"),
                model="res.partner",
                type=self.activity_type_id.id,
                deadline=deadline,
                summary=summary,
                uid=self.env.uid,
                now=self.env.cr.now(),
                ids=histories.ids,
            )
        )
        self.env["mail.activity"].invalidate_model()
        customers_by_user = {}
        for user_id, partner_id in rows:
            customers_by_user.setdefault(user_id, []).append(partner_id)
        users = self.env["res.users"].sudo().browse(customers_by_user)
        for user in users:
            self.env["res.partner"].sudo().browse(customers_by_user[user.id])._message_subscribe(
                partner_ids=user.partner_id.ids
            )
        if deadline <= fields.Date.context_today(self):
            users._bus_send("mail.activity/updated", {"activity_created": True})
