{
    "name": "Customer Relationship",
    "summary": "Customer facts, RFM, lifetime value and value classes on Odoo's own sales data",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-relationship/customer_relationship",
    "author": "Customer Relationship Team",
    "maintainers": ["customer-relationship"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "application": True,
    "depends": ["sale_management", "mail", "contacts", "crm"],
    "data": [
        "security/customer_relationship_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/customer_profile_views.xml",
        "views/customer_scoring_run_views.xml",
        "views/customer_event_views.xml",
        "views/customer_value_line_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/customer_relationship_menus.xml",
    ],
    "demo": [
        "demo/customer_relationship_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_relationship/static/tests/tours/*.js",
        ],
    },
}
