"""Who may call each public method of this module's models over RPC; the
format is the core's (customer_relationship/tests/rpc_access.py). The bridge
adds no public method: its figures come with the dashboard's."""

RPC_ACCESS = {}
WRITABLE_FIELDS = {}
