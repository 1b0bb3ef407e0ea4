"""Who may call each public method of this module's models over RPC; the
format is the core's (customer_relationship/tests/rpc_access.py)."""

from odoo.addons.customer_relationship.tests.rpc_access import (
    AUDIT,
    MANAGER,
    SALES_MANAGER,
    SALESMAN,
    USER,
)

RPC_ACCESS = {
    # users enrol members and write their note; the tier, the card and the
    # figures are the membership's (checked in write)
    "customer.loyalty.member": {
        "read": USER,
        "create": USER,
        "write": USER,
        "unlink": MANAGER,
        "action_print_card": USER,
        "action_send_card": USER,
        "action_review_tier": MANAGER,
    },
    "customer.loyalty.tier": {
        "read": USER,
        "create": MANAGER,
        "write": MANAGER,
        "unlink": MANAGER,
    },
    # points batches: written by the membership only
    "customer.loyalty.batch": dict(AUDIT),
    "customer.loyalty.tier.history": AUDIT,
    "customer.loyalty.enrol.wizard": {"create": USER, "action_enrol": USER},
    # Odoo's programs: salespeople read them, sales managers configure them
    "loyalty.program": {
        "read": SALESMAN,
        "write": SALES_MANAGER,
        "action_customer_review_tiers": MANAGER,
        "action_customer_open_members": SALESMAN,
    },
    "loyalty.history": {"read": SALESMAN, "write": SALESMAN},
    "res.partner": {
        "action_customer_loyalty_enrol": USER,
        "action_customer_loyalty_open_member": USER,
    },
}

WIZARD_VALUES = {
    "customer.loyalty.enrol.wizard": lambda env: {
        "program_id": env.ref("customer_loyalty.demo_program").id,
    },
}

WRITABLE_FIELDS = {
    "customer.loyalty.member": {"note", "active"},
}
