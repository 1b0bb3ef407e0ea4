from odoo.tools import SQL

from .models.loyalty_history import CARD_INDEX, ORDER_DATE_INDEX

# The membership's own rows, which point to programs and tiers.
MEMBERSHIP_TABLES = (
    "customer.loyalty.tier.history",
    "customer.loyalty.batch",
    "customer.loyalty.member",
)


def uninstall_hook(env):
    """Delete the members, their batches and tier history before Odoo deletes
    the module's records (members hold their program with
    ``ondelete="restrict"``), and the cards and points history of the
    programs the module's data made (the demo program), which Odoo's cards
    hold the same way. The tables are dropped right after, and the indexes
    the module put on Odoo's points history here."""
    for index in (CARD_INDEX, ORDER_DATE_INDEX):
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))
    for model in MEMBERSHIP_TABLES:
        env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(env[model]._table)))
    programs = (
        env["ir.model.data"]
        .search([("module", "=", "customer_loyalty"), ("model", "=", "loyalty.program")])
        .mapped("res_id")
    )
    if programs:
        cards = (
            env["loyalty.card"]
            .with_context(active_test=False)
            .search([("program_id", "in", programs)])
        )
        env["sale.order.coupon.points"].search([("coupon_id", "in", cards.ids)]).unlink()
        env["sale.order.line"].search([("coupon_id", "in", cards.ids)]).write({"coupon_id": False})
        cards.unlink()
