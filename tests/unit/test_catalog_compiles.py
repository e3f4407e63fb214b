"""Every catalog output compiles: tree-sitter forgives what Python refuses, so each
rewrite of every target in real sources goes through ``compile()``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from divergent.context.parsing import parse
from divergent.context.syntax import all_definitions
from divergent.explorers.catalog.explorer import plans
from divergent.model import Target

SAMPLE = resources.files("divergent.samples").joinpath("shop/shop/reports.py").read_text()
BEFORE = (Path(__file__).parent.parent / "languages" / "before.py").read_text()

COMMENTED = '''"""A module whose bodies start with comments."""


class Ledger:  # the books
    def add(self, kind, amount): # a trailing comment
        # the first statement is a comment too
        if kind == "debit":
            return -amount
        elif kind == "credit":
            return amount
        elif kind == "void":
            return 0
        raise ValueError(kind)

    def label(self, kind):
        # a comment, then a docstring-less body
        return kind.title()
'''


def targets(source: str) -> list[Target]:
    found = [Target(repo="/nowhere", path="m.py", symbol=None, kind="module")]
    for dotted, definition in all_definitions(parse(source).root_node):
        kind = "class" if definition.is_class else ("method" if "." in dotted else "function")
        found.append(Target(repo="/nowhere", path="m.py", symbol=dotted, kind=kind))
    return found


@pytest.mark.parametrize("source", [SAMPLE, BEFORE, COMMENTED], ids=["sample", "before", "commented"])
def test_every_output_of_every_target_compiles(source):
    outputs = 0
    for target in targets(source):
        for _, rewrites in plans(source, target):
            for rewrite in rewrites:
                compile(rewrite.source, "m.py", "exec", dont_inherit=True)
                outputs += 1
    assert outputs > 0
