from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": invoice.commercial_partner_id.id,
                    "company_id": invoice.company_id.id,
                    "event_type": "invoice_paid",
                    "res_model": invoice._name,
                    "res_id": invoice.id,
                    "name": invoice.name,
                    "amount": invoice.amount_total_signed,
                }
                for invoice in invoices
            ]
        )
        return result
