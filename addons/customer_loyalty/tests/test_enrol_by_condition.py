from odoo.exceptions import AccessError, UserError, ValidationError

from .common import LoyaltyCommon


class TestEnrolByCondition(LoyaltyCommon):
    """Customers matching the program's condition are enrolled in bulk."""

    REF = "COND-7"

    def _enable(self, domain=None):
        self.program.write(
            {
                "customer_condition_enrol": True,
                "customer_enrol_domain": domain or f"[('ref', '=', '{self.REF}')]",
            }
        )

    def _members(self, partners):
        return self.Member.search(
            [("program_id", "=", self.program.id), ("partner_id", "in", partners.ids)]
        )

    def test_matching_customers_enrolled_by_the_review(self):
        matching = self._customer("Cond Ma", ref=self.REF) | self._customer("Cond Mo", ref=self.REF)
        company = self._customer("Cond Co", is_company=True, ref="ELSEWHERE")
        contact = self._customer("Cond Contact", parent_id=company.id, ref=self.REF)
        other_city = self._customer("Cond Away", ref="ELSEWHERE")
        other = self._other_company("Cond Other Co")
        outsider = self._customer("Cond Outsider", ref=self.REF, company_id=other.id)
        known = self._member("Cond Known", ref=self.REF)
        self._enable()
        self.Member._cron_review_tiers()
        members = self._members(
            matching | company | contact | other_city | outsider | known.partner_id
        )
        # a contact matching enrols its company; the member already known stays one
        self.assertEqual(members.partner_id, matching | company | known.partner_id)
        self.assertEqual(set(members.mapped("tier_id.name")), {"Silver"})
        self.assertTrue(all(members.mapped("number")))
        self.assertEqual(len(set(members.mapped("number"))), len(members))
        # nothing more the next day
        self.Member._cron_review_tiers()
        self.assertEqual(len(self._members(matching | company | outsider | known.partner_id)), 4)

    def test_bulk_queries_do_not_grow_with_customers(self):
        self._enable()
        self._customer("Cond Warm", ref=self.REF)
        self.program._customer_enrol_by_condition()  # warm the caches
        counts = []
        for size in (2, 6):
            self.program.customer_enrol_domain = f"[('ref', '=', '{self.REF}-{size}')]"
            for index in range(size):
                self._customer(f"Cond Crowd {size} {index}", ref=f"{self.REF}-{size}")
            self.env.flush_all()
            self.env.invalidate_all()
            self.env.cr.flush()
            before = self.env.cr.sql_log_count
            members = self.program._customer_enrol_by_condition()
            self.env.flush_all()
            self.env.cr.flush()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(members), size)
        self.assertEqual(counts[0], counts[1])

    def test_manager_button(self):
        customer = self._customer("Cond Button", ref=self.REF)
        self._enable()
        with self.assertRaises(AccessError):
            self.program.with_user(self.user_customer).action_customer_enrol_matching()
        action = self.program.with_user(self.user_manager).action_customer_enrol_matching()
        self.assertEqual(action["params"]["message"], "1 customers enrolled.")
        self.assertEqual(self._members(customer).partner_id, customer)

    def _assert_refused(self, message, values, program=None):
        """Writing ``values`` is refused with ``message``, and nothing changes."""
        program = program or self.program
        with self.assertRaises(ValidationError) as caught:
            program.write(values)
        self.assertIn(message, str(caught.exception))
        self.assertFalse(program.customer_condition_enrol)
        self.assertEqual(program.customer_enrol_domain, "[]")

    def test_bad_condition_refused(self):
        # a program without the option: the button says so
        with self.assertRaisesRegex(UserError, "does not enrol customers by condition"):
            self.program.with_user(self.user_manager).action_customer_enrol_matching()
        self.assertFalse(self._members(self.env["res.partner"].search([("ref", "=", self.REF)])))
        enrol = {"customer_condition_enrol": True}
        self._assert_refused(
            "not valid", dict(enrol, customer_enrol_domain="[('no_such_field', '=', 1)]")
        )
        self._assert_refused(
            "not valid",
            dict(enrol, customer_enrol_domain="[('city', '=', __import__('os').getcwd())]"),
        )
        self._assert_refused("set the condition", dict(enrol, customer_enrol_domain="[]"))
        program = self.env["loyalty.program"].create(
            {
                "name": "No Company Club",
                "program_type": "loyalty",
                "company_id": False,
                "currency_id": self.env.company.currency_id.id,
                "customer_membership": True,
            }
        )
        self._assert_refused(
            "one company", dict(enrol, customer_enrol_domain="[('ref', '=', 'X')]"), program
        )
