"""Who may call each public method of this module's models over RPC; the
format is the core's (customer_relationship/tests/rpc_access.py).

The bridge adds no public method and no field: its overrides are private
work units, run by the job runner, never called over RPC."""

RPC_ACCESS = {}
WRITABLE_FIELDS = {}
