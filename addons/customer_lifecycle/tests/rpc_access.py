"""Who may call each public method of this module's models over RPC; the
format is the core's (customer_relationship/tests/rpc_access.py)."""

from odoo.addons.customer_relationship.tests.rpc_access import (
    MANAGER,
    NOBODY,
    SALESMAN,
    SYSTEM,
    USER,
)

RPC_ACCESS = {
    "customer.lifecycle.state": {
        # users move customers between stages (stage_id only) and lock them;
        # a lock held by someone else is lifted by managers only (tested per
        # record in this module's own tests)
        "read": USER,
        "create": NOBODY,
        "write": USER,
        "unlink": NOBODY,
        # a user locks a customer; unlocking a lock held by someone else is
        # for managers (checked per record)
        "action_lock": USER,
        "action_unlock": USER,
        "action_evaluate_all": MANAGER,
    },
    # rules of one company are its managers'; rules of every company
    # (no company, as the default rules) the system administrator's
    "customer.lifecycle.rule": {
        "read": USER,
        "create": MANAGER,
        "write": SYSTEM,
        "unlink": SYSTEM,
    },
    "customer.lifecycle.stage": {
        "read": USER,
        "create": MANAGER,
        "write": MANAGER,
        "unlink": MANAGER,
    },
    "customer.lifecycle.history": {
        "read": USER,
        "create": NOBODY,
        "write": NOBODY,
        "unlink": NOBODY,
    },
    "customer.lifecycle.report": {"read": USER},
    "crm.lead": {"create": SALESMAN, "write": SALESMAN},
    "res.partner": {"action_open_customer_lifecycle": USER},
}

WIZARD_VALUES = {}

WRITABLE_FIELDS = {
    "customer.lifecycle.state": {"stage_id"},
}
