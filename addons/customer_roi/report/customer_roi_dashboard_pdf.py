from odoo import api, models


class CustomerRoiDashboardPdf(models.AbstractModel):
    """The printable summary of the dashboard: the same figures as the
    screen and the XLSX export."""

    _name = "report.customer_roi.report_dashboard_pdf"
    _description = "ROI Dashboard Summary"

    @api.model
    def _get_report_values(self, docids, data=None):
        dashboard = self.env["customer.roi.dashboard"]
        figures = dashboard._dashboard(data)
        company = self.env["res.company"].browse(figures["options"]["company_id"])
        return {
            "doc_ids": docids,
            "doc_model": "customer.roi.dashboard",
            "docs": company,
            "company": company,
            "figures": figures,
            "format_figure": lambda value, fmt: self._format_figure(value, fmt, company),
        }

    @api.model
    def _format_figure(self, value, fmt, company):
        if value is None:
            return "-"
        if fmt == "percent":
            return f"{value * 100:.1f}%"
        if fmt == "integer":
            return f"{int(value):,}"
        if fmt == "monetary":
            return self._money(value, company)
        if fmt == "number":
            return f"{value:,.1f}"
        return str(value)

    @api.model
    def _money(self, value, company):
        currency = company.currency_id
        amount = f"{value:,.{currency.decimal_places}f}"
        if currency.position == "before":
            return f"{currency.symbol} {amount}"
        return f"{amount} {currency.symbol}"
