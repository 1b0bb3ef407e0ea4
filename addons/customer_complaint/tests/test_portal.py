from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestComplaintPortal(HttpCase):
    """A customer files a complaint about one of their own orders from the
    portal, and sees only their own complaints."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        product = cls.env["product.product"].create({"name": "Portal Teapot", "list_price": 50})

        def customer_with_order(name, login):
            customer = cls.env["res.partner"].create({"name": name, "is_company": True})
            user = new_test_user(cls.env, login=login, groups="base.group_portal")
            user.partner_id.parent_id = customer
            order = cls.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "company_id": cls.company.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
            order.action_confirm()
            return customer, user, order

        cls.customer, cls.user, cls.order = customer_with_order("Zhou Trading", "complaint_zhou")
        cls.other, cls.other_user, cls.other_order = customer_with_order(
            "Sun Imports", "complaint_sun"
        )
        cls.category = cls.env.ref("customer_complaint.category_delivery")

    def _submit(self, **values):
        return self.url_open(
            "/my/complaint/submit",
            data={"csrf_token": http.Request.csrf_token(self), **values},
            allow_redirects=False,
        )

    def _complaints(self):
        return self.env["helpdesk.ticket"].search([("is_complaint", "=", True)])

    def test_file_a_complaint_about_an_own_order(self):
        self.authenticate("complaint_zhou", "complaint_zhou")
        form = self.url_open("/my/complaint/new")
        self.assertEqual(form.status_code, 200)
        self.assertIn(self.order.name, form.text)
        self.assertNotIn(self.other_order.name, form.text)
        # every field of the form is there, the empty description too
        for name in ("order", "category", "description", "attachment"):
            self.assertIn(f'name="{name}"', form.text)
        before = self._complaints()
        response = self._submit(
            order=str(self.order.id),
            category=str(self.category.id),
            description="The parcel arrived a week late.",
        )
        self.assertEqual(response.status_code, 302)
        complaint = self._complaints() - before
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.complaint_order_id, self.order)
        self.assertEqual(complaint.complaint_category_id, self.category)
        self.assertEqual(complaint.commercial_partner_id, self.customer)
        self.assertIn(f"/my/ticket/{complaint.id}", response.headers["Location"])
        page = self.url_open(f"/my/ticket/{complaint.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(complaint.number, page.text)

    def test_bad_input_refused_and_nothing_written(self):
        self.authenticate("complaint_zhou", "complaint_zhou")
        before = self._complaints()
        cases = [
            ({"order": str(self.other_order.id), "category": str(self.category.id)}, "orders"),
            ({"order": str(self.order.id), "category": "999999"}, "category"),
            ({"order": str(self.order.id), "category": "delivery"}, "category"),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                response = self._submit(description="Late", **values)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        self.assertEqual(self._complaints(), before)

    def test_other_customers_complaints_are_hidden(self):
        complaint = (
            self.env["helpdesk.ticket"]
            .sudo()
            .create(
                {
                    "name": "Sun's complaint",
                    "description": "Broken",
                    "partner_id": self.other_user.partner_id.id,
                    "type_id": self.env.ref("customer_complaint.ticket_type_complaint").id,
                    "complaint_order_id": self.other_order.id,
                }
            )
        )
        self.authenticate("complaint_zhou", "complaint_zhou")
        response = self.url_open(f"/my/ticket/{complaint.id}", allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)
        listing = self.url_open("/my/tickets")
        self.assertNotIn(complaint.number, listing.text)
        self.authenticate("complaint_sun", "complaint_sun")
        self.assertEqual(self.url_open(f"/my/ticket/{complaint.id}").status_code, 200)
