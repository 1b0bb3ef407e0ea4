"""Who may call each public method of this module's models over RPC; the
format is the core's (customer_relationship/tests/rpc_access.py)."""

from odoo.addons.customer_relationship.tests.rpc_access import MANAGER, NOBODY, USER

# analyses over SQL: read only, by nobody written
READ_ONLY = {"create": NOBODY, "write": NOBODY, "unlink": NOBODY}

RPC_ACCESS = {
    # costs are managers' figures
    "customer.roi.campaign.cost": {
        "read": MANAGER,
        "create": MANAGER,
        "write": MANAGER,
        "unlink": MANAGER,
    },
    # managers set targets; a user reads only their own (the record the
    # test calls on is another salesperson's)
    "customer.roi.target": {
        "read": MANAGER,
        "create": MANAGER,
        "write": MANAGER,
        "unlink": MANAGER,
    },
    # users read the counts and revenue; cost fields are managers' (fields' groups)
    "customer.roi.campaign.report": dict(READ_ONLY, read=USER),
    "customer.roi.customer.report": dict(READ_ONLY, read=MANAGER),
    "customer.roi.dashboard": {
        "get_dashboard": {"groups": USER, "args": [{"period": "month"}]},
        "get_filter_choices": USER,
    },
    "report.customer_roi.dashboard_xlsx": {
        "create_xlsx_report": {"groups": USER, "args": [[], {"period": "month"}]},
    },
}

WRITABLE_FIELDS = {}
