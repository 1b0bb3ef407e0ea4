"""What a condition typed by a user may contain, checked without evaluating it.

A condition is the text of a domain: a list of terms such as
``('city', '=', 'London')``. Besides literals, lists and tuples, it may call,
add and subtract the names its model offers (``context_today()``,
``relativedelta(days=30)``, ``uid``...) and use a few date attributes
(``.strftime(...)``), so that dates can be relative to today. Anything else
(other names, private attributes, lambdas, comprehensions, subscripts...) is
code and refused before anything runs.

>>> def refusal(text, names=()):
...     try:
...         check_expression(text, set(names))
...     except ConditionError as error:
...         return error.kind, error.detail
>>> refusal("[('city', '=', 'London'), ('id', 'in', [1, 2])]")
>>> refusal(
...     "[('date', '>=', (context_today() - relativedelta(days=30)).strftime('%Y-%m-%d'))]",
...     ["context_today", "relativedelta"],
... )
>>> refusal("[('user_id', '=', uid), ('amount', '>', -2.5)]", ["uid"])
>>> refusal("[('city', '=', 'London')")
('syntax', "'[' was never closed")
>>> refusal("'city'")
('not_list', "'city'")
>>> refusal("{'city': 'London'}")
('code', "{'city': 'London'}")
>>> refusal("[('id', '=', __import__('os').getpid())]")
('name', '__import__')
>>> refusal("[('id', '=', uid.__class__)]", ["uid"])
('code', 'uid.__class__')
>>> refusal("[('id', '=', uid.real)]", ["uid"])
('code', 'uid.real')
>>> refusal("[('id', '=', 'x' * 10)]")
('code', "'x' * 10")
>>> refusal("[('id', 'in', [x for x in (1, 2)])]")
('code', '[x for x in (1, 2)]')
>>> refusal("[('id', '=', (lambda: 1)())]")
('code', 'lambda: 1')
>>> refusal("[('id', '=', relativedelta(**{'days': 1}))]", ["relativedelta"])
('code', "{'days': 1}")
"""

import ast

# Attributes a condition may read, on the names it may use or on their
# results: date arithmetic and formatting only; never a private name.
ALLOWED_ATTRIBUTES = frozenset(
    {
        "combine",
        "date",
        "datetime",
        "isoformat",
        "now",
        "replace",
        "strftime",
        "time",
        "timedelta",
        "today",
        "weekday",
    }
)

# Syntax a condition may use; names, calls and attributes are checked further.
ALLOWED_NODES = (
    ast.Expression,
    ast.List,
    ast.Tuple,
    ast.Constant,
    ast.Load,
    ast.UnaryOp,
    ast.UAdd,
    ast.USub,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Name,
    ast.Call,
    ast.keyword,
    ast.Attribute,
)

ALLOWED_CONSTANTS = (str, int, float, bool, type(None))


class ConditionError(ValueError):
    """A condition refused before evaluation: ``kind`` is one of ``syntax``,
    ``code``, ``name`` or ``not_list``; ``detail`` the offending text."""

    def __init__(self, kind, detail):
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


def check_expression(text, names):
    """Refuse ``text`` unless it is a list or tuple of literals, using only
    ``names`` (the evaluation context) in calls and arithmetic.

    Raises :class:`ConditionError`; returns None when the text is acceptable.
    """
    try:
        tree = ast.parse((text or "[]").strip(), mode="eval")
    except SyntaxError as error:
        raise ConditionError("syntax", error.msg) from error
    except ValueError as error:  # null bytes
        raise ConditionError("syntax", str(error)) from error
    nodes = list(ast.walk(tree))
    for node in nodes:
        for child in ast.iter_child_nodes(node):
            # operators have no position of their own: show their expression
            if not isinstance(child, ALLOWED_NODES) and not hasattr(child, "lineno"):
                raise ConditionError("code", _source(text, node))
        if not isinstance(node, ALLOWED_NODES) or (
            isinstance(node, ast.Constant) and not isinstance(node.value, ALLOWED_CONSTANTS)
        ):
            raise ConditionError("code", _source(text, node))
    for node in nodes:
        if isinstance(node, ast.Name) and node.id not in names:
            raise ConditionError("name", node.id)
    for node in nodes:
        if isinstance(node, ast.Attribute) and (
            node.attr.startswith("_") or node.attr not in ALLOWED_ATTRIBUTES
        ):
            raise ConditionError("code", _source(text, node))
        if isinstance(node, ast.Call) and not isinstance(node.func, (ast.Name, ast.Attribute)):
            raise ConditionError("code", _source(text, node))
        if isinstance(node, ast.keyword) and node.arg is None:
            raise ConditionError("code", _source(text, node.value))
    if not isinstance(tree.body, (ast.List, ast.Tuple)):
        raise ConditionError("not_list", _source(text, tree.body))


def _source(text, node):
    return ast.get_source_segment(text.strip(), node) or ast.unparse(node)
