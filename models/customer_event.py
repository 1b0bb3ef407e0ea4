from odoo import api, fields, models
from odoo.tools import SQL, float_repr


class CustomerEvent(models.Model):
    """The customer timeline: one row per meaningful event about a customer.

    Rows are written by the modules, never by hand, through
    ``_add_events``, in the transaction of their cause. A cause (event type,
    source record, customer) gives at most one row.
    """

    _name = "customer.event"
    _description = "Customer Timeline Event"
    _inherit = ["customer.audit.mixin"]
    _order = "date desc, id desc"
    _rec_name = "name"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    event_type = fields.Selection(
        [
            ("quotation_sent", "Quotation sent"),
            ("order_confirmed", "Order confirmed"),
            ("order_cancelled", "Order cancelled"),
            ("invoice_paid", "Invoice paid"),
            ("handover", "Customer handover"),
            ("mailing", "Personalised mail"),
        ],
        string="Type",
        required=True,
        readonly=True,
        index=True,
    )
    name = fields.Char(string="Summary", readonly=True)
    amount = fields.Monetary(readonly=True, help="In the company's currency.")
    user_id = fields.Many2one(
        "res.users", string="By", readonly=True, default=lambda self: self.env.user
    )
    res_model = fields.Char(string="Source Model", readonly=True, required=True)
    res_id = fields.Many2oneReference(string="Source ID", model_field="res_model", readonly=True)
    source_ref = fields.Reference(
        selection="_selection_source_model", string="Source", compute="_compute_source_ref"
    )

    _sql_constraints = [
        (
            "cause_uniq",
            "unique (event_type, res_model, res_id, partner_id)",
            "This event is already on the customer's timeline.",
        ),
    ]

    @api.model
    def _selection_source_model(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_source_ref(self):
        for event in self:
            if event.res_model in self.env and event.res_id:
                event.source_ref = f"{event.res_model},{event.res_id}"
            else:
                event.source_ref = False

    @api.model
    def _add_events(self, vals_list):
        """Write timeline rows; return the ones created.

        Each dict holds ``partner_id`` (its commercial partner is used),
        ``company_id``, ``event_type``, ``res_model`` and ``res_id`` (the
        cause), and optionally ``date``, ``name``, ``amount``, ``user_id``.
        A row whose cause is already on the timeline, or twice in
        ``vals_list``, is skipped, so callers may call it again safely.
        Plugins add event types with ``selection_add`` on ``event_type``.
        """
        if not vals_list:
            return self.browse()
        partners = self.env["res.partner"].browse({vals["partner_id"] for vals in vals_list})
        commercial = {partner.id: partner.commercial_partner_id.id for partner in partners}
        rows = {}
        for vals in vals_list:
            vals = dict(vals, partner_id=commercial[vals["partner_id"]])
            key = (vals["event_type"], vals["res_model"], vals["res_id"], vals["partner_id"])
            rows.setdefault(key, vals)
        return self._insert_new_events(list(rows.values()))

    @api.model
    def _insert_new_events(self, vals_list):
        """One ``INSERT .. ON CONFLICT DO NOTHING`` of ``vals_list``; the rows
        created, as ``create`` would leave them (defaults, log columns).

        A cause another transaction wrote first is skipped without a unique
        violation: if that transaction committed after this one's snapshot,
        PostgreSQL reports a serialization failure instead, which Odoo
        retries, and the retry skips the row.
        """
        events = self.sudo()
        now = self.env.cr.now()
        log = {"create_uid": self.env.uid, "create_date": now}
        log.update(write_uid=self.env.uid, write_date=now)
        # the defaults do not depend on the row: asked once for all rows
        missing = {
            name
            for name, field in events._fields.items()
            if field.store and field.column_type and not field.compute
        } - set(log)
        missing = {name for name in missing if any(name not in vals for vals in vals_list)}
        defaults = events.default_get(sorted(missing)) if missing else {}
        rows = [{**log, **defaults, **vals} for vals in vals_list]
        columns = sorted(
            {
                name
                for row in rows
                for name in row
                if events._fields[name].store and events._fields[name].column_type
            }
        )
        currencies = {}
        if any(events._fields[name].type == "monetary" for name in columns):
            companies = self.env["res.company"].browse({row["company_id"] for row in rows})
            currencies = {company.id: company.currency_id for company in companies}
        values = SQL(", ").join(
            SQL(
                "(%s)",
                SQL(", ").join(
                    events._column_value(events._fields[name], row, currencies)
                    if name in row
                    else SQL("DEFAULT")
                    for name in columns
                ),
            )
            for row in rows
        )
        ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    INSERT INTO %s (%s) VALUES %s
                    ON CONFLICT (event_type, res_model, res_id, partner_id) DO NOTHING
                    RETURNING id
                    """,
                    SQL.identifier(self._table),
                    SQL(", ").join(SQL.identifier(name) for name in columns),
                    values,
                )
            )
        ]
        created = self.browse(ids)
        if created:
            created._after_insert(columns, rows)
        return created

    def _column_value(self, field, row, currencies):
        """The SQL parameter of ``field`` in ``row``. Amounts of the timeline
        are in the company's currency: rounded with the currencies of the
        rows' companies, read once, where the generic conversion would build
        a new record per row to find its currency."""
        value = row[field.name]
        if field.type == "monetary" and field.get_currency_field(self) == "currency_id":
            currency = currencies[row["company_id"]]
            return float_repr(currency.round(float(value or 0.0)), currency.decimal_places)
        return field.convert_to_column_insert(value, self, row)

    def _after_insert(self, columns, rows):
        """What ``create`` does after its INSERT: the one2many fields listing
        the new rows (a customer's timeline) and the fields computed from them
        see them."""
        for name in columns:
            field = self._fields[name]
            for inverse in self.pool.field_inverses[field]:
                targets = {row[name] for row in rows if row.get(name)}
                self.env[inverse.model_name].browse(targets).invalidate_recordset([inverse.name])
        with self.env.protecting([self._fields[name] for name in columns], self):
            self.modified(columns, create=True)
        self._validate_fields(columns)
