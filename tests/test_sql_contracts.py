from unittest.mock import patch

from psycopg2 import errors

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..models.customer_profile import FACT_COLUMNS
from .common import CustomerCommon

PROFILE_COLUMNS = ["id", "partner_id", "company_id", *FACT_COLUMNS]
ORDER_COLUMNS = ["id", "partner_id", "company_id", "date_order", "amount"]
CUSTOMER_COLUMNS = ["partner_id", "company_id"]


@tagged("post_install", "-at_install")
class TestSqlContracts(CustomerCommon):
    """The SQL the core gives plugins: documented columns, right rows, and
    an error as soon as a field it reads is renamed or removed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Profile = cls.env["customer.profile"]
        cls.buyer = cls._customer("Contract Buyer Ltd", is_company=True)
        cls.contact = cls._customer("Contract Contact", parent_id=cls.buyer.id)
        cls.recent = cls._order(cls.contact, 120, days_ago=5)
        cls.old = cls._order(cls.buyer, 80, days_ago=200)
        cls.cancelled = cls._order(cls.buyer, 500, days_ago=3)
        cls.cancelled._action_cancel()
        cls.draft = cls._order(cls.buyer, 700, confirm=False)
        cls.other = cls._customer("Contract Other Ltd")
        cls.other_order = cls._order(cls.other, 50, days_ago=1)
        cls.other_company = cls.env["res.company"].create({"name": "Contract Other Co"})
        cls.env.user.company_ids |= cls.other_company
        cls.elsewhere = cls._order(cls.buyer, 300, days_ago=2, company=cls.other_company)
        cls.env["customer.profile.queue"]._process()
        cls.Profile._recompute_all(cls.company | cls.other_company)

    def _rows(self, query):
        """Column names and rows of ``query``, run as a subquery."""
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT * FROM (%s) q", query))
        names = [column.name for column in self.env.cr.description]
        return names, self.env.cr.fetchall()

    # ------------------------------------------------------------------
    # Columns and rows
    # ------------------------------------------------------------------
    def test_contracts_return_documented_columns(self):
        for query, columns in (
            (self.Profile._sql_profiles(), PROFILE_COLUMNS),
            (self.Profile._sql_profiles(self.company.ids, self.buyer.ids), PROFILE_COLUMNS),
            (self.Profile._sql_confirmed_orders(), ORDER_COLUMNS),
            (
                self.Profile._sql_confirmed_orders(self.company.ids, self._day(30), self.buyer.ids),
                ORDER_COLUMNS,
            ),
            (self.Profile._sql_customers_with_orders(), CUSTOMER_COLUMNS),
            (
                self.Profile._sql_customers_with_orders(
                    self._day(30), 2, self.company.ids, self.buyer.ids
                ),
                CUSTOMER_COLUMNS,
            ),
        ):
            with self.subTest(query=query.code):
                self.assertEqual(self._rows(query)[0], columns)

    def test_profiles_of_companies(self):
        columns, rows = self._rows(self.Profile._sql_profiles(company_ids=self.company.ids))
        by_partner = {row[1]: dict(zip(columns, row, strict=True)) for row in rows}
        self.assertEqual(set(by_partner), {self.buyer.id, self.other.id})
        profile = self._profile(self.buyer)
        for column in PROFILE_COLUMNS:
            value = profile[column]
            if column in ("partner_id", "company_id"):
                value = value.id
            self.assertEqual(by_partner[self.buyer.id][column] or False, value or False, column)
        _columns, rows = self._rows(
            self.Profile._sql_profiles(partner_ids=self.buyer.ids, company_ids=None)
        )
        self.assertEqual(
            {(row[1], row[2]) for row in rows},
            {(self.buyer.id, self.company.id), (self.buyer.id, self.other_company.id)},
        )

    def test_confirmed_orders_since(self):
        """Confirmed orders only, under the commercial partner, filtered by
        company, date and customer."""
        _columns, rows = self._rows(
            self.Profile._sql_confirmed_orders(company_ids=self.company.ids)
        )
        self.assertEqual(
            {row[0] for row in rows}, {self.recent.id, self.old.id, self.other_order.id}
        )
        recent = next(row for row in rows if row[0] == self.recent.id)
        self.assertEqual(
            recent,
            (
                self.recent.id,
                self.buyer.id,
                self.company.id,
                self.recent.date_order,
                self.recent.amount_untaxed,
            ),
        )
        _columns, rows = self._rows(
            self.Profile._sql_confirmed_orders(
                company_ids=self.company.ids, since=self._day(30), partner_ids=self.buyer.ids
            )
        )
        self.assertEqual([row[0] for row in rows], self.recent.ids)
        _columns, rows = self._rows(self.Profile._sql_confirmed_orders(partner_ids=self.buyer.ids))
        self.assertEqual({row[0] for row in rows}, {self.recent.id, self.old.id, self.elsewhere.id})

    def test_amount_in_company_currency(self):
        self.recent.currency_rate = 2.0
        _columns, rows = self._rows(self.Profile._sql_confirmed_orders(partner_ids=self.buyer.ids))
        self.assertEqual(
            {row[0]: row[4] for row in rows}[self.recent.id], self.recent.amount_untaxed / 2
        )

    def test_customers_with_orders(self):
        query = self.Profile._sql_customers_with_orders
        _columns, rows = self._rows(query(company_ids=self.company.ids))
        self.assertEqual(
            set(rows), {(self.buyer.id, self.company.id), (self.other.id, self.company.id)}
        )
        _columns, rows = self._rows(query(min_count=2, company_ids=self.company.ids))
        self.assertEqual(rows, [(self.buyer.id, self.company.id)])
        # the buyer's second order is older, the cancelled one does not count
        _columns, rows = self._rows(
            query(since=self._day(30), min_count=2, company_ids=self.company.ids)
        )
        self.assertEqual(rows, [])
        _columns, rows = self._rows(query(since=self._day(30), company_ids=self.company.ids))
        self.assertEqual(len(rows), 2)
        _columns, rows = self._rows(query(partner_ids=self.buyer.ids))
        self.assertEqual(
            set(rows),
            {(self.buyer.id, self.company.id), (self.buyer.id, self.other_company.id)},
        )

    # ------------------------------------------------------------------
    # Names from the models
    # ------------------------------------------------------------------
    def test_id_array(self):
        profiles = self.env["customer.profile"]
        for ids in ([3, 1, 2], [], range(5000)):
            with self.subTest(count=len(ids)):
                [(value,)] = self.env.execute_query(SQL("SELECT %s", profiles._sql_id_array(ids)))
                self.assertEqual(value, list(ids))
        with self.assertRaises(ValueError):
            profiles._sql_id_array(["1); DROP TABLE res_partner; --"])

    def test_names_come_from_the_models(self):
        sql = self.Profile._sql_over_tables(
            {"so": "sale.order"},
            "UPDATE %(so)s so SET %(so:note)s = NULL WHERE %(so.id)s = %(id)s",
            id=0,
        )
        self.assertEqual(sql.code, 'UPDATE "sale_order" so SET "note" = NULL WHERE "so"."id" = %s')
        self.assertEqual(sql.params, [0])
        # the fields read are flushed when the SQL runs through execute_query
        self.assertEqual(list(sql.to_flush), [self.env["sale.order"]._fields["note"]])
        with self.assertRaisesRegex(ValueError, "unknown alias 'sp'"):
            self.Profile._sql_over_tables({"so": "sale.order"}, "SELECT %(sp.id)s")
        with self.assertRaisesRegex(ValueError, "aliases and parameters"):
            self.Profile._sql_over_tables({"so": "sale.order"}, "SELECT %(so)s", so=1)
        with self.assertRaisesRegex(ValueError, "has no table"):
            self.Profile._sql_table("mail.thread")
        with self.assertRaisesRegex(ValueError, "not a column"):
            self.Profile._sql_column("customer.profile", "days_since_last_order")
        with self.assertRaisesRegex(ValueError, "not a column"):
            self.Profile._sql_column("sale.order", "order_line")

    def test_removed_field_breaks_the_contracts(self):
        """A renamed or removed field read by a contract raises while the SQL
        is built, naming the field; the same holds for a field left without
        a column."""
        contracts = {
            "profiles": lambda: self.Profile._sql_profiles(self.company.ids, self.buyer.ids),
            "orders": lambda: self.Profile._sql_confirmed_orders(
                self.company.ids, self._day(30), self.buyer.ids
            ),
            "counts": lambda: self.Profile._sql_customers_with_orders(
                self._day(30), 2, self.company.ids, self.buyer.ids
            ),
            "facts": lambda: self.Profile._facts_aggregate_query(
                {self.company.id: self._day(365)}, self.buyer.ids
            ),
            "bounds": lambda: self.env["customer.scoring.run"]._last_bounds(self.company.ids),
            "ledger": lambda: self.env["customer.value.line"]._value_line_query(),
        }
        fields_read = {
            ("customer.profile", "partner_id"): ["profiles"],
            ("customer.profile", "company_id"): ["profiles"],
            ("customer.profile", "last_order_date"): ["profiles"],
            ("customer.profile", "value_class"): ["profiles"],
            ("sale.order", "state"): ["orders", "counts", "facts"],
            ("sale.order", "date_order"): ["orders", "counts", "facts"],
            ("sale.order", "amount_untaxed"): ["orders", "counts", "facts"],
            ("sale.order", "currency_rate"): ["orders", "counts", "facts"],
            ("sale.order", "company_id"): ["orders", "counts", "facts"],
            ("sale.order", "partner_id"): ["orders", "counts", "facts"],
            ("res.partner", "commercial_partner_id"): ["orders", "counts", "facts"],
            ("customer.scoring.run", "bounds"): ["bounds"],
            ("account.move.line", "parent_state"): ["ledger"],
            ("product.product", "standard_price"): ["ledger"],
        }
        for (model_name, field_name), names in fields_read.items():
            model_fields = type(self.env[model_name])._fields
            for name in names:
                with self.subTest(field=f"{model_name}.{field_name}", contract=name):
                    with patch.dict(model_fields):
                        del model_fields[field_name]
                        with self.assertRaisesRegex(ValueError, f"{model_name}.{field_name}"):
                            contracts[name]()
                    not_stored = type(self.env[model_name])._fields["display_name"]
                    with (
                        patch.dict(model_fields, {field_name: not_stored}),
                        self.assertRaisesRegex(ValueError, "not a column"),
                    ):
                        contracts[name]()
        # and untouched, they all build
        for name, contract in contracts.items():
            with self.subTest(contract=name):
                self.assertTrue(contract())

    @mute_logger("odoo.sql_db")
    def test_renamed_column_fails_the_statement(self):
        """The contracts read the columns themselves: a column renamed in the
        database under the field makes their statements fail."""
        for model_name, column, query in (
            ("customer.profile", "last_order_date", self.Profile._sql_profiles()),
            ("sale.order", "date_order", self.Profile._sql_confirmed_orders()),
            ("res.partner", "commercial_partner_id", self.Profile._sql_customers_with_orders()),
        ):
            with self.subTest(column=f"{model_name}.{column}"):
                self.env.flush_all()
                with self.assertRaises(errors.UndefinedColumn), self.env.cr.savepoint():
                    self.env.cr.execute(
                        SQL(
                            "ALTER TABLE %s RENAME COLUMN %s TO %s",
                            self.Profile._sql_table(model_name),
                            SQL.identifier(column),
                            SQL.identifier(f"{column}_renamed"),
                        )
                    )
                    self.env.cr.execute(SQL("SELECT * FROM (%s) q LIMIT 1", query))
                self.env.cr.execute(SQL("SELECT * FROM (%s) q LIMIT 1", query))
                self.env.cr.execute(SQL("SELECT * FROM (%s) q LIMIT 1", query))
