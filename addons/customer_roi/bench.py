"""``make bench`` steps of customer_roi.

Loaded by the core's tools/bench.py when the module is installed in the
bench database (see customer_relationship's readme/DEVELOP.md, "Benchmark
steps"); Odoo itself never imports it.

The setup gives a campaign to every tenth confirmed order of the bench
company and a cost line per campaign and month, in SQL. The period read is
the year up to the bench day.

- ``orders_floor``: one aggregate per customer of the confirmed orders of
  the period and of the one before (what any KPI must read);
- ``kpis``: the KPIs of the period (``_kpi_values``), at most 3 times that
  floor;
- ``campaign_roi``: the campaign ROI figures of the period, at most 3 times
  that floor;
- ``ledger_floor``: one aggregate per customer of the value ledger over the
  period and the two before (what customer profitability must read);
- ``profitability``: revenue, costs, profit, Pareto share and classes of
  every customer, at most 3 times that floor;
- ``xlsx_floor``: a bare xlsxwriter loop (``constant_memory``, no formats)
  writing the ledger rows of the bench company, read through a server-side
  cursor;
- ``xlsx_ledger``: the export's ledger sheet over the same rows, at most 3
  times that floor, with a peak memory growth under 150 MB over the RSS of
  the process when the step starts.
"""

import datetime
import functools
import tempfile
import time

VIEW_TARGET = 3.0
XLSX_TARGET = 3.0
XLSX_GROWTH_MB = 150
CAMPAIGN_PREFIX = "Bench ROI campaign"
CAMPAIGNS = 5


def bench_steps(bench):
    orders_floor = bench.Floor(
        "orders_floor", "floor: orders per customer, two periods (SQL)", run_orders_floor
    )
    ledger_floor = bench.Floor(
        "ledger_floor", "floor: value ledger per customer, three periods (SQL)", run_ledger_floor
    )
    xlsx_floor = bench.Floor(
        "xlsx_floor", "floor: ledger rows by a bare xlsxwriter loop", run_xlsx_floor
    )
    return [
        orders_floor,
        bench.Step(
            "kpis",
            "ROI: KPIs of a year, all customers",
            run_kpis,
            floor=orders_floor,
            target=VIEW_TARGET,
            setup=setup_campaigns,
        ),
        bench.Step(
            "campaign_roi",
            "ROI: campaign ROI of a year",
            run_campaign_roi,
            floor=orders_floor,
            target=VIEW_TARGET,
            setup=setup_campaigns,
        ),
        ledger_floor,
        bench.Step(
            "profitability",
            "ROI: customer profitability, Pareto and classes of a year",
            run_profitability,
            floor=ledger_floor,
            target=VIEW_TARGET,
            setup=setup_campaigns,
        ),
        xlsx_floor,
        bench.Step(
            "xlsx_ledger",
            "ROI: XLSX export of the ledger rows (streamed)",
            functools.partial(run_xlsx_ledger, measure=bench.Measure),
            floor=xlsx_floor,
            check=xlsx_check,
            setup=setup_campaigns,
        ),
    ]


def _period(ctx):
    end = ctx.env["customer.profile"]._facts_today()
    return end - datetime.timedelta(days=364), end


def _options(ctx):
    start, end = _period(ctx)
    return ctx.env["customer.roi.dashboard"]._options(
        {
            "period": "custom",
            "date_from": start,
            "date_to": end,
            "company_id": ctx.company.id,
        }
    )


def setup_campaigns(ctx):
    """Campaigns on every tenth order, a cost per campaign and month (once
    per database: the next setups find the campaigns)."""
    env = ctx.env
    if env["utm.campaign"].search_count([("title", "=like", f"{CAMPAIGN_PREFIX}%")]):
        return
    started = time.perf_counter()
    campaigns = env["utm.campaign"].create(
        [{"title": f"{CAMPAIGN_PREFIX} {index}"} for index in range(CAMPAIGNS)]
    )
    start, end = _period(ctx)
    env["customer.roi.campaign.cost"].create(
        [
            {
                "campaign_id": campaign.id,
                "company_id": ctx.company.id,
                "date": start + datetime.timedelta(days=30 * month),
                "amount": 1000 + 100 * index,
                "category": "advertising",
            }
            for index, campaign in enumerate(campaigns)
            for month in range(12)
            if start + datetime.timedelta(days=30 * month) <= end
        ]
    )
    env.flush_all()
    ctx.cr.execute(
        env["customer.profile"]._sql_over_tables(
            {"so": "sale.order"},
            """
            UPDATE %(so)s so SET %(so:campaign_id)s = (%(ids)s)[1 + mod(%(so.id)s / 10, %(count)s)]
             WHERE %(so.company_id)s = %(company)s AND mod(%(so.id)s, 10) = 0
            """,
            ids=campaigns.ids,
            count=len(campaigns),
            company=ctx.company.id,
        )
    )
    env.invalidate_all()
    ctx.commit()
    ctx.log(f"roi: campaigns and costs committed in {time.perf_counter() - started:.1f}s")
    ctx.vacuum("sale_order")


