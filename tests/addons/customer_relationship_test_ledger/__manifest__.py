{
    "name": "Customer Relationship: test ledger source",
    "summary": "Test module: adds a source to the customer value ledger",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "Customer Relationship Team",
    "license": "AGPL-3",
    "depends": ["customer_relationship"],
    "installable": True,
}
