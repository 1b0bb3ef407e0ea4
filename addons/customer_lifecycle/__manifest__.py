{
    "name": "Customer Lifecycle",
    "summary": "Customer lifecycle stages moved by rules on ERP facts, with history and funnel",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-relationship/customer_relationship",
    "author": "Customer Relationship Team",
    "maintainers": ["customer-relationship"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["customer_relationship", "crm"],
    "data": [
        "security/customer_lifecycle_security.xml",
        "security/ir.model.access.csv",
        "data/customer_lifecycle_stage_data.xml",
        "data/customer_lifecycle_rule_data.xml",
        "data/ir_cron_data.xml",
        "views/customer_lifecycle_stage_views.xml",
        "views/customer_lifecycle_rule_views.xml",
        "views/customer_lifecycle_history_views.xml",
        "views/customer_lifecycle_state_views.xml",
        "views/res_partner_views.xml",
        "report/customer_lifecycle_report_views.xml",
        "views/customer_lifecycle_menus.xml",
    ],
    "demo": [
        "demo/customer_lifecycle_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_lifecycle/static/tests/tours/*.js",
        ],
    },
}
