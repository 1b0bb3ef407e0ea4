import psycopg2

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import CustomerCommon

# Values the Python constraint refuses, written by SQL (an import, a script, a
# migration): the database refuses them too.
REFUSED = [
    {"customer_scoring_window": 0},
    {"customer_scoring_window": 3651},
    {"customer_scoring_window": None},
    {"customer_class_a_share": 0},
    {"customer_class_a_share": 95},
    {"customer_class_b_share": 100.5},
    {"customer_class_a_share": None},
    {"customer_clv_lifespan": 0},
    {"customer_clv_lifespan": 101},
    {"customer_clv_lifespan": None},
    {"customer_class_b_share": None},
    {"customer_clv_margin": 0},
    {"customer_clv_margin": 100.01},
    {"customer_clv_margin": None},
]
ACCEPTED = [
    {"customer_scoring_window": 1},
    {"customer_scoring_window": 3650},
    {"customer_class_a_share": 0.01, "customer_class_b_share": 100},
    {"customer_clv_lifespan": 100, "customer_clv_margin": 100},
    {"customer_clv_lifespan": 0.5, "customer_clv_margin": 0.5},
]


@tagged("post_install", "-at_install")
class TestCompanyChecks(CustomerCommon):
    def _update(self, values):
        assignments = SQL(", ").join(
            SQL("%s = %s", SQL.identifier(name), value) for name, value in values.items()
        )
        self.env.cr.execute(
            SQL("UPDATE res_company SET %s WHERE id = %s", assignments, self.company.id)
        )

    @mute_logger("odoo.sql_db")
    def test_database_refuses_what_python_refuses(self):
        for values in REFUSED:
            with (
                self.subTest(values),
                self.assertRaises(psycopg2.IntegrityError),
                self.env.cr.savepoint(),
            ):
                self._update(values)

    def test_database_accepts_what_python_accepts(self):
        for values in ACCEPTED:
            with self.subTest(values), self.env.cr.savepoint():
                self._update(values)
                self.env.invalidate_all()
                self.company._check_customer_scoring_settings()

    def test_existing_companies_pass(self):
        self.env.cr.execute(
            """
            SELECT conname FROM pg_constraint
             WHERE conrelid = 'res_company'::regclass AND contype = 'c'
               AND conname LIKE 'res_company_customer_%'
            """
        )
        self.assertEqual(len(self.env.cr.fetchall()), 4)
        self.env["res.company"].search([])._check_customer_scoring_settings()
