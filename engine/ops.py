"""The operations the engine's formulas are written with.

Each formula of the engine (a quintile score, the segment map, the lifetime
value, the value class) is a plain function taking an *operations* object
``ops`` first: it combines its operands only through ``ops``, never with
Python operators or ``if``. Evaluated with :data:`PYTHON`, a formula returns
a value; with another implementation of :class:`Operations` it builds
something else from the same definition. ``customer.profile`` has one that
builds SQL expressions, so that the Python functions and the set-based SQL
over all customers come from one source and give the same results.

:class:`PythonOperations` evaluates with the semantics of PostgreSQL, so that
both paths agree exactly: None is NULL and propagates through arithmetic and
comparisons, logic has three values (None is "unknown"), numbers are exact
decimals, a division has the result scale of PostgreSQL's ``numeric`` and
``round`` rounds half away from zero, to the cent as ``ROUND(x, 2)`` does.
A float operand counts as the decimal it prints as (as it does once sent to
the database as a query parameter).

>>> import datetime
>>> ops = PYTHON
>>> days = ops.days_between(datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))
>>> ops.div(1200, ops.greatest(ops.div(days, DAYS_PER_YEAR), 1))
Decimal('1200.0000000000000000')
>>> ops.div(10, 3), ops.round(ops.div(2, 3), 2), ops.round(-0.125, 2)
(Decimal('3.3333333333333333'), Decimal('0.67'), Decimal('-0.13'))
>>> ops.add(None, 1) is None, ops.ge(None, 1) is None, ops.greatest(None, 1)
(True, True, 1)
>>> ops.or_(None, True), ops.and_(None, False), ops.and_(None, True) is None
(True, False, True)
>>> ops.case([(None, "unknown"), (ops.gt(2, 1), "yes")], "no")
'yes'
"""

import operator
from decimal import ROUND_HALF_UP, Context, Decimal

DAYS_PER_YEAR = Decimal("365.25")

# PostgreSQL numeric: digits are grouped by 4 (base 10000); a division keeps
# at least 16 significant digits and at most 1000 decimals.
_GROUP_DIGITS = 4
_MIN_SIGNIFICANT_DIGITS = 16
_MAX_DISPLAY_SCALE = 1000

# exact arithmetic: wide enough never to round an intermediate result
_EXACT = Context(prec=10_000, rounding=ROUND_HALF_UP, Emin=-999_999, Emax=999_999)


class Operations:
    """What a formula may do with its operands.

    Operands are whatever the implementation works on (values, SQL
    expressions...) or Python literals (numbers, strings, None). Every
    method is a pure function of its arguments. Subclasses implement all of
    them with the meaning stated here, which is the meaning in PostgreSQL.

    An implementation may compute every operand before combining them (the
    Python one does, even the results of a ``case`` that are not chosen), so
    a formula keeps each of its parts defined on any input: no division by
    an operand that may be zero.
    """

    def add(self, left, right):
        """``left + right``."""
        raise NotImplementedError

    def mul(self, left, right):
        """``left * right``, exact."""
        raise NotImplementedError

    def div(self, left, right):
        """``left / right`` as a decimal, with the result scale of
        PostgreSQL's numeric division (at least 16 significant digits)."""
        raise NotImplementedError

    def idiv(self, left, right):
        """``left / right`` for integers, truncated towards zero."""
        raise NotImplementedError

    def round(self, number, digits):
        """``number`` rounded to ``digits`` decimals, half away from zero."""
        raise NotImplementedError

    def greatest(self, *operands):
        """The largest operand that is not null; null when all are."""
        raise NotImplementedError

    def days_between(self, start, end):
        """Days from date ``start`` to date ``end`` (an integer)."""
        raise NotImplementedError

    def eq(self, left, right):
        """``left = right``."""
        raise NotImplementedError

    def gt(self, left, right):
        """``left > right``."""
        raise NotImplementedError

    def ge(self, left, right):
        """``left >= right``."""
        raise NotImplementedError

    def between(self, operand, low, high):
        """``low <= operand <= high``."""
        raise NotImplementedError

    def and_(self, *conditions):
        """All conditions hold (three-valued)."""
        raise NotImplementedError

    def or_(self, *conditions):
        """One of the conditions holds (three-valued)."""
        raise NotImplementedError

    def not_(self, condition):
        """The condition does not hold (three-valued)."""
        raise NotImplementedError

    def is_null(self, operand):
        """``operand`` is null."""
        raise NotImplementedError

    def case(self, whens, default=None):
        """The result of the first (condition, result) pair of ``whens``
        whose condition holds, else ``default``."""
        raise NotImplementedError


