"""Who may call each public method of this module's models over RPC; the
format is the core's (customer_relationship/tests/rpc_access.py)."""

from odoo.addons.customer_relationship.tests.rpc_access import AUDIT, NOBODY

HELPDESK_USER = "helpdesk_mgmt.group_helpdesk_user_own"
HELPDESK_MANAGER = "helpdesk_mgmt.group_helpdesk_manager"
# configuration: read by employees, changed by helpdesk managers
CONFIG = {
    "read": "base.group_user",
    "create": HELPDESK_MANAGER,
    "write": HELPDESK_MANAGER,
    "unlink": HELPDESK_MANAGER,
}

RPC_ACCESS = {
    "customer.complaint.category": CONFIG,
    "customer.complaint.cause": CONFIG,
    "customer.complaint.sla": dict(CONFIG, read=HELPDESK_USER),
    "customer.complaint.escalation.rule": dict(CONFIG, read=HELPDESK_USER),
    # escalations are written by the cron: an audit of what happened
    "customer.complaint.escalation": dict(AUDIT, read=HELPDESK_USER),
    "customer.complaint.compensation": {
        "read": HELPDESK_USER,
        "create": HELPDESK_USER,
        # a granted compensation cannot change (checked per record)
        "write": HELPDESK_USER,
        "unlink": HELPDESK_MANAGER,
        "action_submit": HELPDESK_USER,
        "action_approve": HELPDESK_MANAGER,
        "action_refuse": {"groups": HELPDESK_MANAGER, "args": ["no stock left"]},
    },
    "customer.complaint.compensation.refuse": {
        "create": HELPDESK_MANAGER,
        "action_refuse": HELPDESK_MANAGER,
    },
    # reports (database views): read by helpdesk managers, written by nobody
    "customer.complaint.product.rate": {
        "read": HELPDESK_MANAGER,
        "create": NOBODY,
        "write": NOBODY,
        "unlink": NOBODY,
    },
    "customer.complaint.cause.pareto": {
        "read": HELPDESK_MANAGER,
        "create": NOBODY,
        "write": NOBODY,
        "unlink": NOBODY,
    },
    "helpdesk.ticket": {"create": HELPDESK_USER, "write": HELPDESK_USER},
    "res.partner": {"action_open_complaints": "base.group_user"},
}


def _refuse_values(env):
    compensation = env["customer.complaint.compensation"].search([], limit=1)
    return {"compensation_id": compensation.id, "reason": "no stock left"}


WIZARD_VALUES = {"customer.complaint.compensation.refuse": _refuse_values}

WRITABLE_FIELDS = {}
