"""Who may call each public method of this module's models over RPC; the
format is the core's (customer_relationship/tests/rpc_access.py)."""

from odoo.addons.customer_relationship.tests.rpc_access import (
    AUDIT,
    MANAGER,
    NOBODY,
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
    "customer.loyalty.member.tier.report": {
        "read": USER,
        "create": NOBODY,
        "write": NOBODY,
        "unlink": NOBODY,
    },
    "customer.loyalty.enrol.wizard": {"create": USER, "action_enrol": USER},
    # Odoo's programs: salespeople read them, sales managers configure them
    "loyalty.program": {
        "read": SALESMAN,
        "write": SALES_MANAGER,
        "action_customer_review_tiers": MANAGER,
        "action_customer_enrol_matching": MANAGER,
        "action_customer_open_members": SALESMAN,
    },
    "loyalty.history": {"read": SALESMAN, "write": SALESMAN},
    # Odoo's balance update: who may use it is Odoo's access to the wizard;
    # on a member's card the membership records it as superuser
    "loyalty.card.update.balance": {"action_update_card_point": SALESMAN},
    # an order's points entries: Odoo's sales managers write them; whether
    # the membership adds them after the commit is the membership's own
    "sale.order.coupon.points": {"create": SALES_MANAGER, "write": SALES_MANAGER},
    "res.partner": {
        "action_customer_loyalty_enrol": USER,
        "action_customer_loyalty_open_member": USER,
    },
}

WIZARD_VALUES = {
    "sale.order.coupon.points": lambda env: {
        "order_id": env["sale.order"].search([("state", "=", "draft")], limit=1).id,
        "coupon_id": env.ref("customer_loyalty.demo_program").coupon_ids[:1].id,
        "points": 1.0,
    },
    "customer.loyalty.enrol.wizard": lambda env: {
        "program_id": env.ref("customer_loyalty.demo_program").id,
    },
    "loyalty.card.update.balance": lambda env: {
        "card_id": env.ref("customer_loyalty.demo_program").coupon_ids[:1].id,
        "new_balance": env.ref("customer_loyalty.demo_program").coupon_ids[:1].points + 10,
        "description": "Goodwill",
    },
}

WRITABLE_FIELDS = {
    "customer.loyalty.member": {"note", "active"},
}
