{
    "name": "Customer Relationship Job Queue",
    "summary": "Run the customer relationship suite's heavy work as OCA queue_job jobs",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-relationship/customer_relationship",
    "author": "Customer Relationship Team",
    "maintainers": ["customer-relationship"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["customer_relationship", "queue_job"],
    "auto_install": True,
    "data": [
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
    ],
}
