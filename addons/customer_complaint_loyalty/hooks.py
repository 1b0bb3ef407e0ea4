def uninstall_hook(env):
    """Delete the coupons of the programs this module's data made (the demo
    coupon program): Odoo's coupons hold their program, and would keep Odoo
    from deleting it with the module's other records. A coupon redeemed on
    a sales order is unlinked from the order first."""
    data = env["ir.model.data"].search(
        [("module", "=", "customer_complaint_loyalty"), ("model", "=", "loyalty.program")]
    )
    coupons = (
        env["loyalty.card"]
        .with_context(active_test=False)
        .search([("program_id", "in", data.mapped("res_id"))])
    )
    if "sale.order.coupon.points" in env:
        env["sale.order.coupon.points"].search([("coupon_id", "in", coupons.ids)]).unlink()
        env["sale.order.line"].search([("coupon_id", "in", coupons.ids)]).coupon_id = False
    coupons.unlink()