def _operand(value):
    """A float as the decimal it prints as; anything else unchanged."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _decimal(value):
    return value if isinstance(value, Decimal) else Decimal(value)


def _positive_zero(number):
    """PostgreSQL has no negative zero."""
    return abs(number) if isinstance(number, Decimal) and not number else number


def _scale(number):
    """Digits after the decimal point (PostgreSQL's display scale)."""
    return max(0, -number.as_tuple().exponent)


def _coefficient(number):
    """(integer, exponent) with ``number == integer * 10 ** exponent``."""
    sign, digits, exponent = number.as_tuple()
    integer = int("".join(map(str, digits)) or "0")
    return (-integer if sign else integer), exponent


def _group_weight(number):
    """(weight, first group) of ``number`` written in base 10000, as
    PostgreSQL stores it: ``abs(number)`` is ``first * 10000 ** weight``
    plus lower groups. (0, 0) for zero."""
    if not number:
        return 0, 0
    integer, exponent = _coefficient(abs(number))
    weight = number.adjusted() // _GROUP_DIGITS
    shift = exponent - weight * _GROUP_DIGITS
    first = integer * 10**shift if shift >= 0 else integer // 10**-shift
    return weight, first


def _division_scale(left, right):
    """Decimals PostgreSQL keeps in ``left / right`` (``select_div_scale``)."""
    left_weight, left_first = _group_weight(left)
    right_weight, right_first = _group_weight(right)
    weight = left_weight - right_weight
    if left_first <= right_first:
        weight -= 1
    scale = _MIN_SIGNIFICANT_DIGITS - weight * _GROUP_DIGITS
    scale = max(scale, _scale(left), _scale(right), 0)
    return min(scale, _MAX_DISPLAY_SCALE)


def _divide(left, right, scale):
    """``left / right`` rounded half away from zero to ``scale`` decimals, exactly."""
    left_int, left_exp = _coefficient(left)
    right_int, right_exp = _coefficient(right)
    shift = left_exp - right_exp + scale
    numerator = abs(left_int) * 10 ** max(shift, 0)
    denominator = abs(right_int) * 10 ** max(-shift, 0)
    quotient, remainder = divmod(numerator, denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    negative = (left_int < 0) != (right_int < 0) and quotient != 0
    return Decimal((int(negative), tuple(map(int, str(quotient))), -scale))


class PythonOperations(Operations):
    """Evaluates formulas on Python values (see the module's docstring)."""

    def _arithmetic(self, left, right, integers, decimals):
        """``integers`` on two integers (an integer), else ``decimals`` on
        their exact decimal values."""
        left, right = _operand(left), _operand(right)
        if left is None or right is None:
            return None
        if isinstance(left, int) and isinstance(right, int):
            return integers(left, right)
        return _positive_zero(decimals(_decimal(left), _decimal(right)))

    def add(self, left, right):
        return self._arithmetic(left, right, operator.add, _EXACT.add)

    def mul(self, left, right):
        return self._arithmetic(left, right, operator.mul, _EXACT.multiply)

    def div(self, left, right):
        left, right = _operand(left), _operand(right)
        if left is None or right is None:
            return None
        left, right = _decimal(left), _decimal(right)
        if not right:
            raise ZeroDivisionError("division by zero")
        return _divide(left, right, _division_scale(left, right))

    def idiv(self, left, right):
        if left is None or right is None:
            return None
        quotient = abs(left) // abs(right)
        return -quotient if (left < 0) != (right < 0) else quotient

    def round(self, number, digits):
        number = _operand(number)
        if number is None:
            return None
        exponent = Decimal((0, (1,), -digits))
        return _positive_zero(_EXACT.quantize(_decimal(number), exponent))

    def greatest(self, *operands):
        result = None
        for operand in map(_operand, operands):
            if operand is not None and (result is None or operand > result):
                result = operand
        return result

    def days_between(self, start, end):
        if start is None or end is None:
            return None
        return (end - start).days

    def _compare(self, left, right, operation):
        left, right = _operand(left), _operand(right)
        if left is None or right is None:
            return None
        return operation(left, right)

    def eq(self, left, right):
        return self._compare(left, right, operator.eq)

    def gt(self, left, right):
        return self._compare(left, right, operator.gt)

    def ge(self, left, right):
        return self._compare(left, right, operator.ge)

    def between(self, operand, low, high):
        return self.and_(self.ge(operand, low), self.ge(high, operand))

    def and_(self, *conditions):
        known = [bool(condition) for condition in conditions if condition is not None]
        if not all(known):
            return False
        return None if len(known) < len(conditions) else True

    def or_(self, *conditions):
        known = [bool(condition) for condition in conditions if condition is not None]
        if any(known):
            return True
        return None if len(known) < len(conditions) else False

    def not_(self, condition):
        return None if condition is None else not condition

    def is_null(self, operand):
        return operand is None

    def case(self, whens, default=None):
        for condition, result in whens:
            if condition is not None and condition:
                return result
        return default


#: The Python evaluation of formulas.
PYTHON = PythonOperations()
