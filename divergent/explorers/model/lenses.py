"""Design lenses: short, sharp instructions that push each request somewhere different.

Data, not code: the config file's ``[[lenses]]`` entries (name, instruction) are
added to these.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lens:
    name: str
    instruction: str


LENSES: tuple[Lens, ...] = (
    Lens("functional-core", "Functional core, imperative shell: move every decision into pure functions over plain data; keep I/O in a thin outer layer."),
    Lens("ports-and-adapters", "Ports and adapters: define the interfaces the core needs (ports) and put each external concern (database, files, network, clock) behind an adapter."),
    Lens("plugin-registry", "Plug-in registry: every variant becomes a registered implementation found by name; adding a variant must not edit existing code."),
    Lens("data-oriented", "Data-oriented: represent the domain as immutable records (dataclasses) and write the behaviour as functions over collections of them."),
    Lens("pipeline", "Pipeline: express the work as a sequence of small composable steps, each with one input and one output."),
    Lens("state-machine", "State machine: make the states and transitions explicit, with illegal transitions impossible to express."),
    Lens("minimal-surface", "Minimal surface: shrink the public API to the fewest names callers truly need; hide everything else."),
    Lens("configuration-driven", "Configuration-driven: move the variable parts into declarative configuration read at start-up; the code interprets it."),
    Lens("strategy-objects", "Strategy objects: extract each varying algorithm into a small object behind one protocol, chosen by the caller."),
    Lens("dependency-injection", "Dependency injection: construct nothing concrete inside the unit; receive every collaborator, with sensible defaults at the edge."),
    Lens("command-query", "Command-query separation: split operations that change state from those that answer questions; no method does both."),
    Lens("event-driven", "Event-driven: the unit emits events describing what happened and other parts subscribe, instead of calling each other directly."),
    Lens("single-responsibility", "Single responsibility: split the unit along its reasons to change; each new piece owns one of them."),
    Lens("type-driven", "Type-driven: make invalid states unrepresentable with precise types (enums, dataclasses, Protocols, NewType) and let them carry the design."),
)


def all_lenses(extra: list[dict[str, str]] | None = None) -> list[Lens]:
    lenses = list(LENSES)
    for entry in extra or []:
        if entry.get("name") and entry.get("instruction"):
            lenses.append(Lens(str(entry["name"]), str(entry["instruction"])))
    return lenses
