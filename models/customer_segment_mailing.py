from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, split_every

SKIP_REASONS = [
    ("no_email", "No email"),
    ("invalid_email", "Invalid email"),
    ("blacklisted", "Blacklisted"),
    ("duplicate", "Same email as another recipient"),
]


class CustomerSegmentMailing(models.Model):
    """One personalised mail sent to a segment: who got it, who was skipped and why.

    Its recipients are frozen at the first send (one line per contact), and
    sending again only processes the lines still pending, so nobody receives
    the same mailing twice.
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
        "res.users", string="Sent By", readonly=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    state = fields.Selection(
        [("draft", "To Send"), ("done", "Sent")], default="draft", readonly=True, required=True
    )
    line_ids = fields.One2many(
        "customer.segment.mailing.line", "mailing_id", string="Recipients", readonly=True
    )
    sent_count = fields.Integer(string="Sent", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    no_email_count = fields.Integer(string="No Email", readonly=True)
    invalid_email_count = fields.Integer(string="Invalid Email", readonly=True)
    blacklisted_count = fields.Integer(string="Blacklisted", readonly=True)
    duplicate_count = fields.Integer(string="Duplicate Email", readonly=True)

    # ------------------------------------------------------------------
    # Recipients
    # ------------------------------------------------------------------
    @api.model
    def _classify_recipients(self, partners):
        """Return {partner id: skip reason or False} for ``partners``.

        Reasons, in this order: no email, invalid email, blacklisted, and an
        email already used by an older contact (lower id) of the list.
        """
        blacklisted = set(partners.filtered("is_blacklisted").ids)
        seen = set()
        result = {}
        for partner in partners.sorted("id"):
            normalized = email_normalize(partner.email) if partner.email else False
            if not partner.email:
                reason = "no_email"
            elif not normalized:
                reason = "invalid_email"
            elif partner.id in blacklisted:
                reason = "blacklisted"
            elif normalized in seen:
                reason = "duplicate"
            else:
                reason = False
            if normalized:
                seen.add(normalized)
            result[partner.id] = reason
        return result

    def _create_lines(self):
        """Freeze the segment's contacts as this mailing's recipients."""
        self.ensure_one()
        partners = self.segment_id._get_partners()
        reasons = self._classify_recipients(partners)
        self.env["customer.segment.mailing.line"].create(
            [
                {
                    "mailing_id": self.id,
                    "partner_id": partner.id,
                    "email": partner.email,
                    "state": "skipped" if reasons[partner.id] else "pending",
                    "skip_reason": reasons[partner.id],
                }
                for partner in partners
            ]
        )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _send(self, batch_size=500):
        """Queue one mail per pending recipient; safe to call again."""
        self.ensure_one()
        if not self.line_ids:
            self._create_lines()
        pending = self.line_ids.filtered(lambda line: line.state == "pending")
        for batch in split_every(batch_size, pending.ids, self.line_ids.browse):
            self._send_batch(batch)
        self._update_counts()
        self.state = "done"

    def _send_batch(self, lines):
        """Render the template for each line's contact, post it in the contact's
        chatter and queue the email (mail.mail, sent by the mail queue)."""
        partners = lines.partner_id
        subtype = self.env.ref("customer_relationship.mt_customer_segment_mailing")
        composer = (
            self.env["mail.compose.message"]
            .sudo()
            .with_context(mail_notify_force_send=False, mail_create_nosubscribe=True)
            .create(
                {
                    "composition_mode": "comment",
                    "model": "res.partner",
                    "res_ids": str(partners.ids),
                    "template_id": self.template_id.id,
                    "message_type": "comment",
                    "subtype_id": subtype.id,
                    "author_id": self.env.user.partner_id.id,
                    "force_send": False,
                    "auto_delete": True,
                }
            )
        )
        _mails, messages = composer._action_send_mail()
        message_by_partner = {message.res_id: message for message in messages}
        for line in lines:
            line.write(
                {
                    "state": "sent",
                    "message_id": message_by_partner.get(line.partner_id.id, False),
                }
            )
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
        groups = self.env["customer.segment.mailing.line"]._read_group(
            [("mailing_id", "in", self.ids)],
            ["mailing_id", "state", "skip_reason"],
            ["__count"],
        )
        for mailing in self:
            counts = {
                (state, reason): count
                for line_mailing, state, reason, count in groups
                if line_mailing == mailing
            }
            by_reason = {
                reason: sum(c for (_s, r), c in counts.items() if r == reason)
                for reason, _label in SKIP_REASONS
            }
            mailing.write(
                {
                    "sent_count": sum(c for (s, _r), c in counts.items() if s == "sent"),
                    "skipped_count": sum(by_reason.values()),
                    "no_email_count": by_reason["no_email"],
                    "invalid_email_count": by_reason["invalid_email"],
                    "blacklisted_count": by_reason["blacklisted"],
                    "duplicate_count": by_reason["duplicate"],
                }
            )

    @api.model
    def _skip_summary_text(self, reasons):
        """ "2 blacklisted, 1 without email" for a list of skip reasons."""
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
        }
        return ", ".join(
            phrases[reason](counts[reason]) for reason, _label in SKIP_REASONS if counts[reason]
        )

    def _skip_summary(self):
        self.ensure_one()
        skipped = self.line_ids.filtered(lambda line: line.state == "skipped")
        return self._skip_summary_text(skipped.mapped("skip_reason"))

    def action_send(self):
        """Send what is still pending (a mailing interrupted midway)."""
        for mailing in self:
            if mailing.state == "done":
                raise UserError(
                    self.env._("Mailing %(mailing)s was already sent.", mailing=mailing.name)
                )
            mailing._send()
        return True

    @api.readonly
    def action_open_recipients(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_relationship.customer_segment_mailing_line_action"
        )
        action["domain"] = [("mailing_id", "=", self.id)]
        return action
