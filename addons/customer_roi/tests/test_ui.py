import io
import json
from unittest.mock import patch

import openpyxl

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.report_xlsx.controllers.main import ReportController as XlsxReportController

from ..report.customer_roi_dashboard_xlsx import CustomerRoiDashboardXlsx


@tagged("post_install", "-at_install")
class TestRoiTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.action = cls.env["ir.actions.client"].create(
            {
                "name": "ROI Tour Dashboard",
                "tag": "customer_roi.dashboard",
                "context": "{'customer_roi_date': '2025-03-14'}",
            }
        )

    def test_dashboard_period_and_export(self):
        calls = []
        original = CustomerRoiDashboardXlsx.create_xlsx_report

        def recording(report, docids, data):
            result = original(report, docids, data)
            calls.append((dict(data), result[0]))
            return result

        with patch.object(CustomerRoiDashboardXlsx, "create_xlsx_report", recording):
            self.start_tour(
                f"/odoo/action-{self.action.id}", "customer_roi_dashboard_tour", login="admin"
            )
        self.assertEqual(len(calls), 1)
        data, content = calls[0]
        self.assertEqual((data["period"], data["date"]), ("quarter", "2024-10-01"))
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.assertIn("Campaigns", workbook.sheetnames)
        self.assertIn("2024-10-01", workbook["KPIs"]["A2"].value)


@tagged("post_install", "-at_install")
class TestXlsxRoute(HttpCase):
    """The export through report_xlsx's route, as each kind of user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.ref("base.main_company")
        cls.user = new_test_user(
            cls.env,
            login="roi_route_user",
            groups="base.group_user,customer_relationship.group_customer_user",
            company_id=company.id,
        )
        cls.manager = new_test_user(
            cls.env,
            login="roi_route_manager",
            groups="base.group_user,customer_relationship.group_customer_manager",
            company_id=company.id,
        )
        cls.outsider = new_test_user(
            cls.env, login="roi_route_outsider", groups="base.group_user", company_id=company.id
        )

    def _export(self, login):
        self.authenticate(login, login)
        options = json.dumps({"period": "year", "date": "2025-06-01"})
        return self.url_open(
            f"/report/xlsx/customer_roi.dashboard_xlsx?options={options}", allow_redirects=False
        )

    def test_manager_gets_costs(self):
        response = self._export("roi_route_manager")
        self.assertEqual(response.status_code, 200)
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertIn("Customers", workbook.sheetnames)
        self.assertIn("Cost", next(workbook["Campaigns"].iter_rows(max_row=1, values_only=True)))

    def test_user_gets_no_cost(self):
        response = self._export("roi_route_user")
        self.assertEqual(response.status_code, 200)
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertNotIn("Customers", workbook.sheetnames)
        for sheet in workbook:
            for row in sheet.iter_rows(max_row=1, values_only=True):
                self.assertFalse({"Cost", "Margin", "Gross margin", "Profit", "ROI"} & set(row))

    def test_outsider_refused(self):
        response = self._export("roi_route_outsider")
        self.assertNotEqual(response.status_code, 200)


@tagged("post_install", "-at_install")
class TestReadOnly(TransactionCase):
    """The dashboard and the export only read: marked so, they run on a
    replica when one is configured."""

    def test_methods_and_route_marked_read_only(self):
        for model, method in [
            ("customer.roi.dashboard", "get_dashboard"),
            ("customer.roi.dashboard", "get_filter_choices"),
            ("report.customer_roi.dashboard_xlsx", "create_xlsx_report"),
        ]:
            self.assertTrue(
                getattr(getattr(type(self.env[model]), method), "_readonly", False), method
            )
        # report_xlsx's route, merged with the routes it overrides as Odoo does
        routing = {}
        for cls in reversed(XlsxReportController.__mro__):
            method = vars(cls).get("report_routes")
            routing.update(getattr(method, "original_routing", {}))
        self.assertIn("/report/<converter>/<reportname>", routing["routes"])
        self.assertTrue(routing.get("readonly"))
