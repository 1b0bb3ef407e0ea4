from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class CustomerLoyaltyPortal(CustomerPortal):
    """A member's own cards in /my: number, tier and progress, balance,
    points history and next expiry."""

    def _customer_loyalty_members(self):
        """The memberships of the portal user's commercial partner (as
        superuser: portal users have no access to the model)."""
        partner = request.env.user.partner_id.commercial_partner_id
        return (
            request.env["customer.loyalty.member"]
            .sudo()
            .search([("partner_id", "=", partner.id)], order="join_date, id")
        )

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "customer_membership_count" in counters:
            values["customer_membership_count"] = len(self._customer_loyalty_members())
        return values

    @http.route("/my/membership", type="http", auth="user", website=True)
    def portal_my_memberships(self, **kwargs):
        members = self._customer_loyalty_members()
        if len(members) == 1:
            return request.redirect(f"/my/membership/{members.id}")
        values = self._prepare_portal_layout_values()
        values.update({"members": members, "page_name": "customer_membership"})
        return request.render("customer_loyalty.portal_my_memberships", values)

    @http.route("/my/membership/<int:member_id>", type="http", auth="user", website=True)
    def portal_my_membership(self, member_id, **kwargs):
        member = self._customer_loyalty_members().filtered(lambda m: m.id == member_id)
        if not member:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "member": member,
                "history": member.card_id.history_ids.sorted("id", reverse=True)[:50],
                "page_name": "customer_membership",
            }
        )
        return request.render("customer_loyalty.portal_my_membership", values)
