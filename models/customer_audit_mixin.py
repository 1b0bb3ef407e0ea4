from odoo import models
from odoo.exceptions import AccessError


class CustomerAuditMixin(models.AbstractModel):
    """Records of what happened: scoring runs, timeline rows, ledger lines.

    The modules append them (often as superuser, from the transaction of
    their cause); afterwards they are history, which later computations
    read (the incremental scores read the bounds of the last scoring run).
    Only the system administrator may change or delete them, for example
    to repair data; the access rules grant no one else write or unlink,
    and ``write``/``unlink`` check it again whatever the caller's rules.
    """

    _name = "customer.audit.mixin"
    _description = "Append-only Customer Record"

    def write(self, vals):
        self._check_audit_change()
        return super().write(vals)

    def unlink(self):
        self._check_audit_change()
        return super().unlink()

    def _check_audit_change(self):
        """Raise AccessError unless the system administrator (or superuser
        code) changes these records."""
        if self and not self.env.is_system():
            raise AccessError(
                self.env._(
                    "%(records)s record what happened: only the system administrator can "
                    "change or delete them.",
                    records=self.env["ir.model"]._get(self._name).name,
                )
            )
