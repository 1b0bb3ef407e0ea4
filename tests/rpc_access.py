"""Who may call each public method of this module's models over RPC.

Read by ``tests/test_rpc_access.py`` (see readme/DEVELOP.md, "Public methods
and who may call them"). Every public method (name not starting with ``_``)
defined in a class of this module must appear in ``RPC_ACCESS``, overrides of
ORM methods (``create``, ``write``, ``unlink``) included; ORM methods the
module does not override may be listed too, to pin the access rules down.

- ``RPC_ACCESS``: ``{model: {method: groups}}``. ``groups`` is a group
  specification as in a field's ``groups=`` (``"a,b"``: any of them;
  ``"!a"``: not a) naming who may call it, or ``NOBODY``. The test calls the
  method as a portal user, an internal user, a customer relationship user and
  a manager; a caller outside ``groups`` must get ``AccessError``, one inside
  must not (a ``UserError`` or ``ValidationError`` refusing the arguments is
  fine). Record methods run on one record of the model in the demo company;
  ``write`` gets ``{}``, ``create`` the wizard's values below or ``{}``. Give
  other arguments as ``{"groups": ..., "args": [...], "kwargs": {...}}``.
- ``WIZARD_VALUES``: ``{transient model: function(env) -> values}``; the
  wizard is created as the caller, over RPC too, before its method is called.
- ``WRITABLE_FIELDS``: ``{model: {field names}}``: the fields of this
  module (of its own models and those it adds to others) that a customer
  relationship user can write; every other stored field must be refused.
"""

USER = "customer_relationship.group_customer_user"
MANAGER = "customer_relationship.group_customer_manager"
SALESMAN = "sales_team.group_sale_salesman"
SALES_MANAGER = "sales_team.group_sale_manager"
SYSTEM = "base.group_system"
# no user may call it over RPC (the module's code does, as superuser)
NOBODY = ""

# history: appended by the modules, changed by the system administrator only
AUDIT = {"read": USER, "create": SYSTEM, "write": SYSTEM, "unlink": SYSTEM}

RPC_ACCESS = {
    "customer.profile": {
        "action_recompute_all": MANAGER,
        "read": USER,
        "create": NOBODY,
        "write": NOBODY,
        "unlink": NOBODY,
    },
    "customer.profile.queue": {
        "read": MANAGER,
        "create": NOBODY,
        "write": NOBODY,
        "unlink": NOBODY,
    },
    "customer.scoring.run": dict(AUDIT, read=MANAGER),
    "customer.event": AUDIT,
    # a database view: nobody writes it
    "customer.value.line": {"read": USER, "create": NOBODY, "write": NOBODY, "unlink": NOBODY},
    "customer.segment": {
        "action_open_customers": USER,
        "action_open_mail_wizard": USER,
        "action_open_mailings": USER,
        "read": USER,
        "create": MANAGER,
        "write": MANAGER,
        "unlink": MANAGER,
    },
    "customer.segment.mail.wizard": {
        "create": USER,
        "action_send": USER,
    },
    # mailings and their lines are written by the send, not by users (an
    # audit of who was sent what); sending the remaining recipients again is
    # for managers
    "customer.segment.mailing": dict(AUDIT, action_send=MANAGER, action_open_recipients=USER),
    "customer.segment.mailing.line": AUDIT,
    # customers change hands with sales manager rights; the handover and its
    # lines are the audit of what moved
    "customer.handover": {
        "action_open_events": MANAGER,
        "read": MANAGER,
        "create": SALES_MANAGER,
        "write": SYSTEM,
        "unlink": NOBODY,
    },
    "customer.handover.line": {
        "read": MANAGER,
        "create": SYSTEM,
        "write": SYSTEM,
        "unlink": NOBODY,
    },
    "customer.handover.wizard": {
        "create": MANAGER,
        "action_preview": SALES_MANAGER,
        # back to the first step of the wizard: nothing is read or moved
        "action_back": MANAGER,
        "action_confirm": SALES_MANAGER,
    },
    "res.partner": {
        "action_open_customer_timeline": USER,
        "action_open_customer_profile": USER,
    },
    "res.config.settings": {
        # the settings are the system administrator's; recomputing also
        # needs customer relationship manager rights
        "action_customer_recompute": SYSTEM,
    },
    "sale.order": {"write": SALESMAN},
    "sale.order.line": {"create": SALESMAN, "write": SALESMAN, "unlink": SALESMAN},
}


def _handover_values(env):
    return {
        "user_id": env.ref("base.user_demo").id,
        "successor_ids": [(6, 0, env.ref("base.user_admin").ids)],
    }


def _mail_values(env):
    segment = env["customer.segment"].search([("company_id", "=", env.company.id)], limit=1)
    return {"segment_id": segment.id}


WIZARD_VALUES = {
    "customer.handover.wizard": _handover_values,
    "customer.segment.mail.wizard": _mail_values,
    "res.config.settings": lambda env: {},
}

WRITABLE_FIELDS = {
    "res.partner": {"customer_company_size"},
}