def run_orders_floor(ctx):
    start, end = _period(ctx)
    previous_start = start - (end - start) - datetime.timedelta(days=1)
    profiles = ctx.env["customer.profile"]
    query = profiles._sql_over_tables(
        {},
        """
        SELECT o.partner_id, COUNT(*) FILTER (WHERE o.date_order >= %(start)s),
               SUM(o.amount) FILTER (WHERE o.date_order >= %(start)s),
               COUNT(*) FILTER (WHERE o.date_order < %(start)s)
          FROM (%(orders)s) o
         WHERE o.date_order < %(end)s
         GROUP BY o.partner_id
        """,
        start=start,
        end=end + datetime.timedelta(days=1),
        orders=profiles._sql_confirmed_orders(company_ids=[ctx.company.id], since=previous_start),
    )
    started = time.perf_counter()
    rows = len(ctx.env.execute_query(query))
    return time.perf_counter() - started, rows


def run_kpis(ctx):
    opts = _options(ctx)
    dashboard = ctx.env["customer.roi.dashboard"]
    started = time.perf_counter()
    values = dashboard._kpi_values(opts["company_ids"], opts["start"], opts["end"])
    dashboard._kpis(values)
    return time.perf_counter() - started, values["customers"]


def run_campaign_roi(ctx):
    opts = _options(ctx)
    started = time.perf_counter()
    rows = ctx.env["customer.roi.dashboard"]._campaign_values(
        opts["company_ids"], opts["start"], opts["end"]
    )
    return time.perf_counter() - started, len(rows)


def run_ledger_floor(ctx):
    start, end = _period(ctx)
    earliest = start - 2 * (end - start + datetime.timedelta(days=1))
    query = ctx.env["customer.profile"]._sql_over_tables(
        {"l": "customer.value.line"},
        """
        SELECT %(l.partner_id)s, SUM(%(l.revenue)s), SUM(%(l.cost)s)
          FROM %(l)s l
         WHERE %(l.company_id)s = %(company)s AND %(l.date)s BETWEEN %(earliest)s AND %(end)s
         GROUP BY %(l.partner_id)s
        """,
        company=ctx.company.id,
        earliest=earliest,
        end=end,
    )
    started = time.perf_counter()
    rows = len(ctx.env.execute_query(query))
    return time.perf_counter() - started, rows


def run_profitability(ctx):
    opts = _options(ctx)
    started = time.perf_counter()
    total, _customers = ctx.env["customer.roi.dashboard"]._profitability(
        opts["company_ids"], opts["start"], opts["end"]
    )
    return time.perf_counter() - started, total["customers"]


def _ledger_options(ctx):
    """Every ledger line of the bench company (the export's largest case)."""
    opts = _options(ctx)
    opts["start"] = datetime.date(1970, 1, 1)
    return opts


def _rss_mb(field="VmRSS"):
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_xlsx_floor(ctx):
    import xlsxwriter  # noqa: PLC0415 (a dependency of the module, not of the bench)

    from .report.customer_roi_dashboard_xlsx import server_cursor_rows  # noqa: PLC0415

    report = ctx.env["report.customer_roi.dashboard_xlsx"]
    query = report._ledger_query(_ledger_options(ctx), True)
    ctx.env.flush_all()
    started = time.perf_counter()
    rows = 0
    with tempfile.TemporaryFile() as handle:
        workbook = xlsxwriter.Workbook(handle, {"constant_memory": True})
        sheet = workbook.add_worksheet()
        for rows, line in enumerate(server_cursor_rows(ctx.cr, query), start=1):
            sheet.write_row(rows, 0, [str(line[0]), *line[1:]])
        workbook.close()
    return time.perf_counter() - started, rows


def run_xlsx_ledger(ctx, measure=None):
    import xlsxwriter  # noqa: PLC0415

    start_rss = _rss_mb()
    report = ctx.env["report.customer_roi.dashboard_xlsx"]
    opts = _ledger_options(ctx)
    company = ctx.company
    started = time.perf_counter()
    with tempfile.TemporaryFile() as handle:
        workbook = xlsxwriter.Workbook(handle, report.get_workbook_options())
        formats = report._formats(workbook, company.currency_id)
        rows = report._sheet_ledger(workbook, opts, True, formats)
        workbook.close()
    seconds = time.perf_counter() - started
    peak = _rss_mb("VmHWM")
    growth = None if start_rss is None or peak is None else round(peak - start_rss, 1)
    worst = max(ctx.state.get("xlsx_growth_mb") or 0, growth or 0)
    ctx.state["xlsx_growth_mb"] = worst
    if measure is None:
        return seconds, rows
    return measure(seconds, rows, rss_growth_mb=worst)


def xlsx_check(result, results):
    ratio = result.get("ratio_to_floor")
    growth = result.get("rss_growth_mb")
    text = f"<= {XLSX_TARGET:g}x floor, < {XLSX_GROWTH_MB} MB growth"
    if growth is not None:
        text += f" ({growth:.0f} MB)"
    ok = (
        ratio is not None
        and ratio <= XLSX_TARGET
        and growth is not None
        and growth < XLSX_GROWTH_MB
    )
    return text, ok
