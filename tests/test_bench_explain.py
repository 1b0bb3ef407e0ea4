"""The plans the bench prints: statements replayed under EXPLAIN ANALYZE."""

from odoo.tests import TransactionCase, tagged

from .common import captured_queries, tool_module


@tagged("post_install", "-at_install")
class TestBenchExplain(TransactionCase):
    def test_replayed_write_naming_a_row_made_again(self):
        """A write naming a row that the replay made again under another id
        (a sequence does not roll back) gets its plan without running; the
        statements around it are still explained."""
        cr = self.env.cr
        cr.execute("SAVEPOINT bench_capture")
        with captured_queries() as queries:
            parent = self.env["res.partner"].create({"name": "Bench Parent"})
            self.env["res.partner"].create({"name": "Bench Contact", "parent_id": parent.id})
            self.env.flush_all()
        cr.execute("ROLLBACK TO SAVEPOINT bench_capture")
        self.env.invalidate_all()
        plans = tool_module("bench").explain_statements(self.env, queries)
        inserts = [p for p in plans if p["query"].startswith('INSERT INTO "res_partner"')]
        self.assertEqual(len(inserts), 2)
        parent_plan, contact_plan = (p["plan"] for p in inserts)
        self.assertIn("actual time", parent_plan)
        self.assertTrue(contact_plan.startswith("(not run again: "), contact_plan)
        self.assertIn("foreign key", contact_plan)
        self.assertIn("Insert on res_partner", contact_plan)
        self.assertNotIn("actual time", contact_plan)
