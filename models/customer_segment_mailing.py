import logging
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

SKIP_REASONS = [
    ("no_email", "No email"),
    ("invalid_email", "Invalid email"),
    ("blacklisted", "Blacklisted"),
    ("duplicate", "Same email as another recipient"),
    ("not_in_segment", "No longer in the segment"),
    ("other_company", "Contact of another company"),
]
# reasons found again when a line is sent (a duplicate is decided once, when
# the recipients are frozen)
SEND_TIME_REASONS = ("no_email", "invalid_email", "blacklisted")
CRON_XMLID = "customer_relationship.ir_cron_customer_segment_mailing"
BATCH_SIZE_PARAM = "customer_relationship.segment_mailing_batch_size"
BATCH_SIZE = 500
# first key of the advisory lock a mailing's sender holds (the second is its id)
LOCK_KEY = 7436101
# what a mailing renders from its template, per contact
RENDER_FIELDS = [
    "subject",
    "body_html",
    "email_from",
    "reply_to",
    "lang",
    "partner_to",
    "report_template_ids",
]


class CustomerSegmentMailing(models.Model):
    """One personalised mail sent to a segment: who got it, who was skipped and why.

    The user's click creates the mailing and freezes its recipients in one
    statement (one line per contact, pending or skipped with its reason);
    the mails are then rendered and queued by deferred work, one batch per
    transaction (``_send_next_batch``), so nobody receives the same mailing
    twice and a stopped run resumes with the lines still pending. Mailings
    and lines are written by the server only.
    """

    _name = "customer.segment.mailing"
    _description = "Customer Segment Mailing"
    _order = "date desc, id desc"

    name = fields.Char(required=True, readonly=True)
    segment_id = fields.Many2one(
        "customer.segment", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        related="segment_id.company_id", store=True, index=True, precompute=True
    )
    template_id = fields.Many2one(
        "mail.template",
        string="Mail Template",
        required=True,
        readonly=True,
        ondelete="restrict",
        domain=[("model", "=", "res.partner")],
    )
    user_id = fields.Many2one(
        "res.users",
        string="Sent By",
        readonly=True,
        default=lambda self: self.env.user,
        help="The mails are rendered with this user's access rights.",
    )
    date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    state = fields.Selection(
        [("draft", "To Send"), ("sending", "Sending"), ("done", "Sent")],
        default="draft",
        readonly=True,
        required=True,
    )
    line_ids = fields.One2many(
        "customer.segment.mailing.line", "mailing_id", string="Recipients", readonly=True
    )
    pending_count = fields.Integer(string="Queued", readonly=True)
    sent_count = fields.Integer(string="Sent", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    no_email_count = fields.Integer(string="No Email", readonly=True)
    invalid_email_count = fields.Integer(string="Invalid Email", readonly=True)
    blacklisted_count = fields.Integer(string="Blacklisted", readonly=True)
    duplicate_count = fields.Integer(string="Duplicate Email", readonly=True)
    not_in_segment_count = fields.Integer(string="Left the Segment", readonly=True)
    other_company_count = fields.Integer(string="Other Company", readonly=True)
    progress = fields.Float(
        compute="_compute_progress", help="Share of the recipients sent or skipped."
    )

    @api.depends("pending_count", "sent_count", "skipped_count")
    def _compute_progress(self):
        for mailing in self:
            total = mailing.pending_count + mailing.sent_count + mailing.skipped_count
            done = mailing.sent_count + mailing.skipped_count
            mailing.progress = 100.0 * done / total if total else 0.0

    @api.constrains("template_id")
    def _check_template_model(self):
        for mailing in self:
            mailing._check_template(mailing.template_id, access=False)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.model
    def _check_template(self, template, access=True):
        """Refuse a template that is not for contacts or, with ``access``,
        that the template's environment user cannot read."""
        if template.sudo().model != "res.partner":
            raise ValidationError(
                self.env._(
                    "Mail template %(template)s is not a template for contacts: a segment "
                    "mailing uses templates of contacts only.",
                    template=template.sudo().display_name,
                )
            )
        if access:
            template.check_access("read")

    # ------------------------------------------------------------------
    # Recipients
    # ------------------------------------------------------------------
    @api.model
    def _recipients_query(self, partners):
        """The SELECT of ``partner_id``, ``email`` and ``skip_reason`` (NULL:
        to send) of the contacts ``partners`` (an SQL subquery of their ids),
        classified in one pass.

        Reasons, in this order: no email, invalid email, blacklisted, and an
        email already used by an older contact (lower id) of the set. Extend
        it to skip more contacts (add the reason to ``SKIP_REASONS``).
        """
        return self.env["customer.profile"]._sql_over_tables(
            {"p": "res.partner", "bl": "mail.blacklist"},
            """
            SELECT %(p.id)s AS partner_id, %(p.email)s AS email,
                   CASE WHEN COALESCE(%(p.email)s, '') = '' THEN 'no_email'
                        WHEN %(p.email_normalized)s IS NULL THEN 'invalid_email'
                        WHEN EXISTS (SELECT 1 FROM %(bl)s bl
                                      WHERE %(bl.email)s = %(p.email_normalized)s
                                        AND %(bl.active)s) THEN 'blacklisted'
                        WHEN row_number() OVER (PARTITION BY %(p.email_normalized)s
                                                ORDER BY %(p.id)s) > 1 THEN 'duplicate'
                   END AS skip_reason
              FROM %(p)s p
             WHERE %(p.id)s IN %(partners)s
            """,
            partners=partners,
        )

    @api.model
    def _segment_recipients_query(self, segment):
        """``_recipients_query`` of the contacts of ``segment`` now, as the
        user of the segment's environment sees them; UserError if its
        conditions cannot be used."""
        domain = segment._condition_domain()
        partners = segment._condition_target()._search(segment._condition_full_domain(domain))
        return self._recipients_query(partners.subselect())

    @api.model
    def _recipient_counts(self, segment, template):
        """{skip reason or None: number of contacts} of ``segment`` now, as a
        mailing of ``template`` would freeze them: counted on an unsaved
        mailing, so that the reasons a module adds for some templates (see
        ``_recipients_query``) are counted too."""
        preview = self.new({"segment_id": segment.id, "template_id": template.id})
        rows = self.env.execute_query(
            SQL(
                "SELECT r.skip_reason, count(*) FROM (%s) r GROUP BY r.skip_reason",
                preview._segment_recipients_query(segment),
            )
        )
        return dict(rows)

    def _freeze_recipients(self):
        """Store the segment's contacts as this mailing's lines, pending or
        skipped with their reason, in one INSERT .. SELECT; the segment is
        read with the rights of the mailing's user."""
        self.ensure_one()
        segment = self.segment_id.with_user(self.user_id)
        line_model = self.env["customer.segment.mailing.line"]
        self.env.execute_query(
            self.env["customer.profile"]._sql_over_tables(
                {"l": "customer.segment.mailing.line"},
                """
                INSERT INTO %(l)s (%(l:mailing_id)s, %(l:partner_id)s, %(l:email)s,
                                   %(l:state)s, %(l:skip_reason)s)
                SELECT %(mailing)s, r.partner_id, r.email,
                       CASE WHEN r.skip_reason IS NULL THEN 'pending' ELSE 'skipped' END,
                       r.skip_reason
                  FROM (%(recipients)s) r
                """,
                mailing=self.id,
                recipients=self._segment_recipients_query(segment),
            )
        )
        line_model.invalidate_model()
        self.invalidate_recordset(["line_ids"])

    # ------------------------------------------------------------------
    # Starting
    # ------------------------------------------------------------------
    @api.model
    def _start(self, segment, template):
        """Create the current user's mailing of ``segment`` with ``template``,
        freeze its recipients and queue its sending; returns the mailing.
        Checks the user's rights first: nothing is written if one fails."""
        self._check_template(template)
        segment.check_access("read")
        segment._condition_domain()  # refuses conditions that cannot be used
        mailing = self.sudo().create(
            {
                "name": self.env._(
                    "%(segment)s: %(template)s",
                    segment=segment.name,
                    template=template.name,
                ),
                "segment_id": segment.id,
                "template_id": template.id,
                "user_id": self.env.uid,
                "state": "sending",
            }
        )
        mailing._freeze_recipients()
        mailing._update_counts()
        mailing._queue()
        return mailing.with_env(self.env)

    def _queue(self):
        """Have the pending lines of these mailings sent by deferred work."""
        for mailing in self:
            self.env["customer.work"]._defer(
                mailing,
                "_send_next_batch",
                (),
                cron=CRON_XMLID,
                channel="mailing",
                key=f"customer.segment.mailing:{mailing.id}",
                description=self.env._("Segment mailing %(mailing)s", mailing=mailing.name),
            )

    # ------------------------------------------------------------------
    # Sending: deferred work
    # ------------------------------------------------------------------
    def _batch_size(self, batch_size=None):
        if batch_size:
            return batch_size
        param = self.env["ir.config_parameter"].sudo().get_param(BATCH_SIZE_PARAM)
        return int(param or 0) or BATCH_SIZE

    def _send_next_batch(self, batch_size=None):
        """Work unit: send the next batch of pending lines of this mailing, in
        this transaction; True when lines remain. Called from a job with lines
        remaining, it defers itself again (one job per batch)."""
        self.ensure_one()
        remaining = self._process_next_batch(batch_size)
        if remaining is None:
            return True  # another worker sends this mailing and defers its rest
        if remaining:
            self._queue()
        return remaining

    def _process_next_batch(self, batch_size=None):
        """Lock and send the next pending lines; True when lines remain,
        False when none does, None when another transaction is sending this
        mailing. The mails, the lines' state and the counts are written in
        the same transaction: a batch is sent whole or not at all."""
        self.ensure_one()
        mailing = self.sudo()
        if mailing.state == "done":
            return False
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_KEY, mailing.id))
        if not cr.fetchone()[0]:
            return None
        self._check_template(mailing.template_id.with_user(mailing.user_id))
        lines = mailing._lock_pending_lines(mailing._batch_size(batch_size))
        if lines:
            skipped = mailing._send_time_reasons(lines)
            for reason in set(skipped.values()):
                lines.filtered(lambda line, reason=reason: skipped.get(line) == reason).write(
                    {"state": "skipped", "skip_reason": reason}
                )
            to_send = lines.filtered(lambda line: line not in skipped)
            if to_send:
                mailing._send_batch(to_send)
        mailing._update_counts()
        return bool(mailing.pending_count)

    def _lock_pending_lines(self, limit):
        """The next ``limit`` pending lines, locked for this transaction
        (lines another transaction holds are left to it)."""
        line_model = self.env["customer.segment.mailing.line"].sudo()
        rows = self.env.execute_query(
            self.env["customer.profile"]._sql_over_tables(
                {"l": "customer.segment.mailing.line"},
                """
                SELECT %(l.id)s FROM %(l)s l
                 WHERE %(l.mailing_id)s = %(mailing)s AND %(l.state)s = 'pending'
                 ORDER BY %(l.id)s
                 LIMIT %(limit)s
                   FOR UPDATE SKIP LOCKED
                """,
                mailing=self.id,
                limit=limit,
            )
        )
        return line_model.browse([row[0] for row in rows])

    def _send_time_reasons(self, lines):
        """{line: skip reason} of the ``lines`` not to send now: a contact of
        another company than the mailing's, no longer in the segment (as the
        mailing's user sees it), or whose email became unusable or
        blacklisted."""
        self.ensure_one()
        partners = lines.partner_id
        segment = self.segment_id.with_user(self.user_id)
        segment._condition_domain()  # refuses conditions that cannot be used
        in_segment = set(segment._condition_search([("id", "in", partners.ids)]).ids)
        email_reasons = dict(
            self.env.execute_query(
                SQL(
                    "SELECT r.partner_id, r.skip_reason FROM (%s) r",
                    self._recipients_query(SQL("%s", tuple(partners.ids))),
                )
            )
        )
        reasons = {}
        for line in lines:
            partner = line.partner_id
            if partner.company_id and partner.company_id != self.company_id:
                reasons[line] = "other_company"
            elif partner.id not in in_segment:
                reasons[line] = "not_in_segment"
            elif email_reasons.get(partner.id) in SEND_TIME_REASONS:
                reasons[line] = email_reasons[partner.id]
        return reasons

    def _send_batch(self, lines):
        """Render the template for each line's contact with the rights of the
        mailing's user, post it in the contact's chatter (as superuser) and
        queue the email (mail.mail, sent by the mail queue); mark the lines
        sent."""
        self.ensure_one()
        partners = lines.partner_id
        user = self.user_id
        template = self.template_id.with_user(user).with_company(self.company_id)
        template._send_check_access(partners.ids)
        rendered = template._generate_template(partners.ids, RENDER_FIELDS)
        template = template.sudo()
        static_attachments = [(a.name, a.raw) for a in template.attachment_ids]
        common = {
            "author_id": user.partner_id.id,
            "message_type": "comment",
            "subtype_id": self.env.ref("customer_relationship.mt_customer_segment_mailing").id,
            "email_layout_xmlid": template.email_layout_xmlid,
            "mail_auto_delete": template.auto_delete,
            "mail_server_id": template.mail_server_id.id,
        }
        poster = (
            self.env["res.partner"]
            .sudo()
            .with_context(mail_notify_force_send=False, mail_create_nosubscribe=True)
        )
        message_by_partner = {}
        for partner in partners:
            values = rendered[partner.id]
            message = poster.browse(partner.id).message_post(
                **common,
                subject=values["subject"],
                body=values["body_html"],
                email_from=values["email_from"] or user.email_formatted,
                partner_ids=values.get("partner_ids", []),
                attachments=[*values.get("attachments", []), *static_attachments],
                force_email_lang=values["lang"],
                **({"reply_to": values["reply_to"]} if values["reply_to"] else {}),
            )
            message_by_partner[partner.id] = message.id
        line_model = self.env["customer.segment.mailing.line"]
        line_model.flush_model()
        self.env.execute_query(
            line_model.env["customer.profile"]._sql_over_tables(
                {"l": "customer.segment.mailing.line"},
                """
                UPDATE %(l)s l
                   SET %(l:state)s = 'sent', %(l:message_id)s = v.message_id
                  FROM unnest(%(line_ids)s::int[], %(message_ids)s::int[])
                       AS v(line_id, message_id)
                 WHERE %(l.id)s = v.line_id
                """,
                line_ids=lines.ids,
                message_ids=[message_by_partner.get(line.partner_id.id) for line in lines],
            )
        )
        lines.invalidate_recordset(["state", "message_id"])
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "event_type": "mailing",
                    "res_model": self._name,
                    "res_id": self.id,
                    "name": self.name,
                    "user_id": self.user_id.id,
                }
                for partner in partners
            ]
        )

    def _update_counts(self):
        """Store the counts of the lines per state and skip reason; a mailing
        without pending lines is done."""
        groups = (
            self.env["customer.segment.mailing.line"]
            .sudo()
            ._read_group(
                [("mailing_id", "in", self.ids)],
                ["mailing_id", "state", "skip_reason"],
                ["__count"],
            )
        )
        for mailing in self:
            counts = Counter()
            for line_mailing, state, reason, count in groups:
                if line_mailing == mailing:
                    counts[state] += count
                    counts[reason] += count
            values = {
                "pending_count": counts["pending"],
                "sent_count": counts["sent"],
                "skipped_count": counts["skipped"],
            }
            for reason, _label in SKIP_REASONS:
                if f"{reason}_count" in self._fields:
                    values[f"{reason}_count"] = counts[reason]
            if not counts["pending"] and mailing.state != "draft":
                values["state"] = "done"
            mailing.sudo().write(values)

    @api.model
    def _cron_send_mailings(self, batch_size=None):
        """Send the pending lines of every mailing being sent, batch by batch,
        each batch in a transaction of its own. A mailing that cannot be sent
        now (its template or segment became unusable) is logged and left for
        a later run."""
        mailings = self.sudo().search([("state", "=", "sending")], order="id")
        for mailing in mailings:
            remaining = True
            while remaining:
                try:
                    with self.env.cr.savepoint():
                        remaining = mailing._process_next_batch(batch_size)
                except UserError as error:
                    _logger.warning("Segment mailing %s not sent: %s", mailing.id, error)
                    remaining = False
                if not self.env.registry.in_test_mode():
                    self.env.cr.commit()  # pylint: disable=invalid-commit

    def _send(self, batch_size=None):
        """Freeze the recipients if not done yet and send every pending line
        now, in this transaction; safe to call again."""
        self.ensure_one()
        mailing = self.sudo()
        mailing._prepare_sending()
        while mailing._process_next_batch(batch_size):
            pass

    def _prepare_sending(self):
        """Draft mailings: freeze their recipients (unless they have lines
        already) and mark them being sent."""
        for mailing in self.filtered(lambda mailing: mailing.state == "draft"):
            if not mailing.line_ids:
                mailing._freeze_recipients()
            mailing.state = "sending"

    # ------------------------------------------------------------------
    # Summaries
    # ------------------------------------------------------------------
    @api.model
    def _skip_summary_text(self, reasons):
        """ "2 blacklisted, 1 without email" for skip reasons (a list, or a
        mapping of reasons to counts)."""
        counts = Counter(reasons)
        phrases = {
            "no_email": lambda count: self.env._("%(count)s without email", count=count),
            "invalid_email": lambda count: self.env._(
                "%(count)s with an invalid email", count=count
            ),
            "blacklisted": lambda count: self.env._("%(count)s blacklisted", count=count),
            "duplicate": lambda count: self.env._(
                "%(count)s with the email of another recipient", count=count
            ),
            "not_in_segment": lambda count: self.env._(
                "%(count)s no longer in the segment", count=count
            ),
            "other_company": lambda count: self.env._("%(count)s of another company", count=count),
        }
        return ", ".join(
            phrases[reason](counts[reason])
            for reason, _label in SKIP_REASONS
            if counts[reason] and reason in phrases
        )

    def _skip_summary(self):
        self.ensure_one()
        return self._skip_summary_text(
            {
                reason: self[f"{reason}_count"]
                for reason, _label in SKIP_REASONS
                if f"{reason}_count" in self._fields
            }
        )

    def _started_notification(self, title, message, next_action):
        """The notification telling the user who started this mailing what
        was queued: ``message``, a warning when recipients were skipped."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if self.skipped_count else "success",
                "title": title,
                "message": message,
                "next": next_action,
            },
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_send(self):
        """Send what is still pending (a mailing interrupted midway): managers
        only; the sending is queued again."""
        self.env["customer.profile"]._check_customer_manager(
            self.env._("Only customer relationship managers can resume a mailing.")
        )
        for mailing in self:
            if mailing.state == "done":
                raise UserError(
                    self.env._("Mailing %(mailing)s was already sent.", mailing=mailing.name)
                )
        self.sudo()._prepare_sending()
        self._queue()
        return True

    @api.readonly
    def action_open_recipients(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_relationship.customer_segment_mailing_line_action"
        )
        action["domain"] = [("mailing_id", "=", self.id)]
        return action
