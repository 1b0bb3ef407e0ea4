from odoo import api, fields, models


class CustomerSegmentMailWizard(models.TransientModel):
    """Send a personalised mail to the contacts of a segment."""

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

    @api.depends("segment_id")
    def _compute_recipients(self):
        Mailing = self.env["customer.segment.mailing"]
        for wizard in self:
            wizard.recipient_count = wizard.skipped_count = 0
            wizard.skipped_summary = False
            if not wizard.segment_id or wizard.segment_id.domain_error:
                continue
            reasons = Mailing._classify_recipients(wizard.segment_id._get_partners())
            skipped = [reason for reason in reasons.values() if reason]
            wizard.recipient_count = len(reasons) - len(skipped)
            wizard.skipped_count = len(skipped)
            wizard.skipped_summary = Mailing._skip_summary_text(skipped)

    def action_send(self):
        self.ensure_one()
        segment = self.segment_id
        segment._get_partners()  # refuses a segment whose domain became invalid
        mailing = self.env["customer.segment.mailing"].create(
            {
                "name": self.env._(
                    "%(segment)s: %(template)s",
                    segment=segment.name,
                    template=self.template_id.name,
                ),
                "segment_id": segment.id,
                "template_id": self.template_id.id,
            }
        )
        mailing._send()
        if mailing.skipped_count:
            message = self.env._(
                "Recipients: %(sent)s queued, %(skipped)s skipped (%(reasons)s).",
                sent=mailing.sent_count,
                skipped=mailing.skipped_count,
                reasons=mailing._skip_summary(),
            )
        else:
            message = self.env._("Recipients: %(sent)s queued.", sent=mailing.sent_count)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if mailing.skipped_count else "success",
                "title": self.env._("Mailing %(mailing)s", mailing=mailing.name),
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
