"""Set-based SQL over the core's tables, as a contract for plugins.

A plugin that reads customer profiles or confirmed orders in bulk takes its
SQL from the methods below instead of naming the core's tables and columns
itself. Every name these methods put in SQL comes from the model (its
``_table``) and from a stored field looked up by name, so a renamed or
removed field raises at once, while the statement is built, and a test
covering the plugin's path fails instead of a customer's database.
"""

import re

from odoo import api, models
from odoo.tools import SQL

from .customer_profile import FACT_COLUMNS

# %(alias)s, %(alias.field)s or %(alias:field)s in the code of _sql_over_tables
NAME_PLACEHOLDER = re.compile(r"%\((?P<alias>\w+)(?:(?P<sep>[.:])(?P<field>\w+))?\)s")


class CustomerProfile(models.Model):
    _inherit = "customer.profile"

    # ------------------------------------------------------------------
    # Names
    # ------------------------------------------------------------------
    @api.model
    def _sql_table(self, model_name):
        """The table of model ``model_name`` as an SQL identifier.

        Raises ``KeyError`` for an unknown model and ``ValueError`` for a
        model without a table of its own.
        """
        model = self.env[model_name]
        if model._abstract:
            raise ValueError(f"Model {model_name!r} has no table")
        return SQL.identifier(model._table)

    @api.model
    def _sql_column(self, model_name, field_name, alias=None):
        """The column of the stored field ``field_name`` of ``model_name``, as
        an SQL identifier qualified by ``alias`` (no qualifier if None).

        Raises ``ValueError`` if the model has no such field, or if the field
        has no column (not stored, or a one2many/many2many). The value is the
        raw column: translated and company-dependent fields are JSON objects.
        The field is flushed when the SQL runs through ``env.execute_query``
        (or a search it is a condition of).
        """
        model = self.env[model_name]
        field = model._fields.get(field_name)
        if field is None:
            raise ValueError(f"{model_name}.{field_name}: no such field, the SQL reads a column")
        if not (field.store and field.column_type):
            raise ValueError(f"{model_name}.{field_name}: not a column (not stored)")
        to_flush = field if field_name != "id" else None
        if alias is None:
            return SQL.identifier(field_name, to_flush=to_flush)
        return SQL.identifier(alias, field_name, to_flush=to_flush)

    @api.model
    def _sql_id_array(self, ids):
        """``ids`` (integers) as one ``int[]`` value for ``= ANY(...)``: a
        list passed as a parameter becomes ``ARRAY[...]`` of as many
        constants, which PostgreSQL takes about a second to plan for the
        100,000 customers of a full run; one array value costs nothing."""
        return SQL("%s::int[]", "{" + ",".join(str(int(id_)) for id_ in ids) + "}")

    @api.model
    def _sql_over_tables(self, tables, code, **params):
        """``SQL(code, **params)`` whose table and column names come from models.

        ``tables`` maps the aliases used in ``code`` to model names. In
        ``code``, ``%(alias)s`` is the table of that model, ``%(alias.field)s``
        its column ``field`` qualified by the alias (checked with
        ``_sql_column``) and ``%(alias:field)s`` the column name alone, for
        INSERT column lists, SET targets and conflict targets. Other
        placeholders are ``params``, as in ``SQL``. For example::

            self._sql_over_tables(
                {"so": "sale.order"},
                "SELECT %(so.id)s FROM %(so)s so WHERE %(so.date_order)s >= %(since)s",
                since=since,
            )
        """
        clash = set(tables).intersection(params)
        if clash:
            raise ValueError(f"Names used both as aliases and parameters: {sorted(clash)}")
        names = {}
        for match in NAME_PLACEHOLDER.finditer(code):
            alias, sep, field_name = match.group("alias", "sep", "field")
            if alias not in tables:
                if sep:
                    raise ValueError(f"{match.group(0)}: unknown alias {alias!r}")
                continue  # a parameter
            key = match.group(0)[2:-2]
            if key in names:
                continue
            if not sep:
                names[key] = self._sql_table(tables[alias])
            else:
                names[key] = self._sql_column(
                    tables[alias], field_name, alias if sep == "." else None
                )
        return SQL(code, **names, **params)

    # ------------------------------------------------------------------
    # Contracts: profiles, confirmed orders
    # ------------------------------------------------------------------
    @api.model
    def _sql_profiles(self, company_ids=None, partner_ids=None):
        """SELECT of the customer profiles of ``company_ids`` (all companies
        if None), of the customers ``partner_ids`` (all if None).

        Columns: ``id``, ``partner_id`` (commercial partner), ``company_id``
        and the facts (``FACT_COLUMNS``: ``first_order_date``,
        ``last_order_date``, ``order_count``, ``revenue``...). A plain
        SELECT: joined as a subquery, PostgreSQL plans it as the table.
        """
        alias = "profile"
        columns = SQL(", ").join(
            self._sql_column(self._name, name, alias)
            for name in ["id", "partner_id", "company_id", *FACT_COLUMNS]
        )
        conditions = [
            SQL("%s = ANY(%s)", self._sql_column(self._name, name, alias), ids)
            for name, ids in (("company_id", company_ids), ("partner_id", partner_ids))
            if ids is not None
        ]
        return SQL(
            "SELECT %s FROM %s %s%s",
            columns,
            self._sql_table(self._name),
            SQL.identifier(alias),
            SQL(" WHERE %s", SQL(" AND ").join(conditions)) if conditions else SQL(),
        )

    @api.model
    def _sql_confirmed_orders(self, company_ids=None, since=None, partner_ids=None):
        """SELECT of the confirmed sales orders (cancelled ones excluded) of
        ``company_ids``, dated ``since`` or later, of the commercial partners
        ``partner_ids`` (each filter left out when None).

        Columns: ``id`` (the order), ``partner_id`` (the commercial partner
        of the order's customer), ``company_id``, ``date_order`` and
        ``amount`` (untaxed, in the company's currency). What counts as a
        confirmed order for the customer facts is this SELECT: extend it to
        change it everywhere. A plain join: as a subquery, PostgreSQL plans
        it inline.
        """
        conditions = [SQL("%s = %s", self._sql_column("sale.order", "state", "so"), "sale")]
        if company_ids is not None:
            conditions.append(
                SQL("%s = ANY(%s)", self._sql_column("sale.order", "company_id", "so"), company_ids)
            )
        if since is not None:
            conditions.append(
                SQL("%s >= %s", self._sql_column("sale.order", "date_order", "so"), since)
            )
        if partner_ids is not None:
            conditions.append(
                SQL(
                    "%s = ANY(%s)",
                    self._sql_column("res.partner", "commercial_partner_id", "cp"),
                    partner_ids,
                )
            )
        return self._sql_over_tables(
            {"so": "sale.order", "cp": "res.partner"},
            """
            SELECT %(so.id)s, %(cp.commercial_partner_id)s AS partner_id, %(so.company_id)s,
                   %(so.date_order)s,
                   %(so.amount_untaxed)s / COALESCE(NULLIF(%(so.currency_rate)s, 0), 1) AS amount
              FROM %(so)s so
              JOIN %(cp)s cp ON %(cp.id)s = %(so.partner_id)s
             WHERE %(conditions)s
            """,
            conditions=SQL(" AND ").join(conditions),
        )

    @api.model
    def _sql_customers_with_orders(
        self, since=None, min_count=1, company_ids=None, partner_ids=None
    ):
        """SELECT of the customers with at least ``min_count`` confirmed
        orders in a company among those of ``_sql_confirmed_orders(company_ids,
        since, partner_ids)``.

        Columns: ``partner_id`` (commercial partner), ``company_id``; one row
        per customer and company.
        """
        return SQL(
            """
            SELECT o.partner_id, o.company_id
              FROM (%s) o
             GROUP BY o.partner_id, o.company_id
            HAVING COUNT(*) >= %s
            """,
            self._sql_confirmed_orders(company_ids, since, partner_ids),
            min_count,
        )
