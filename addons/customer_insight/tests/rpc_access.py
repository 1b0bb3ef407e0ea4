"""Who may call each public method of this module's models over RPC; the
format is the core's (customer_relationship/tests/rpc_access.py)."""

from odoo.addons.customer_relationship.tests.rpc_access import MANAGER, NOBODY, USER

# rows written by the module's SQL only: users read them
COMPUTED = {"read": USER, "create": NOBODY, "write": NOBODY, "unlink": NOBODY}

RPC_ACCESS = {
    "customer.insight": dict(COMPUTED, action_refresh_all=MANAGER, action_backtest=MANAGER),
    "customer.insight.rule": dict(COMPUTED, action_open_recompute=MANAGER),
    # adding to a quotation needs write access to it too (checked per record)
    "customer.insight.recommendation": dict(COMPUTED, action_add_to_order=USER),
    # a database view
    "customer.nps.report": COMPUTED,
    "customer.segment": {"action_send_nps_survey": USER},
    # rewritten by SQL when customers are invited: managers may read them
    "customer.nps.lock": {"read": MANAGER, "create": NOBODY, "write": NOBODY, "unlink": NOBODY},
}

WIZARD_VALUES = {}

WRITABLE_FIELDS = {}
