from odoo import api, fields, models


class CustomerSegmentMailWizard(models.TransientModel):
    """Send a personalised mail to the contacts of a segment: the only way to
    start a segment mailing."""

    _name = "customer.segment.mail.wizard"
    _description = "Send a Personalised Mail to a Segment"

    segment_id = fields.Many2one("customer.segment", required=True, ondelete="cascade")
    template_id = fields.Many2one(
        "mail.template",
        string="Mail Template",
        required=True,
        domain=[("model", "=", "res.partner")],
        default=lambda self: self.env.ref(
            "customer_relationship.mail_template_customer_segment", raise_if_not_found=False
        ),
    )
    recipient_count = fields.Integer(string="Recipients", compute="_compute_recipients")
    skipped_count = fields.Integer(string="Skipped", compute="_compute_recipients")
    skipped_summary = fields.Char(string="Skipped Because", compute="_compute_recipients")

    @api.depends("segment_id", "template_id")
    def _compute_recipients(self):
        mailings = self.env["customer.segment.mailing"]
        for wizard in self:
            wizard.recipient_count = wizard.skipped_count = 0
            wizard.skipped_summary = False
            if not wizard.segment_id or wizard.segment_id.domain_error:
                continue
            counts = mailings._recipient_counts(wizard.segment_id, wizard.template_id)
            wizard.recipient_count = counts.pop(None, 0)
            wizard.skipped_count = sum(counts.values())
            wizard.skipped_summary = mailings._skip_summary_text(counts)

    @api.constrains("template_id")
    def _check_template(self):
        for wizard in self:
            self.env["customer.segment.mailing"]._check_template(wizard.template_id)

    def action_send(self):
        """Create the mailing, freeze its recipients and queue the sending."""
        self.ensure_one()
        mailing = self.env["customer.segment.mailing"]._start(self.segment_id, self.template_id)
        if mailing.skipped_count:
            message = self.env._(
                "Mailing queued. Recipients: %(count)s; skipped: %(skipped)s (%(reasons)s).",
                count=mailing.pending_count,
                skipped=mailing.skipped_count,
                reasons=mailing._skip_summary(),
            )
        else:
            message = self.env._(
                "Mailing queued. Recipients: %(count)s.", count=mailing.pending_count
            )
        return mailing._started_notification(
            self.env._("Mailing %(mailing)s", mailing=mailing.name),
            message,
            {"type": "ir.actions.act_window_close"},
        )
