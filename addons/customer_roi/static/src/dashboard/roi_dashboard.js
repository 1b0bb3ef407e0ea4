import {Component, onWillStart, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {formatFloat} from "@web/core/utils/numbers";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * The ROI and KPI dashboard: the figures of customer.roi.dashboard for a
 * period and filters, each beside the previous period and the same period
 * last year, with the definition of each figure as its tooltip. The XLSX
 * export and the PDF summary read the same figures on the server.
 */
export class CustomerRoiDashboard extends Component {
    static template = "customer_roi.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        // an action may open the dashboard on a period: context keys
        // customer_roi_period and customer_roi_date
        const context = this.props.action?.context || {};
        this.state = useState({
            loading: true,
            options: {
                period: context.customer_roi_period || "month",
                date: context.customer_roi_date || false,
                date_from: false,
                date_to: false,
            },
            choices: {companies: [], teams: [], users: []},
            data: null,
            error: false,
        });
        onWillStart(async () => {
            this.state.choices = await this.orm.call(
                "customer.roi.dashboard",
                "get_filter_choices",
                []
            );
            await this.load();
        });
    }

    get periodChoices() {
        return [
            ["month", _t("Month")],
            ["quarter", _t("Quarter")],
            ["year", _t("Year")],
            ["custom", _t("Custom")],
        ];
    }

    requestOptions() {
        const options = {...this.state.options};
        for (const key of ["company_id", "team_id", "user_id"]) {
            options[key] = options[key] ? parseInt(options[key], 10) : false;
        }
        return options;
    }

    async load() {
        this.state.loading = true;
        this.state.error = false;
        try {
            const data = await this.orm.call(
                "customer.roi.dashboard",
                "get_dashboard",
                [this.requestOptions()]
            );
            this.state.data = data;
            if (this.state.options.period !== "custom") {
                this.state.options.date_from = data.options.date_from;
                this.state.options.date_to = data.options.date_to;
            }
        } catch (error) {
            this.state.error = error.data?.message || error.message || String(error);
        } finally {
            this.state.loading = false;
        }
    }

    async onOptionChange(key, ev) {
        this.state.options[key] = ev.target.value || false;
        if (key === "period" && ev.target.value !== "custom") {
            this.state.options.date = this.state.options.date_from || false;
        }
        if (key === "date_from" && this.state.options.period !== "custom") {
            this.state.options.date = ev.target.value || false;
        }
        await this.load();
    }

    async shiftPeriod(direction) {
        const options = this.state.options;
        if (!this.state.data || options.period === "custom") {
            return;
        }
        const [start, end] =
            direction < 0
                ? this.state.data.periods.previous
                : [this.state.data.options.date_to, this.state.data.options.date_to];
        if (direction < 0) {
            options.date = start;
        } else {
            const next = new Date(`${end}T00:00:00Z`);
            next.setUTCDate(next.getUTCDate() + 1);
            options.date = next.toISOString().slice(0, 10);
        }
        await this.load();
    }

    format(value, fmt) {
        if (value === null || value === undefined || value === false) {
            return "-";
        }
        if (fmt === "percent") {
            return `${formatFloat(value * 100, {digits: [false, 1]})}%`;
        }
        if (fmt === "integer") {
            return formatFloat(value, {digits: [false, 0]});
        }
        if (fmt === "monetary") {
            const currency = this.state.data.currency;
            const amount = formatFloat(value, {digits: [false, currency.digits]});
            return currency.position === "before"
                ? `${currency.symbol} ${amount}`
                : `${amount} ${currency.symbol}`;
        }
        if (fmt === "number") {
            return formatFloat(value, {digits: [false, 1]});
        }
        return String(value);
    }

    reportAction(type, name) {
        return {
            type: "ir.actions.report",
            report_type: type,
            report_name: name,
            report_file: name,
            data: this.requestOptions(),
            context: {active_model: "customer.roi.dashboard"},
        };
    }

    async exportXlsx() {
        await this.action.doAction(
            this.reportAction("xlsx", "customer_roi.dashboard_xlsx")
        );
    }

    async printPdf() {
        await this.action.doAction(
            this.reportAction("qweb-pdf", "customer_roi.report_dashboard_pdf")
        );
    }

    openAnalysis(xmlid) {
        return this.action.doAction(xmlid);
    }
}

registry.category("actions").add("customer_roi.dashboard", CustomerRoiDashboard);
