from odoo import fields, models
from odoo.tools import SQL

from .customer_segment_mailing import SKIP_REASONS


class CustomerSegmentMailingLine(models.Model):
    """A contact of a segment mailing: sent, pending or skipped with a reason.

    An audit record: created by the server when the recipients are frozen,
    updated by the server when it is sent or skipped; users and managers
    only read it (the system administrator alone may correct it).
    """

    _name = "customer.segment.mailing.line"
    _description = "Customer Segment Mailing Recipient"
    _order = "mailing_id desc, state, id"
    _rec_name = "partner_id"
    # tens of thousands of lines are inserted at the click: every column with
    # a foreign key costs a check per row, so who and when are the mailing's
    # (user, date) and the message's (author, date), and the company the
    # mailing's
    _log_access = False

    # searched through the unique index (mailing_id, partner_id)
    mailing_id = fields.Many2one(
        "customer.segment.mailing", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="mailing_id.company_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    email = fields.Char(readonly=True, help="The contact's email when the mailing was sent.")
    state = fields.Selection(
        [("pending", "To Send"), ("sent", "Sent"), ("skipped", "Skipped")],
        required=True,
        readonly=True,
        default="pending",
    )
    skip_reason = fields.Selection(SKIP_REASONS, readonly=True)
    message_id = fields.Many2one(
        "mail.message", string="Message", readonly=True, ondelete="set null"
    )

    _sql_constraints = [
        (
            "mailing_partner_uniq",
            "unique (mailing_id, partner_id)",
            "A contact receives a mailing once.",
        ),
        (
            "skipped_has_reason",
            "CHECK (state != 'skipped' OR skip_reason IS NOT NULL)",
            "A skipped recipient has the reason why.",
        ),
    ]

    def init(self):
        # the next pending lines of a mailing, batch after batch
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS customer_segment_mailing_line_pending_index"
                " ON %s (mailing_id, id) WHERE state = 'pending'",
                SQL.identifier(self._table),
            )
        )
