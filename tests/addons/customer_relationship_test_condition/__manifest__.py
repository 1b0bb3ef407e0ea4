{
    "name": "Customer Relationship: test conditions",
    "summary": "Test module: a model with a condition typed by users",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "Customer Relationship Team",
    "license": "AGPL-3",
    "depends": ["customer_relationship"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
