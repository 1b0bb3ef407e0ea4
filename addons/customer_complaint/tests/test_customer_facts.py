from odoo import Command
from odoo.tests import tagged

from .common import ComplaintCommon


@tagged("post_install", "-at_install")
class TestComplaintFacts(ComplaintCommon):
    def _profile(self, partner):
        return self.env["customer.profile"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def test_facts_follow_the_complaints(self):
        self._after_commit()
        profile = self._profile(self.customer)
        self.assertEqual(profile.complaint_open_count, 0)
        self.assertFalse(profile.complaint_open_severity)
        high = self._complaint(order=self.order)
        critical = self._complaint(severity="critical")
        self.assertIn((self.customer.id, self.company.id), self._after_commit())
        self.assertEqual(profile.complaint_open_count, 2)
        self.assertEqual(profile.complaint_open_severity, "critical")
        self.assertEqual(profile.complaint_year_count, 2)
        # closing the critical one lowers the highest open severity
        critical.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self._after_commit()
        self.assertEqual(profile.complaint_open_count, 1)
        self.assertEqual(profile.complaint_open_severity, "high")
        # the rating of a closed complaint is the customer's satisfaction
        rating = critical.rating_ids[:1]
        self.assertTrue(rating, "closing a complaint sends a rating request")
        critical.rating_apply(4, rating=rating, feedback="Quick and kind")
        self.env.flush_all()
        self._after_commit()
        self.assertEqual(critical.rating_last_value, 4)
        self.assertEqual(profile.complaint_csat, 4)
        rated = self.env["customer.event"].search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", "complaint_rated")]
        )
        self.assertEqual(rated.res_id, rating.id)
        high.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self._after_commit()
        self.assertEqual(profile.complaint_open_count, 0)
        self.assertFalse(profile.complaint_open_severity)
        types = set(
            self.env["customer.event"]
            .search([("partner_id", "=", self.customer.id)])
            .mapped("event_type")
        )
        self.assertTrue({"complaint_opened", "complaint_closed", "complaint_rated"} <= types)

    def test_full_run_writes_the_customers_with_complaints(self):
        """A full run inserts every profile, then writes complaint facts on
        the customers with complaints only; the others keep empty columns,
        read and searched as 0, and the average rating of a group counts
        the rated customers only."""
        complaint = self._complaint(order=self.order)
        self._after_commit()
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM customer_profile WHERE company_id = %s", [self.company.id])
        self.env.invalidate_all()
        self._full_run()
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT partner_id, complaint_open_count, complaint_csat FROM customer_profile
                WHERE company_id = %s AND partner_id IN %s""",
            [self.company.id, (self.customer.id, self.other_customer.id)],
        )
        self.assertEqual(
            {partner: (count, csat) for partner, count, csat in self.env.cr.fetchall()},
            {self.customer.id: (1, None), self.other_customer.id: (None, None)},
        )
        profiles = self._profile(self.customer) | self._profile(self.other_customer)
        other = self._profile(self.other_customer)
        self.assertEqual((other.complaint_open_count, other.complaint_csat), (0, 0.0))
        self.assertEqual(profiles.filtered_domain([("complaint_open_count", "=", 0)]), other)
        self.assertEqual(
            self.env["customer.profile"].search(
                [("id", "in", profiles.ids), ("complaint_open_count", "=", 0)]
            ),
            other,
        )
        complaint.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        complaint.rating_apply(4, rating=complaint.rating_ids[:1], feedback="Fine")
        self.env.flush_all()
        self._after_commit()
        [(average,)] = self.env["customer.profile"]._read_group(
            [("id", "in", profiles.ids)], [], ["complaint_csat:avg"]
        )
        self.assertEqual(average, 4.0)

    def test_closing_sends_the_rating_request(self):
        complaint = self._complaint(order=self.order)
        self.assertFalse(complaint.rating_ids)
        complaint.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertEqual(len(complaint.rating_ids), 1)
        self.assertEqual(complaint.rating_ids.partner_id, self.customer)
        self.assertFalse(complaint.rating_ids.consumed)

    def test_lifecycle_rule_on_a_critical_open_complaint(self):
        """With the lifecycle plugin (installed in the same database), a rule
        on the complaint facts moves the customer to At risk."""
        at_risk = self.env.ref("customer_lifecycle.stage_at_risk")
        self.env["customer.lifecycle.rule"].create(
            {
                "name": "A critical open complaint puts the customer at risk",
                "sequence": 0,
                "stage_id": at_risk.id,
                "profile_domain": "[('complaint_open_severity', '=', 'critical')]",
                "company_id": self.company.id,
            }
        )
        self._after_commit()
        state = self.env["customer.lifecycle.state"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        self.assertNotEqual(state.stage_id, at_risk)
        self._complaint(severity="critical")
        self._after_commit()
        state.invalidate_recordset()
        self.assertEqual(state.stage_id, at_risk)

    def test_open_complaints_follow_the_customer_in_the_handover(self):
        self.customer.user_id = self.agent
        successor = self._user("complaint_successor", "helpdesk_mgmt.group_helpdesk_user")
        complaint = self._complaint(order=self.order)
        closed = self._complaint()
        closed.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.user_manager.groups_id |= self.env.ref("sales_team.group_sale_manager")
        wizard = (
            self.env["customer.handover.wizard"]
            .with_user(self.user_manager)
            .create(
                {
                    "user_id": self.agent.id,
                    "successor_ids": [Command.set(successor.ids)],
                }
            )
        )
        wizard.action_preview()
        self.assertEqual(wizard.complaint_count, 1)
        wizard.action_confirm()
        self.assertEqual(complaint.user_id, successor)
        self.assertEqual(closed.user_id, self.agent)
