{
    "name": "Customer ROI: Loyalty Programme",
    "summary": "Return on the membership programme on the ROI dashboard: members against "
    "comparable non-members, reward cost and points liability",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-relationship/customer_relationship",
    "author": "Customer Relationship Team",
    "maintainers": ["customer-relationship"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["customer_roi", "customer_loyalty"],
    "auto_install": True,
    "data": [],
}
