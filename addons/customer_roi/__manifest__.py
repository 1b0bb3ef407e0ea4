{
    "name": "Customer ROI",
    "summary": "Return on campaigns and customers, KPI dashboard, salesperson scorecards "
    "and XLSX exports from the customer value ledger",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-relationship/customer_relationship",
    "author": "Customer Relationship Team",
    "maintainers": ["customer-relationship"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["customer_relationship", "utm", "sale_crm", "report_xlsx"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/customer_roi_security.xml",
        "security/ir.model.access.csv",
        "views/customer_roi_campaign_cost_views.xml",
        "views/utm_campaign_views.xml",
        "views/customer_roi_target_views.xml",
        "report/customer_roi_campaign_report_views.xml",
        "report/customer_roi_customer_report_views.xml",
        "report/customer_roi_reports.xml",
        "report/customer_roi_dashboard_templates.xml",
        "views/customer_roi_dashboard_views.xml",
        "views/customer_roi_menus.xml",
    ],
    "demo": [
        "demo/customer_roi_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "customer_roi/static/src/dashboard/*",
        ],
        "web.assets_tests": [
            "customer_roi/static/tests/tours/*.js",
        ],
    },
}
