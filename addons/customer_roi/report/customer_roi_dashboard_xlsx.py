"""XLSX export of the ROI dashboard (OCA ``report_xlsx``).

The workbook is written with xlsxwriter's ``constant_memory`` mode into a
temporary file: each row goes to disk as soon as it is written, and the
ledger rows are read from a server-side cursor in chunks, so the export of
a million ledger lines holds one chunk in memory, not the lines.
"""

import datetime
import tempfile
import uuid

from odoo import api, models
from odoo.tools import SQL

try:
    import xlsxwriter
except ImportError:  # report_xlsx declares it
    xlsxwriter = None

# ledger rows read per round trip of the server-side cursor
CHUNK_SIZE = 5000
# months of the revenue trend (sheet Trend and its chart)
TREND_MONTHS = 12


def server_cursor_rows(cr, query, size=CHUNK_SIZE):
    """The rows of ``query`` read in chunks of ``size`` through a named
    (server-side) cursor of the transaction of ``cr``."""
    raw = getattr(cr, "_cursor", cr)  # a test cursor wraps the test's own
    with raw._cnx.cursor(name=f"customer_roi_{uuid.uuid4().hex}") as named:
        named.itersize = size
        named.execute(query.code, query.params)
        while True:
            rows = named.fetchmany(size)
            if not rows:
                break
            yield from rows


