import base64

import werkzeug

from odoo import http
from odoo.http import request
from odoo.tools import plaintext2html


class ComplaintPortal(http.Controller):
    """Customers file a complaint about one of their own orders."""

    def _complaint_orders(self):
        """The confirmed orders of the portal user's company (commercial
        partner), the only ones a complaint may be about."""
        customer = request.env.user.partner_id.commercial_partner_id
        return (
            request.env["sale.order"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", customer.id),
                    ("state", "=", "sale"),
                ],
                order="date_order desc, id desc",
            )
        )

    def _complaint_categories(self):
        return request.env["customer.complaint.category"].sudo().search([])

    def _complaint_form(self, values=None, error=None, status=200):
        return request.render(
            "customer_complaint.portal_complaint_form",
            {
                "orders": self._complaint_orders(),
                "categories": self._complaint_categories(),
                "values": values or {},
                "error": error,
                "page_name": "complaint",
            },
            status=status,
        )

    @http.route("/my/complaint/new", type="http", auth="user", website=True)
    def complaint_form(self, **kw):
        return self._complaint_form({"order": kw.get("order")})

    @http.route("/my/complaint/submit", type="http", auth="user", methods=["POST"], website=True)
    def complaint_submit(self, **kw):
        env = request.env
        order = self._complaint_orders().filtered(
            lambda o: str(o.id) == (kw.get("order") or "").strip()
        )
        category = self._complaint_categories().filtered(
            lambda c: str(c.id) == (kw.get("category") or "").strip()
        )
        description = (kw.get("description") or "").strip()
        if not order:
            error = env._("Choose one of your orders.")
        elif not category:
            error = env._("Choose a complaint category from the list.")
        elif not description:
            error = env._("Describe what went wrong.")
        else:
            error = None
        if error:
            return self._complaint_form(kw, error=error, status=400)
        partner = env.user.partner_id
        complaint_type = env.ref("customer_complaint.ticket_type_complaint")
        ticket = (
            env["helpdesk.ticket"]
            .sudo()
            .with_company(order.company_id)
            .create(
                {
                    "name": env._(
                        "%(category)s: %(order)s", category=category.name, order=order.name
                    ),
                    "description": plaintext2html(description),
                    "partner_id": partner.id,
                    "partner_name": partner.name,
                    "partner_email": partner.email,
                    "company_id": order.company_id.id,
                    "type_id": complaint_type.id,
                    "complaint_category_id": category.id,
                    "complaint_order_id": order.id,
                    "channel_id": env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web").id,
                }
            )
        )
        ticket.message_subscribe(partner_ids=partner.ids)
        for upload in request.httprequest.files.getlist("attachment"):
            if upload.filename:
                env["ir.attachment"].sudo().create(
                    {
                        "name": upload.filename,
                        "datas": base64.b64encode(upload.read()),
                        "res_model": "helpdesk.ticket",
                        "res_id": ticket.id,
                    }
                )
        return werkzeug.utils.redirect(f"/my/ticket/{ticket.id}")
