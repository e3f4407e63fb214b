"""Replace a type code with subclasses: one subclass per value of a code the constructor stores.

When ``__init__`` stores a parameter as ``self.kind`` and methods branch on ``self.kind``
(if/elif or ``match`` against literals or enum members), each value becomes a subclass
that overrides those methods with its own case; the class keeps what the ``else`` did.
A ``__new__`` picks the subclass from the same constructor argument, so ``Shape("circle",
2)`` still works everywhere and returns a ``CircleShape``. The code is never set again
anywhere in the module, or the object could not change class with it.
"""

from __future__ import annotations

from tree_sitter import Node

from divergent.context.design import TypeCodeChain, constructor, self_assignments, type_code_chain
from divergent.context.parsing import parse, text
from divergent.context.syntax import Definition, Param, definitions, docstring, parameters, walk
from divergent.explorers.catalog import edits
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.chains import label, movable_case
from divergent.explorers.catalog.scope import classes
from divergent.model import Target

# Code that looks at or changes an object's class: a subclass would show through.
CLASS_SENSITIVE = ("type", "__class__", "setattr", "__new__", "__init_subclass__", "__reduce__", "__getstate__")


def _code_parameter(cls: Definition, attribute: str) -> tuple[Param, int] | None:
    """The constructor parameter stored as ``self.<attribute>``, and its position."""
    init = constructor(cls)
    if init is None:
        return None
    params = [p for p in parameters(init.node) if p.kind != "separator"]
    for name, value in self_assignments(init):
        if name == attribute and value.type == "identifier":
            for index, p in enumerate(params[1:]):
                if p.name == text(value) and p.kind in ("plain", "keyword_only"):
                    return p, index
    return None


def _set_once(root: Node, attribute: str) -> bool:
    """``<anything>.<attribute> = ...`` appears exactly once in the module (in ``__init__``)."""
    sets = 0
    for n in walk(root):
        if n.type in ("assignment", "augmented_assignment"):
            for left in walk(n.child_by_field_name("left")):
                if left.type == "attribute" and text(left.child_by_field_name("attribute")) == attribute:
                    sets += 1
    return sets == 1


def _methods(cls: Definition, attribute: str, me: str) -> list[tuple[Definition, TypeCodeChain]]:
    """Methods whose whole body (after a docstring) is a chain on ``self.<attribute>``."""
    out = []
    for method in definitions(cls.body):
        if method.is_class or method.outer is not method.node or method.name.startswith("__"):
            continue
        params = parameters(method.node)
        if not params or params[0].name != me or method.node.children[0].type == "async":
            continue
        body = method.body
        statements = [s for s in body.named_children if s.type != "comment" and s != docstring(body)]
        if len(statements) != 1:
            continue
        chain = type_code_chain(statements[0])
        if chain is None or chain.discriminator != f"{me}.{attribute}":
            continue
        if all(movable_case(block) for _, block in chain.branches):
            out.append((method, chain))
    return out


def _plan(root: Node, cls: Definition):
    if cls.outer is not cls.node or cls.node.start_point[1] != 0:
        return None  # decorated (a dataclass, ...): its constructor is not ours to read
    bases = cls.node.child_by_field_name("superclasses")
    if bases is not None and text(bases) not in ("()", "(object)"):
        return None
    if any(n.type == "identifier" and text(n) in CLASS_SENSITIVE for n in walk(root)):
        return None
    init = constructor(cls)
    me = parameters(init.node)[0].name if init is not None and parameters(init.node) else "self"
    for attribute, _ in self_assignments(init) if init is not None else []:
        code = _code_parameter(cls, attribute)
        if code is None or not _set_once(root, attribute):
            continue
        methods = _methods(cls, attribute, me)
        if methods:
            return attribute, code, methods
    return None


def _block(data: bytes, block: Node, indent: str) -> str:
    return edits.reindent(edits.node_block_text(block, data), indent)


def _override(data: bytes, method: Definition, block: Node) -> str:
    return f"{edits.INDENT}{edits.header(method.node)}\n{_block(data, block, edits.INDENT * 2)}"


