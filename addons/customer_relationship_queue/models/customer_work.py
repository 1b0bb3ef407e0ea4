from odoo import api, models

# every channel of the suite is a child of this one
CHANNEL = "root.customer_relationship"


class CustomerWork(models.AbstractModel):
    _inherit = "customer.work"

    @api.model
    def _defer(self, records, method, args=(), *, cron, channel, key=None, description=None):
        """Enqueue ``records.<method>(*args)`` as a job on the channel
        ``root.customer_relationship.<channel>`` instead of triggering the
        cron: job runners pick it up, on this machine or others. A job of
        the same ``key`` still waiting to start is not enqueued twice (the
        job's identity key), since it will find the work this transaction
        records once it starts."""
        delayable = records.with_delay(
            channel=f"{CHANNEL}.{channel}",
            identity_key=key,
            description=description,
        )
        getattr(delayable, method)(*args)
