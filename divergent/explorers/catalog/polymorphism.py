"""Replace a type-code conditional with polymorphism: a strategy class per case and a factory.

The same chains the registry of handlers reads (``chains``) (if/elif or ``match`` on one discriminator against
literals or enum members). Each case becomes a subclass overriding one method; the
base class holds what the ``else`` did; a factory picks the strategy for a key. The
function keeps its signature and now asks the factory, so every caller keeps working.
A new case is a new subclass and one entry in the factory's table.
"""

from __future__ import annotations

from divergent.explorers.catalog import edits
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.chains import Found, cases, dispatched, ends_in_exit, find, label, replace_chain
from divergent.model import Target

STEP = edits.INDENT * 2


def rewrite(source: str, target: Target) -> Rewrite | None:
    found = find(source, target)
    if found is None:
        return None
    return _rewrite(source, source.encode(), found)


def _class_name(*parts: str) -> str:
    return "_" + "".join(edits.camel(p) for p in parts if p)


def _method(name: str, signature: str, block_text: str) -> str:
    return f"{edits.INDENT}def {name}(self{', ' if signature else ''}{signature}):\n{edits.reindent(block_text, STEP)}"


def _rewrite(source: str, data: bytes, found: Found) -> Rewrite:
    root, function, chain, followed, local = found.root, found.function, found.chain, found.followed, found.bound
    name = function.definition.name
    method = name.lstrip("_") or "run"
    inline = chain.otherwise is None or found.inline  # the else stays in the function
    blocks = [block for _, block in chain.branches] + ([] if inline else [chain.otherwise])
    code = cases(found, blocks)
    taken = edits.module_names(root) | local
    base = edits.free_name(_class_name(method, "strategy"), taken)
    taken.add(base)
    signature = code.signature
    if chain.otherwise is not None and not found.inline:
        default = code.body(data, chain.otherwise)
        if not ends_in_exit(chain.otherwise):
            default += f"\n{STEP}return None"
        doc = f'"""What {name} does for a key no subclass claims."""'
    elif followed or found.inline:
        default = "raise NotImplementedError"
        doc = f'"""One case of {name}: each subclass is one key."""'
    else:
        default = "return None"
        doc = f'"""What {name} does for a key no subclass claims: nothing."""'
    classes = [f"class {base}:\n{edits.INDENT}{doc}\n\n{_method(method, signature, default)}"]
    entries = []
    for keys, block in chain.branches:
        sub = edits.free_name(_class_name(label(keys[0]), method), taken)
        taken.add(sub)
        body = found.case_body(code, data, block)
        classes.append(f"class {sub}({base}):\n{_method(method, signature, body)}")
        entries += [f"{edits.INDENT}{key}: {sub}()," for key in keys]
    table = edits.free_name(f"_{method.upper()}_STRATEGIES", taken)
    taken.add(table)
    factory = edits.free_name(f"_{method}_strategy", taken)
    key_param = edits.free_name("key", set())
    fallback = "None" if followed or found.inline else f"{base}()"
    factory_text = (
        f"{table} = {{\n" + "\n".join(entries) + "\n}\n\n\n"
        f"def {factory}({key_param}):\n"
        f'{edits.INDENT}"""The strategy for ``{key_param}``{"" if fallback == "None" else " (the base one for keys not listed)"}."""\n'
        f"{edits.INDENT}return {table}.get({key_param}{'' if fallback == 'None' else ', ' + fallback})"
    )

    call_args = ", ".join(code.inputs)
    if found.inline or followed:
        local_name = edits.free_name("strategy", local)
        lookup, call = f"{factory}({chain.discriminator})", f"{local_name}.{method}({call_args})"
        dispatch = dispatched(found, data, local_name, lookup, call)
    else:
        dispatch = f"return {factory}({chain.discriminator}).{method}({call_args})"
    new = replace_chain(source, found, dispatch, [*classes, factory_text])
    detail = f"{name}({chain.discriminator}): {len(chain.branches)} subclasses of {base}, chosen by {factory}"
    return Rewrite(new, detail)


MOVE = Move(
    name="polymorphism",
    title="Replace the type-code conditional with polymorphism",
    rationale=(
        "Each case of the conditional becomes a subclass that overrides one method, and a "
        "factory picks the subclass for a key. The function keeps its signature, so every "
        "caller keeps working; a new case is a new class, and the cases no longer share one body."
    ),
    rewrite=rewrite,
)
