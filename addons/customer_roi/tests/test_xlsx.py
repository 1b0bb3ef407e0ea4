import io

import openpyxl

from odoo.tests import tagged

from .common import RoiCommon


@tagged("post_install", "-at_install")
class TestXlsx(RoiCommon):
    def _workbook(self, user=None, **options):
        env = self.env(user=user) if user else self.env
        content, kind = env["report.customer_roi.dashboard_xlsx"].create_xlsx_report(
            None, {**self.MARCH, **options}
        )
        self.assertEqual(kind, "xlsx")
        return openpyxl.load_workbook(io.BytesIO(content))

    @staticmethod
    def _table(sheet, header_row=1):
        rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
        header = rows[0]
        return [dict(zip(header, row, strict=False)) for row in rows[1:]]

    def test_sheets_and_layout(self):
        workbook = self._workbook(user=self.user_manager)
        self.assertEqual(
            workbook.sheetnames, ["KPIs", "Trend", "Campaigns", "Customers", "Value ledger"]
        )
        kpis = workbook["KPIs"]
        self.assertEqual(kpis.freeze_panes, "C5")
        self.assertEqual(kpis.auto_filter.ref.split(":")[0], "A4")
        self.assertEqual(workbook["Campaigns"].freeze_panes, "B2")
        self.assertTrue(workbook["Campaigns"].auto_filter.ref)
        self.assertEqual(len(workbook["Trend"]._charts), 1)
        retention = next(r for r in self._table(kpis, 4) if r["Figure"] == "Retention rate")
        self.assertEqual(retention["This period"], 0.75)
        self.assertEqual(retention["Previous period"], 1.0)
        cell = next(c for c in kpis.iter_rows(min_row=5) if c[1].value == "Retention rate")[2]
        self.assertIn("%", cell.number_format)
        header = next(kpis.iter_rows(min_row=4, max_row=4))[0]
        self.assertTrue(header.font.b)

    def test_same_numbers_as_the_pivot(self):
        workbook = self._workbook(user=self.user_manager)
        campaigns = {row["Campaign"]: row for row in self._table(workbook["Campaigns"])}
        groups = self.env["customer.roi.campaign.report"].read_group(
            [
                ("date", ">=", "2025-03-01"),
                ("date", "<=", "2025-03-31"),
                ("campaign_id", "in", (self.c1 | self.c2).ids),
            ],
            ["lead_count:sum", "order_count:sum", "revenue:sum", "margin:sum", "cost:sum"],
            ["campaign_id"],
        )
        for group in groups:
            row = campaigns[group["campaign_id"][1]]
            self.assertEqual(
                (row["Leads"], row["Won orders"], row["Revenue"], row["Gross margin"], row["Cost"]),
                (
                    group["lead_count"],
                    group["order_count"],
                    group["revenue"],
                    group["margin"],
                    group["cost"],
                ),
            )
        self.assertAlmostEqual(campaigns[self.c1.display_name]["ROI"], 0.3)
        customers = {row["Customer"][-1]: row for row in self._table(workbook["Customers"])}
        pivot = self.env["customer.roi.customer.report"].read_group(
            [
                ("company_id", "=", self.company.id),
                ("date", ">=", "2025-03-01"),
                ("date", "<=", "2025-03-31"),
            ],
            ["profit:sum", "revenue:sum"],
            ["partner_id"],
        )
        for group in pivot:
            row = customers[group["partner_id"][1][-1]]
            self.assertAlmostEqual(row["Profit"], group["profit"])
            self.assertAlmostEqual(row["Revenue"], group["revenue"])
        self.assertEqual(customers["D"]["Class"], "Most valuable")
        ledger = self._table(workbook["Value ledger"])
        self.assertEqual(
            round(sum(row["Revenue"] for row in ledger), 2),
            round(sum(g["revenue"] for g in pivot), 2),
        )
        self.assertEqual(
            round(sum(row["Cost"] for row in ledger), 2),
            round(sum(g["revenue"] - g["profit"] for g in pivot), 2),
        )

    def test_user_export_has_no_cost(self):
        workbook = self._workbook(user=self.user_customer)
        self.assertEqual(workbook.sheetnames, ["KPIs", "Trend", "Campaigns", "Value ledger"])
        header = next(workbook["Campaigns"].iter_rows(max_row=1, values_only=True))
        self.assertNotIn("Cost", header)
        self.assertNotIn("Gross margin", header)
        self.assertNotIn("ROI", header)
        ledger_header = next(workbook["Value ledger"].iter_rows(max_row=1, values_only=True))
        self.assertNotIn("Cost", ledger_header)
        self.assertNotIn("Margin", ledger_header)
        sections = {row[0] for row in workbook["KPIs"].iter_rows(min_row=5, values_only=True)}
        self.assertIn("Key performance indicators", sections)
        self.assertNotIn("Customer profitability", sections)

    def test_streams_in_chunks(self):
        """The ledger sheet is read through a server-side cursor in chunks."""
        from ..report import customer_roi_dashboard_xlsx as module  # noqa: PLC0415

        chunks = []
        original = module.server_cursor_rows

        def counting(cr, query, size=module.CHUNK_SIZE):
            for row in original(cr, query, size=2):
                chunks.append(row)
                yield row

        module.server_cursor_rows = counting
        try:
            workbook = self._workbook(user=self.user_manager)
        finally:
            module.server_cursor_rows = original
        self.assertEqual(len(chunks), workbook["Value ledger"].max_row - 1)
        self.assertGreater(len(chunks), 2)
        # rows go to disk as they are written
        options = self.env["report.customer_roi.dashboard_xlsx"].get_workbook_options()
        self.assertTrue(options["constant_memory"])


@tagged("post_install", "-at_install")
class TestPdfSummary(RoiCommon):
    def _html(self, user):
        html, _kind = (
            self.env(user=user)["ir.actions.report"]
            .with_company(self.company)
            ._render_qweb_html("customer_roi.report_dashboard_pdf", [], data=dict(self.MARCH))
        )
        return html.decode()

    def test_summary_holds_the_figures(self):
        html = self._html(self.user_manager)
        self.assertIn("ROI and KPI Summary", html)
        self.assertIn("2025-03-01", html)
        self.assertIn("Retention rate", html)
        self.assertIn("75.0%", html)  # retention of March
        self.assertIn("Customer profitability", html)
        self.assertIn("ROI Campaign One", html)
        self.assertIn("30.0%", html)  # its ROI

    def test_user_summary_has_no_cost(self):
        html = self._html(self.user_customer)
        self.assertIn("Retention rate", html)
        self.assertNotIn("Customer profitability", html)
        self.assertNotIn("Cost per lead", html)
