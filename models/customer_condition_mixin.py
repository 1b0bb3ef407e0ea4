import logging

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import datetime, safe_eval

from .customer_condition_data import ConditionError, check_expression

_logger = logging.getLogger(__name__)

# Errors of a query whose values do not fit their columns: the condition is
# wrong, not the database (serialization failures and the like propagate).
SQL_VALUE_ERRORS = (psycopg2.DataError, psycopg2.ProgrammingError)


class CustomerConditionMixin(models.AbstractModel):
    """A condition typed by a user: a domain stored as text in a field of the
    inheriting model, over the records of another model.

    The inheriting model names the field and the model it applies to
    (``_condition_field``, ``_condition_model_name``); a ``company_id`` field,
    if it has one, scopes the condition to that company (no company: every
    company the user works in). The condition is checked on save (syntax, a
    list of known fields and operators, no code), and evaluated under the
    current user's rights. A condition that became invalid since it was saved
    (a field removed with its module) shows a warning and matches nothing.
    """

    _name = "customer.condition.mixin"
    _description = "Condition Typed by Users"

    # The Char field holding the domain, and the model it filters.
    _condition_field = "domain"
    _condition_model_name = "res.partner"

    condition_warning = fields.Char(
        string="Condition Problem",
        compute="_compute_condition_warning",
        compute_sudo=False,
        help="Why the condition cannot be used now, for example because a field "
        "it names was removed since it was saved. It matches nothing meanwhile.",
    )

    def _condition_depends(self):
        return [self._condition_field, *(["company_id"] if "company_id" in self._fields else [])]

    @api.depends(lambda self: self._condition_depends())
    def _compute_condition_warning(self):
        for record in self:
            try:
                record._condition_parse()
                record.condition_warning = False
            except ValueError as error:
                record.condition_warning = str(error)

    @api.constrains(lambda self: self._condition_depends())
    def _check_condition(self):
        for record in self:
            try:
                domain = record._condition_parse()
                # values that do not fit their columns fail only in SQL
                with self.env.cr.savepoint():
                    record._condition_target().search_count(domain, limit=1)
            except (ValueError, *SQL_VALUE_ERRORS) as error:
                raise ValidationError(
                    self.env._(
                        "The conditions of “%(record)s” are not valid: %(reason)s",
                        record=record.display_name,
                        reason=record._condition_reason(error),
                    )
                ) from error

    # ------------------------------------------------------------------
    # What the inheriting model may override
    # ------------------------------------------------------------------
    def _condition_eval_context(self):
        """The names a condition may use besides literals."""
        company = self._condition_company()
        return {
            "uid": self.env.uid,
            "context_today": lambda: fields.Date.context_today(self),
            "datetime": datetime,
            "relativedelta": relativedelta,
            "company_id": (company or self.env.company).id,
            "company_ids": (company or self.env.companies).ids,
        }

    def _condition_company(self):
        """The company whose records and customer facts the condition reads;
        empty for every company the user works in."""
        if "company_id" in self._fields:
            return self.company_id
        return self.env["res.company"]

    def _condition_target(self):
        """The model the condition filters, seen from the record's company
        only: the customer facts of contacts are those of the current company,
        and the record rules keep every path the condition follows (orders,
        profiles, timeline...) within that company, even for a user who works
        in several. A user not allowed in the company gets an AccessError."""
        target = self.env[self._condition_model_name]
        company = self._condition_company()
        if not company:
            return target
        return target.with_context(allowed_company_ids=company.ids)

    def _condition_scope(self):
        """The records of the target model the condition may match: those of
        the record's company (or of the user's companies) and shared ones."""
        field = self.env[self._condition_model_name]._fields.get("company_id")
        if not field or field.type != "many2one" or field.comodel_name != "res.company":
            return []
        companies = self._condition_company() or self.env.companies
        return [("company_id", "in", [False, *companies.ids])]

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------
    def _condition_domain(self):
        """The condition as a normalized domain over the target model ([] for
        no condition), without the company scope. Raises UserError naming the
        record and the problem if it cannot be used."""
        self.ensure_one()
        try:
            return self._condition_parse()
        except ValueError as error:
            raise UserError(
                self.env._(
                    "The conditions of “%(record)s” cannot be used: %(reason)s",
                    record=self.display_name,
                    reason=self._condition_reason(error),
                )
            ) from error

    def _condition_usable_domain(self):
        """The condition's domain, or None (logged) if it cannot be used: for
        evaluations that must go on with the other records."""
        self.ensure_one()
        try:
            return self._condition_parse()
        except ValueError as error:
            _logger.warning(
                "%s %s: condition ignored, it matches nothing: %s", self._name, self.id, error
            )
            return None

    def _condition_search(self, extra_domain=None, **kwargs):
        """The records of the target model matching the condition now, in the
        record's company, as the current user sees them; none if the condition
        cannot be used. ``kwargs`` are those of ``search`` (order, limit...)."""
        self.ensure_one()
        target = self._condition_target()
        domain = self._condition_usable_domain()
        if domain is None:
            return target.browse()
        try:
            with self.env.cr.savepoint():
                return target.search(self._condition_full_domain(domain, extra_domain), **kwargs)
        except SQL_VALUE_ERRORS as error:
            _logger.warning("%s %s: condition failed in SQL: %s", self._name, self.id, error)
            return target.browse()

    def _condition_count(self, extra_domain=None):
        """How many records ``_condition_search`` would return."""
        self.ensure_one()
        domain = self._condition_usable_domain()
        if domain is None:
            return 0
        try:
            with self.env.cr.savepoint():
                return self._condition_target().search_count(
                    self._condition_full_domain(domain, extra_domain)
                )
        except SQL_VALUE_ERRORS as error:
            _logger.warning("%s %s: condition failed in SQL: %s", self._name, self.id, error)
            return 0

    def _condition_full_domain(self, domain, extra_domain=None):
        return expression.AND([self._condition_scope(), domain, extra_domain or []])

    # ------------------------------------------------------------------
    # Parsing
    # ------------------------------------------------------------------
    def _condition_parse(self):
        """The stored condition as a normalized domain; ValueError with the
        reason, in the user's language, if it is not one. Runs no SQL."""
        self.ensure_one()
        text = self[self._condition_field] or "[]"
        context = self._condition_eval_context()
        try:
            check_expression(text, set(context))
        except ConditionError as error:
            raise ValueError(self._condition_refusal(error, context)) from error
        try:
            domain = safe_eval(text, context)
        except (ValueError, TypeError, NameError, ZeroDivisionError, OverflowError) as error:
            raise ValueError(self.env._("its values cannot be computed.")) from error
        if not isinstance(domain, (list, tuple)):
            raise ValueError(self.env._("it is not a list of conditions."))
        if not domain:
            return []
        target = self._condition_target()
        self._condition_check_terms(target, domain)
        try:
            domain = expression.normalize_domain(list(domain))
        except (AssertionError, ValueError) as error:
            raise ValueError(
                self.env._("its operators '&', '|' and '!' do not match its conditions.")
            ) from error
        try:
            # building the query checks what is left, no SQL runs
            target._search(domain)
        except (AssertionError, IndexError, KeyError, TypeError, ValueError) as error:
            raise ValueError(
                self.env._("it cannot be evaluated (%(error)s).", error=error)
            ) from error
        return domain

    def _condition_refusal(self, error, context):
        if error.kind == "syntax":
            return self.env._("it is not a valid expression (%(error)s).", error=error.detail)
        if error.kind == "not_list":
            return self.env._("it is not a list of conditions.")
        if error.kind == "name":
            return self.env._(
                "%(name)s is not known; a condition may use %(names)s.",
                name=error.detail,
                names=", ".join(sorted(context)),
            )
        return self.env._(
            "%(code)s is not allowed: a condition holds values, lists and dates "
            "computed with %(names)s.",
            code=error.detail,
            names=", ".join(sorted(context)),
        )

    def _condition_check_terms(self, model, domain):
        """Refuse terms that are not (field, operator, value) on fields of
        ``model`` that can be searched, and unknown operators."""
        for term in domain:
            if isinstance(term, str):
                if term not in expression.DOMAIN_OPERATORS:
                    raise ValueError(self._condition_term_error(term))
                continue
            if not isinstance(term, (list, tuple)) or len(term) != 3:
                raise ValueError(self._condition_term_error(term))
            if tuple(term) in (expression.TRUE_LEAF, expression.FALSE_LEAF):
                continue
            path, operator, value = term
            if not isinstance(path, str) or not path:
                raise ValueError(self._condition_term_error(term))
            if operator not in expression.TERM_OPERATORS and operator != "<>":
                raise ValueError(
                    self.env._(
                        "unknown operator %(operator)s in %(term)s.",
                        operator=repr(operator),
                        term=repr(tuple(term)),
                    )
                )
            comodel = self._condition_check_path(model, path)
            if operator in ("any", "not any") and comodel is not None:
                if not isinstance(value, (list, tuple)):
                    raise ValueError(self.env._("it is not a list of conditions."))
                self._condition_check_terms(comodel, value)

    def _condition_check_path(self, model, path):
        """The model a field path leads to (None if it ends on a value field);
        ValueError if a field of the path does not exist or cannot be searched."""
        names = path.split(".")
        for index, name in enumerate(names):
            field = model._fields.get(name)
            if field is None:
                raise ValueError(self.env._("unknown field %(field)s.", field=path))
            if not (field.store or field.search):
                raise ValueError(self.env._("field %(field)s cannot be searched.", field=path))
            if field.relational:
                model = model.env[field.comodel_name]
                continue
            if index < len(names) - 1 and field.type not in ("date", "datetime", "properties"):
                # date parts and properties are checked when the query is built
                raise ValueError(self.env._("unknown field %(field)s.", field=path))
            return None
        return model

    def _condition_term_error(self, term):
        return self.env._(
            "%(term)s is not a condition: write (field, operator, value).", term=repr(term)
        )

    def _condition_reason(self, error):
        if isinstance(error, SQL_VALUE_ERRORS):
            return self.env._("a value does not fit its field.")
        return str(error)
