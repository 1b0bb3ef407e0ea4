from odoo.tools import SQL

# Models whose rows point to the stages with ``ondelete="restrict"``.
STAGE_HOLDERS = (
    "customer.lifecycle.history",
    "customer.lifecycle.state",
    "customer.lifecycle.rule",
)


def uninstall_hook(env):
    """Delete the customers' stages, their history and the rules before
    Odoo deletes the module's records: while rows point to the default
    stages, those cannot be deleted, and the uninstallation would log an
    error for each. The tables are dropped right after."""
    for model in STAGE_HOLDERS:
        env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(env[model]._table)))