class CustomerRoiDashboardXlsx(models.AbstractModel):
    _name = "report.customer_roi.dashboard_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "ROI Dashboard XLSX Export"

    def get_workbook_options(self):
        return {
            "constant_memory": True,
            "tmpdir": tempfile.gettempdir(),
            "strings_to_numbers": False,
            "strings_to_formulas": False,
        }

    @api.readonly
    @api.model
    def create_xlsx_report(self, docids, data):
        """The workbook's bytes: written to a temporary file, rows streamed."""
        self.env["customer.roi.dashboard"]._check_dashboard_access()
        with tempfile.TemporaryFile() as handle:
            workbook = xlsxwriter.Workbook(handle, self.get_workbook_options())
            self.generate_xlsx_report(workbook, data, None)
            workbook.close()
            handle.seek(0)
            return handle.read(), "xlsx"

    # ------------------------------------------------------------------
    def _formats(self, workbook, currency):
        money = "#,##0." + "0" * currency.decimal_places if currency.decimal_places else "#,##0"
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format(
                {
                    "bold": True,
                    "bg_color": "#4F6D7A",
                    "font_color": "#FFFFFF",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "vcenter",
                }
            ),
            "text": workbook.add_format({}),
            "monetary": workbook.add_format({"num_format": money}),
            "percent": workbook.add_format({"num_format": "0.0%"}),
            "integer": workbook.add_format({"num_format": "#,##0"}),
            "number": workbook.add_format({"num_format": "#,##0.0"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        }

    def _write_value(self, sheet, row, col, value, fmt, formats):
        if value is None:
            sheet.write_blank(row, col, None, formats["text"])
        elif fmt == "text":
            sheet.write_string(row, col, str(value), formats["text"])
        else:
            sheet.write_number(row, col, float(value), formats[fmt])

    def _write_header(self, sheet, row, labels, formats, widths=None):
        for col, label in enumerate(labels):
            sheet.write_string(row, col, label, formats["header"])
            if widths:
                sheet.set_column(col, col, widths[col] if col < len(widths) else widths[-1])

    def generate_xlsx_report(self, workbook, data, objs):
        dashboard = self.env["customer.roi.dashboard"]
        figures = dashboard._dashboard(data)
        opts = dashboard._options(data)
        company = self.env["res.company"].browse(opts["company_ids"][0])
        formats = self._formats(workbook, company.currency_id)
        self._sheet_kpis(workbook, figures, formats)
        self._sheet_trend(workbook, opts, formats)
        self._sheet_campaigns(workbook, figures, formats)
        if figures["show_costs"]:
            self._sheet_customers(workbook, opts, formats)
        self._sheet_ledger(workbook, opts, figures["show_costs"], formats)

    def _sheet_kpis(self, workbook, figures, formats):
        sheet = workbook.add_worksheet(self.env._("KPIs"))
        options = figures["options"]
        sheet.write_string(
            0,
            0,
            self.env._("ROI and KPI dashboard: %(company)s", company=figures["company"]),
            formats["title"],
        )
        sheet.write_string(
            1,
            0,
            self.env._(
                "Period %(start)s to %(end)s; previous period %(prev_start)s to %(prev_end)s; "
                "last year %(ly_start)s to %(ly_end)s",
                start=options["date_from"],
                end=options["date_to"],
                prev_start=figures["periods"]["previous"][0],
                prev_end=figures["periods"]["previous"][1],
                ly_start=figures["periods"]["last_year"][0],
                ly_end=figures["periods"]["last_year"][1],
            ),
        )
        headers = [
            self.env._("Section"),
            self.env._("Figure"),
            self.env._("This period"),
            self.env._("Previous period"),
            self.env._("Same period last year"),
            self.env._("Definition"),
        ]
        self._write_header(sheet, 3, headers, formats, [24, 34, 16, 16, 16, 80])
        row = 4
        for section in figures["sections"]:
            for line in section["rows"]:
                sheet.write_string(row, 0, section["title"])
                sheet.write_string(row, 1, line["label"])
                for col, key in enumerate(("value", "previous", "last_year"), start=2):
                    self._write_value(sheet, row, col, line[key], line["format"], formats)
                sheet.write_string(row, 5, line["help"])
                row += 1
        sheet.freeze_panes(4, 2)
        sheet.autofilter(3, 0, max(row - 1, 3), len(headers) - 1)

    def _trend_rows(self, opts):
        """Revenue, orders and customers per month of the ``TREND_MONTHS``
        months ending with the period's last month."""
        dashboard = self.env["customer.roi.dashboard"]
        end = opts["end"]
        first = end.replace(day=1)
        for _index in range(TREND_MONTHS - 1):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        filters = [SQL("TRUE")]
        if opts["team_id"]:
            filters.append(SQL("a.team_id = %s", opts["team_id"]))
        if opts["user_id"]:
            filters.append(SQL("a.user_id = %s", opts["user_id"]))
        query = SQL(
            """
            SELECT months.month::date, COALESCE(SUM(a.amount), 0), COUNT(a.id),
                   COUNT(DISTINCT a.partner_id)
              FROM generate_series(%(first)s::date, %(end)s::date, interval '1 month') months(month)
              LEFT JOIN (%(orders)s) a
                ON date_trunc('month', a.date_order) = months.month AND %(filters)s
             GROUP BY months.month ORDER BY months.month
            """,
            first=first,
            end=end,
            orders=dashboard._sql_attributed_orders(opts["company_ids"], first, end),
            filters=SQL(" AND ").join(filters),
        )
        self.env.flush_all()
        return self.env.execute_query(query)

    def _sheet_trend(self, workbook, opts, formats):
        sheet = workbook.add_worksheet(self.env._("Trend"))
        headers = [
            self.env._("Month"),
            self.env._("Revenue"),
            self.env._("Orders"),
            self.env._("Customers"),
        ]
        self._write_header(sheet, 0, headers, formats, [14, 16, 12, 12])
        rows = self._trend_rows(opts)
        for index, (month, revenue, orders, customers) in enumerate(rows, start=1):
            sheet.write_datetime(
                index, 0, datetime.datetime.combine(month, datetime.time()), formats["date"]
            )
            sheet.write_number(index, 1, float(revenue), formats["monetary"])
            sheet.write_number(index, 2, orders, formats["integer"])
            sheet.write_number(index, 3, customers, formats["integer"])
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, len(rows), len(headers) - 1)
        chart = workbook.add_chart({"type": "line"})
        chart.add_series(
            {
                "name": [sheet.name, 0, 1],
                "categories": [sheet.name, 1, 0, len(rows), 0],
                "values": [sheet.name, 1, 1, len(rows), 1],
                "marker": {"type": "circle"},
            }
        )
        chart.set_title({"name": self.env._("Revenue per month")})
        chart.set_legend({"none": True})
        chart.set_x_axis({"date_axis": True, "num_format": "yyyy-mm"})
        sheet.insert_chart(1, 5, chart, {"x_scale": 1.5, "y_scale": 1.2})

    def _sheet_campaigns(self, workbook, figures, formats):
        sheet = workbook.add_worksheet(self.env._("Campaigns"))
        columns = figures["campaign_columns"]
        self._write_header(sheet, 0, [c["label"] for c in columns], formats, [28, 14])
        for index, line in enumerate(figures["campaigns"], start=1):
            for col, column in enumerate(columns):
                self._write_value(sheet, index, col, line[column["key"]], column["format"], formats)
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, max(len(figures["campaigns"]), 1), len(columns) - 1)

    def _sheet_customers(self, workbook, opts, formats):
        dashboard = self.env["customer.roi.dashboard"]
        sheet = workbook.add_worksheet(self.env._("Customers"))
        headers = [
            self.env._("Customer"),
            self.env._("Revenue"),
            self.env._("Cost of goods"),
            self.env._("Gross margin"),
            self.env._("Cost to serve"),
            self.env._("Profit"),
            self.env._("ROI"),
            self.env._("Class"),
        ]
        self._write_header(sheet, 0, headers, formats, [32, 14])
        customers = dashboard._customer_values(opts["company_ids"], opts["start"], opts["end"])
        names = dict(
            self.env.execute_query(
                self.env["customer.profile"]._sql_over_tables(
                    {"p": "res.partner"},
                    "SELECT %(p.id)s, %(p.name)s FROM %(p)s p WHERE %(p.id)s = ANY(%(ids)s)",
                    ids=sorted({partner for partner, _company in customers}),
                )
            )
        )
        labels = dashboard._class_labels()
        ordered = sorted(customers.items(), key=lambda item: -item[1]["profit"])
        keys = ["revenue", "goods_cost", "margin", "cost_to_serve", "profit"]
        for index, ((partner_id, _company), values) in enumerate(ordered, start=1):
            sheet.write_string(index, 0, names.get(partner_id) or str(partner_id))
            for col, key in enumerate(keys, start=1):
                sheet.write_number(index, col, values[key], formats["monetary"])
            self._write_value(sheet, index, 6, values["roi"], "percent", formats)
            sheet.write_string(index, 7, labels[values["class"]])
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, max(len(ordered), 1), len(headers) - 1)

    def _ledger_query(self, opts, show_costs):
        """The ledger lines of the period, with their customer's name."""
        return self.env["customer.profile"]._sql_over_tables(
            {"l": "customer.value.line", "p": "res.partner"},
            """
            SELECT %(l.date)s, %(p.name)s, %(l.source)s, %(l.revenue)s, %(costs)s,
                   %(l.res_model)s, %(l.res_id)s
              FROM %(l)s l
              LEFT JOIN %(p)s p ON %(p.id)s = %(l.partner_id)s
             WHERE %(l.company_id)s = ANY(%(companies)s)
               AND %(l.date)s BETWEEN %(start)s AND %(end)s
            """,
            costs=SQL("l.cost, l.margin") if show_costs else SQL("NULL, NULL"),
            companies=opts["company_ids"],
            start=opts["start"],
            end=opts["end"],
        )

    def _sheet_ledger(self, workbook, opts, show_costs, formats):
        sheet = workbook.add_worksheet(self.env._("Value ledger"))
        headers = [
            self.env._("Date"),
            self.env._("Customer"),
            self.env._("Source"),
            self.env._("Revenue"),
        ]
        if show_costs:
            headers += [self.env._("Cost"), self.env._("Margin")]
        headers += [self.env._("Document"), self.env._("Document ID")]
        self._write_header(sheet, 0, headers, formats, [12, 32, 24, 14])
        sources = dict(
            self.env["customer.value.line"]._fields["source"]._description_selection(self.env)
        )
        self.env.flush_all()
        row = 0
        write_number = sheet.write_number
        write_string = sheet.write_string
        money = formats["monetary"]
        date_format = formats["date"]
        for date, name, source, revenue, cost, margin, res_model, res_id in server_cursor_rows(
            self.env.cr, self._ledger_query(opts, show_costs)
        ):
            row += 1
            sheet.write_datetime(
                row, 0, datetime.datetime(date.year, date.month, date.day), date_format
            )
            write_string(row, 1, name or "")
            write_string(row, 2, sources.get(source, source or ""))
            write_number(row, 3, float(revenue or 0), money)
            col = 4
            if show_costs:
                write_number(row, 4, float(cost or 0), money)
                write_number(row, 5, float(margin or 0), money)
                col = 6
            write_string(row, col, res_model or "")
            write_number(row, col + 1, res_id or 0)
        sheet.freeze_panes(1, 2)
        sheet.autofilter(0, 0, max(row, 1), len(headers) - 1)
        return row
