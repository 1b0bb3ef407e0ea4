import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("customer_roi_dashboard_tour", {
    steps: () => [
        {
            content: "The dashboard opens on March 2025",
            trigger:
                ".o_customer_roi_dashboard .o_roi_period_label:contains('2025-03-01 - 2025-03-31')",
        },
        {
            content: "with the revenue of the month and its definition",
            trigger: ".o_roi_section_kpi .o_roi_row_revenue td[title]",
        },
        {
            content: "Choose a quarter",
            trigger: ".o_customer_roi_dashboard select.o_roi_period",
            run: "select quarter",
        },
        {
            content: "The figures are of the first quarter",
            trigger: ".o_roi_period_label:contains('2025-01-01 - 2025-03-31')",
        },
        {
            content: "Go to the quarter before",
            trigger: ".o_customer_roi_dashboard button.o_roi_previous",
            run: "click",
        },
        {
            content: "The figures are of the fourth quarter of 2024",
            trigger: ".o_roi_period_label:contains('2024-10-01 - 2024-12-31')",
        },
        {
            content: "Export the dashboard to XLSX",
            trigger: ".o_customer_roi_dashboard button.o_roi_export_xlsx",
            run: "click",
        },
        {
            content: "The export is done (the screen is unblocked, no error)",
            trigger: ".o_customer_roi_dashboard:not(:has(.o_roi_error))",
        },
        {
            content: "No error dialog",
            trigger: "body:not(:has(.o_error_dialog)):not(:has(.o_blockUI))",
        },
    ],
});
