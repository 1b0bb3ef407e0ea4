from odoo.tests import tagged

from .common import ComplaintTourCommon


@tagged("post_install", "-at_install")
class TestComplaintTours(ComplaintTourCommon):
    """A customer files a complaint from the portal; an agent resolves it and
    proposes a compensation above the approval threshold; a manager approves
    it."""

    def test_portal_complaint_resolved_and_compensated(self):
        complaint = self._file_complaint_from_portal()
        self._resolve_as_agent(complaint)
        self._tour_on(complaint, "customer_complaint_goodwill_tour", self.agent)
        compensation = complaint.complaint_compensation_ids
        self.assertEqual(len(compensation), 1)
        self.assertEqual(compensation.compensation_type, "goodwill")
        self.assertEqual(compensation.state, "to_approve")
        self.assertEqual(compensation.amount, 800)
        self.assertEqual(compensation.note, "Broken on arrival.")
        self._tour_on(compensation, "customer_complaint_approve_tour", self.manager)
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.approver_id, self.manager)
        self.assertEqual(compensation.cost, 800)
        self.assertEqual(complaint.complaint_compensation_cost, 800)
