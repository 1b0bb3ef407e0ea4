{
    "name": "Customer Complaints: Coupons",
    "summary": "Compensate a complaint with a coupon of a loyalty coupon program",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/customer-relationship/customer_relationship",
    "author": "Customer Relationship Team",
    "maintainers": ["customer-relationship"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["customer_complaint", "loyalty"],
    "auto_install": True,
    "uninstall_hook": "uninstall_hook",
    "data": [
        "security/ir.model.access.csv",
        "views/customer_complaint_compensation_views.xml",
    ],
    "demo": [
        "demo/loyalty_program_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_complaint_loyalty/static/tests/tours/*.js",
        ],
    },
}