def rewrite(source: str, target: Target) -> Rewrite | None:
    data = source.encode()
    root = parse(source).root_node
    for cls in classes(root, target):
        plan = _plan(root, cls)
        if plan is not None:
            return _rewrite(source, data, root, cls, *plan)
    return None


def _rewrite(source, data, root, cls: Definition, attribute: str, code: tuple[Param, int], methods) -> Rewrite:
    param, position = code
    taken = edits.module_names(root) | {text(n) for n in walk(root) if n.type == "identifier"}
    keys: list[str] = []
    for _, chain in methods:
        keys += [k for ks, _ in chain.branches for k in ks if k not in keys]
    changes = []
    for method, chain in methods:
        pad = " " * chain.node.start_point[1]
        if chain.otherwise is not None:
            kept = _block(data, chain.otherwise, pad).lstrip()
        else:
            kept = "return None"
        changes.append(edits.Edit(chain.node.start_byte, chain.node.end_byte, kept))

    subclasses, entries, names = [], [], {}
    for key in keys:
        name = edits.free_name(f"{edits.camel(label(key))}{cls.name}", taken)
        taken.add(name)
        names[key] = name
    grouped: dict[str, list[str]] = {}
    for method, chain in methods:
        for ks, block in chain.branches:
            owner = names[ks[0]]
            grouped.setdefault(owner, []).append(_override(data, method, block))
            for k in ks[1:]:
                if names[k] != owner:
                    grouped.setdefault(names[k], []).append(_override(data, method, block))
    for key in keys:
        name = names[key]
        if name in [s[0] for s in subclasses]:
            continue
        doc = f'{edits.INDENT}"""{cls.name} whose {attribute} is {key}."""'
        body = "\n\n".join(grouped.get(name, []))
        subclasses.append((name, f"class {name}({cls.name}):\n{doc}\n\n{body}" if body else f"class {name}({cls.name}):\n{doc}"))
        entries.append(f"{edits.INDENT}{key}: {name},")

    table = edits.free_name(f"_{edits.snake(cls.name).upper()}_BY_{attribute.upper().lstrip('_')}", taken)
    default = param.default if param.default is not None else "None"
    if param.kind == "keyword_only":
        given = f'kwargs.get("{param.name}", {default})'
    else:
        positional = f"args[0] if args else {default}" if position == 0 else f"args[{position}] if len(args) > {position} else {default}"
        given = f'kwargs.get("{param.name}", {positional})'
    init = constructor(cls)
    pad = " " * init.outer.start_point[1]
    step = pad + edits.INDENT
    local = edits.free_name(param.name, {"cls", "args", "kwargs"})
    new_method = (
        f"{pad}def __new__(cls, *args, **kwargs):\n"
        f'{step}"""The subclass for the {attribute} the constructor is given."""\n'
        f"{step}if cls is {cls.name}:\n"
        f"{step}{edits.INDENT}{local} = {given}\n"
        f"{step}{edits.INDENT}cls = {table}.get({local}, {cls.name})\n"
        f"{step}return super().__new__(cls)\n\n"
    )
    start = edits.line_start(data, init.outer.start_byte)
    changes.append(edits.Edit(start, start, new_method))
    mapping = f"{table} = {{\n" + "\n".join(entries) + "\n}"
    changes += edits.after({cls.outer.end_byte: [*(text_ for _, text_ in subclasses), mapping]})
    detail = f"{cls.name}.{attribute}: {len(subclasses)} subclasses overriding {', '.join(m.name for m, _ in methods)}"
    return Rewrite(edits.apply(source, changes), detail)


MOVE = Move(
    name="subclasses",
    title="Replace the type code with subclasses",
    rationale=(
        "Methods that branch on a code the constructor stores are several classes folded "
        "into one. A subclass per code owns its cases; the constructor still takes the code "
        "and returns the right subclass, so every caller keeps working, and a new code is a "
        "new subclass instead of a new branch in every method."
    ),
    rewrite=rewrite,
)
