"""Introduce a parameter object for a long parameter list.

The long signature stays as a thin wrapper that packs its arguments into a
dataclass and calls a new function taking that one object; the body reads
``params.x`` where it read ``x``.
"""

from __future__ import annotations

from tree_sitter import Node

from divergent.context.parsing import parse, text
from divergent.context.syntax import Param, definitions, docstring, parameters, walk
from divergent.explorers.catalog import edits
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.scope import Function, functions
from divergent.model import Target

MAX_ARGS = 5  # pylint's max-args, counting self: more than this is a long list
# Where a parameter name may not become ``params.name``: bindings that must be a
# plain name (walrus, global, nested parameters, imports, patterns, comprehension
# variables). Plain assignments are fine: the wrapper packs a fresh object per call.
PLAIN_NAME_PARENTS = {
    "named_expression": "name",
    "global_statement": None,
    "nonlocal_statement": None,
    "for_in_clause": "left",
    "as_pattern_target": None,
    "case_pattern": None,
    "keyword_pattern": None,
    "splat_pattern": None,
    "dotted_name": None,
    "aliased_import": None,
}
NESTED_SCOPES = ("function_definition", "lambda", "class_definition")
LITERAL_TYPES = {"integer": "int", "float": "float", "string": "str", "true": "bool", "false": "bool"}


def _must_stay_plain(body: Node, names: set[str]) -> bool:
    """True when some use of ``names`` cannot be rewritten as an attribute of one object."""
    for n in walk(body):
        if n.type in NESTED_SCOPES and any(
            i.type == "identifier" and text(i) in names for i in walk(n)
        ):
            return True
        if n.type != "identifier" or text(n) not in names or n.parent is None:
            continue
        parent = n.parent
        if parent.type in PLAIN_NAME_PARENTS:
            field = PLAIN_NAME_PARENTS[parent.type]
            if field is None or parent.child_by_field_name(field) == n:
                return True
    return False


def _candidate_params(function: Function) -> list[Param] | None:
    node = function.definition.node
    if function.definition.outer is not node or function.definition.name.startswith("__"):
        return None
    if node.children[0].type == "async":
        return None
    params = parameters(node)
    if any(p.kind != "plain" for p in params):
        return None
    own = params[1:] if function.is_method else params
    if len(params) <= MAX_ARGS or not own:
        return None
    body = function.definition.body
    if _must_stay_plain(body, {p.name for p in own}) or edits.has_multiline_string(body):
        return None
    return own


def _field(p: Param) -> str:
    kind = p.annotation
    if kind is None and p.default is not None:
        value = p.node.child_by_field_name("value")
        kind = LITERAL_TYPES.get(value.type, "Any") if value is not None else "Any"
    kind = kind or "Any"
    suffix = f" = {p.default}" if p.default is not None else ""
    return f"{p.name}: {kind}{suffix}"


def rewrite(source: str, target: Target) -> Rewrite | None:
    data = source.encode()
    root = parse(source).root_node
    for function in functions(root, target):
        own = _candidate_params(function)
        if own is not None:
            return _rewrite(source, data, root, function, own)
    return None


def _rewrite(source, data, root, function: Function, own: list[Param]) -> Rewrite:
    definition = function.definition
    node, body = definition.node, definition.body
    taken = edits.module_names(root)
    cls_name = edits.free_name(edits.camel(definition.name) + "Params", taken)
    siblings = {d.name for d in definitions(function.owner.body)} if function.is_method else taken
    new_name = edits.free_name(f"{definition.name}_with", siblings | taken)
    used = {text(n) for n in walk(body) if n.type == "identifier"}
    var = edits.free_name("params", used)

    base = edits.line_start(data, body.start_byte)
    new_body = edits.qualify(body, data, base, body.end_byte, {p.name for p in own}, var)

    column = node.start_point[1]
    pad = " " * column
    me = parameters(node)[0].name if function.is_method else None
    head = f"{me}, " if me else ""
    returns = node.child_by_field_name("return_type")
    arrow = f" -> {text(returns)}" if returns is not None else ""
    new_function = f"def {new_name}({head}{var}: {cls_name}){arrow}:\n{new_body}"
    packed = f"{cls_name}({', '.join(p.name for p in own)})"
    call = f"{me}.{new_name}({packed})" if me else f"{new_name}({packed})"
    inner = " " * body.start_point[1]
    doc = docstring(body)
    wrapper = (text(doc) + "\n" + inner if doc is not None else "") + f"return {call}"

    fields = [_field(p) for p in own]
    record = edits.dataclass_text(cls_name, f"The arguments of {definition.name}, as one value.", fields)
    changes = [
        edits.Edit(body.start_byte, body.end_byte, wrapper),
        edits.Edit(node.end_byte, node.end_byte, "\n\n" + pad + new_function),
        edits.Edit(function.top.start_byte, function.top.start_byte, record + "\n\n"),
    ]
    new = edits.with_dataclass_imports(edits.apply(source, changes), fields)
    return Rewrite(new, f"{definition.name}({len(own)} arguments) takes one {cls_name}")


MOVE = Move(
    name="parameter-object",
    title="Introduce a parameter object",
    rationale=(
        "A long parameter list is easy to call wrongly and hard to extend: every new "
        "field changes every signature on the way. One dataclass names the concept, "
        "carries defaults, and grows without touching callers."
    ),
    rewrite=rewrite,
)
