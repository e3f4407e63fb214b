"""Static figures of code units: radon parity on real code, hand-checked cases."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import textwrap

import pytest
from radon.complexity import cc_visit

from divergent.context.metrics import UnitMetrics, metrics_for_path, totals, unit_metrics

# --- Radon parity -------------------------------------------------------------

STDLIB_MODULES = [
    "argparse",
    "json.decoder",
    "email._header_value_parser",
    "difflib",
    "inspect",
    "tarfile",
    "ast",
    "dataclasses",
    "typing",
    "pathlib",
    "asyncio.base_events",
    "textwrap",
    "configparser",
    "pydoc",
    "zipfile",
]


# Every construct radon weighs, and where blocks may hide.
CONSTRUCTS = '''
import functools

def everything(a, b=lambda x: x if x else 0, *args, **kwargs):
    if a and b or not a:
        pass
    elif (n := len(args)) > 1:
        pass
    for i in args:
        while i:
            i -= 1
        else:
            pass
    else:
        pass
    try:
        pass
    except (ValueError, TypeError):
        pass
    except Exception as error:
        pass
    else:
        pass
    finally:
        pass
    with open(a) as f, open(b) as g:
        assert f and g if a else b
    squares = [x * x for x in args if x if x > 1 for y in range(x) if y or x]
    table = {k: v for k, v in kwargs.items() if v}
    unique = {x for x in args}
    total = sum(x for x in args if x)
    pick = lambda x, y=(1 if a else 2): x or y
    match a:
        case 0 | 1:
            pass
        case [x, *rest] if x and rest:
            pass
        case {"k": v}:
            pass
        case Point(x=0):
            pass
        case (other):
            pass
    match b:
        case str():
            pass
        case _:
            pass
    match b:
        case _:
            pass
    match b:
        case x if x:
            pass
        case y:
            pass
    match b:
        case (x,):
            pass
        case _ as whole:
            pass
    try:
        pass
    except* ValueError:
        pass
    except* TypeError:
        pass
    else:
        if a:
            pass
    if a:
        def conditional():
            return a if a else b
    class Local:
        def method(self):
            return 1 if a else 2
    def closure(c=1 if a else 2):
        def deeper():
            return c or a
        return c and deeper()
    return closure

async def coroutine(stream):
    async with stream:
        async for item in stream:
            if item:
                yield [x async for x in item if x]

@functools.cache
def decorated(x=(1 if True else 2)):
    return x

class Outer(Base if True else object, metaclass=Meta):
    flag = True if Base else False
    items = [i for i in range(3) if i]
    assert flag

    if flag:
        def conditional_method(self):
            return 1
    else:
        def conditional_method(self):
            return 2

    @property
    def prop(self):
        return self.flag and self.items

    def method(self):
        def helper(x):
            return x or self
        return helper

    class Inner:
        x = 1 if True else 0

        def inner_method(self):
            for i in self:
                pass

        class Innermost:
            pass

class Empty:
    pass

class OneMethod:
    def only(self):
        if self:
            return 1
        elif not self:
            return 2
        return 3
'''


def radon_figures(source: str) -> dict[tuple[str, int], int]:
    """Radon's figure of every block, named and lined as our units are."""
    figures: dict[tuple[str, int], int] = {}

    def function(block, prefix: str) -> None:
        name = prefix + block.name
        figures[(name, block.lineno)] = block.complexity
        for closure in block.closures:
            function(closure, name + ".")

    def klass(block, prefix: str) -> None:
        name = prefix + block.name
        figures[(name, block.lineno)] = block.complexity
        for method in block.methods:
            function(method, name + ".")
        for inner in block.inner_classes:
            klass(inner, name + ".")

    for block in cc_visit(source):
        if hasattr(block, "methods"):
            klass(block, "")
        elif not block.is_method:  # methods are walked from their class
            function(block, "")
    return figures


def unseen_by_radon(unit: UnitMetrics, kinds: dict[str, str]) -> bool:
    """Radon drops classes defined inside functions, and all they hold."""
    parts = unit.name.split(".")
    chain = [kinds[".".join(parts[:end])] for end in range(1, len(parts))] + [unit.kind]
    return any(outer != "class" and inner == "class" for outer, inner in zip(chain, chain[1:]))


def assert_radon_parity(source: str) -> int:
    units = unit_metrics(source)
    kinds = {unit.name: unit.kind for unit in units}
    ours = {(unit.name, unit.line): unit.cyclomatic for unit in units if not unseen_by_radon(unit, kinds)}
    theirs = radon_figures(source)
    assert len(ours) == len([unit for unit in units if not unseen_by_radon(unit, kinds)]), "duplicate units"
    missing = sorted(set(theirs) - set(ours))
    extra = sorted(set(ours) - set(theirs))
    assert not missing and not extra, f"missing {missing[:20]}, extra {extra[:20]}"
    wrong = [(key, theirs[key], ours[key]) for key in sorted(theirs) if theirs[key] != ours[key]]
    assert not wrong, f"{len(wrong)} of {len(theirs)} differ (unit, radon, ours): {wrong[:20]}"
    return len(theirs)


@pytest.mark.parametrize("module", STDLIB_MODULES)
def test_cyclomatic_matches_radon_on_stdlib(module: str) -> None:
    path = inspect.getsourcefile(importlib.import_module(module))
    with open(path, encoding="utf-8") as file:
        compared = assert_radon_parity(file.read())
    assert compared > 10


def test_cyclomatic_matches_radon_on_every_construct() -> None:
    assert assert_radon_parity(CONSTRUCTS) == 18


def test_classes_inside_functions_are_units_radon_does_not_list() -> None:
    units = {unit.name: unit for unit in unit_metrics(CONSTRUCTS)}
    assert units["everything.Local"].kind == "class"
    assert units["everything.Local.method"].kind == "method"
    assert units["everything.Local.method"].cyclomatic == 2


# --- Hand-checked cases ---------------------------------------------------------


def only(source: str) -> UnitMetrics:
    (unit,) = unit_metrics(textwrap.dedent(source))
    return unit


def by_name(source: str) -> dict[str, UnitMetrics]:
    return {unit.name: unit for unit in unit_metrics(textwrap.dedent(source), "m.py")}


def test_elif_chain() -> None:
    unit = only(
        """
        def grade(n):
            if n > 90:
                return "A"
            elif n > 80:
                return "B"
            elif n > 70:
                return "C"
            else:
                return "F"
        """
    )
    assert (unit.cyclomatic, unit.sloc, unit.params, unit.max_nesting) == (4, 9, 1, 1)
    assert (unit.line, unit.end_line) == (2, 10)


def test_loops_count_their_else() -> None:
    unit = only(
        """
        def find(items, target):
            for item in items:
                if item == target:
                    break
            else:
                return None
            while True:
                break
            return item
        """
    )
    assert (unit.cyclomatic, unit.params, unit.max_nesting) == (5, 2, 2)


def test_try_counts_handlers_and_else_not_finally() -> None:
    unit = only(
        """
        def load(path):
            try:
                data = read(path)
            except OSError:
                return None
            except ValueError as error:
                raise RuntimeError(path) from error
            else:
                return data
            finally:
                close(path)
        """
    )
    assert (unit.cyclomatic, unit.sloc, unit.max_nesting) == (4, 11, 1)


def test_except_star_counts_nothing() -> None:
    unit = only(
        """
        def grouped():
            try:
                run()
            except* ValueError:
                pass
            except* TypeError:
                pass
        """
    )
    assert unit.cyclomatic == 1


def test_boolean_chain_counts_each_operator() -> None:
    unit = only(
        """
        def ok(a, b, c, d):
            return a and b and c or not d
        """
    )
    assert (unit.cyclomatic, unit.params, unit.max_nesting) == (4, 4, 0)


def test_comprehensions_count_each_for_and_if() -> None:
    unit = only(
        """
        def evens(rows):
            pairs = [(x, y) for x in rows if x for y in x if y % 2 == 0 if y]
            return {k: v for k, v in pairs}, set(x for x in rows)
        """
    )
    # list: 2 fors + 3 ifs, dict: 1 for, generator: 1 for
    assert (unit.cyclomatic, unit.max_nesting) == (8, 0)


def test_assert_counts_one_and_hides_its_expression() -> None:
    unit = only(
        """
        def check(x):
            assert x and (x if x > 0 else -x), "bad"
            return x
        """
    )
    assert unit.cyclomatic == 2


def test_match_with_wildcard() -> None:
    units = by_name(
        """
        def describe(command):
            match command:
                case "go":
                    return 1
                case ["move", direction] if direction and direction != "up":
                    return 2
                case Point(x=0):
                    return 3
                case _:
                    return 0

        def closed(command):
            match command:
                case 1:
                    return 1
                case [x]:
                    return x

        def guarded_capture(value):
            match value:
                case 1:
                    return "one"
                case n if n > 1:
                    return "many"
        """
    )
    # 4 cases - 1 for `_`, + 1 for the guard's `and`
    assert (units["describe"].cyclomatic, units["describe"].max_nesting) == (5, 1)
    assert units["closed"].cyclomatic == 3
    # radon takes a guarded capture for a catch-all too
    assert units["guarded_capture"].cyclomatic == 2


def test_lambda_adds_nothing_but_its_ternary_counts() -> None:
    unit = only(
        """
        def sorter(items):
            key = lambda item: item.size if item else 0
            return sorted(items, key=key)
        """
    )
    assert unit.cyclomatic == 2


def test_nested_def_is_its_own_unit() -> None:
    units = unit_metrics(
        textwrap.dedent(
            """
            def outer(a, b=None):
                if a:
                    pass
                def inner(c):
                    if c:
                        if b:
                            return 1
                    return 0
                return inner
            """
        )
    )
    assert [(unit.name, unit.kind, unit.line, unit.end_line) for unit in units] == [
        ("outer", "function", 2, 10),
        ("outer.inner", "function", 5, 9),
    ]
    outer, inner = units
    assert (outer.cyclomatic, outer.params, outer.max_nesting, outer.sloc) == (2, 2, 1, 9)
    assert (inner.cyclomatic, inner.params, inner.max_nesting, inner.sloc) == (3, 1, 2, 5)


def test_decorators_are_unseen() -> None:
    unit = only(
        """
        @cache
        @route("/x" if DEBUG else "/y")
        def handler(request, *args, flag=True, **kwargs):
            return request or flag
        """
    )
    assert (unit.line, unit.end_line, unit.sloc) == (4, 5, 2)
    assert (unit.cyclomatic, unit.params) == (2, 4)


def test_async_for_and_with() -> None:
    unit = only(
        """
        async def pump(source, sink):
            async with lock:
                async for item in source:
                    if item:
                        await sink(item)
        """
    )
    assert (unit.cyclomatic, unit.max_nesting, unit.params) == (3, 3, 2)


def test_class_figure_averages_its_methods() -> None:
    units = by_name(
        """
        class Shape:
            kind = "round" if ROUND else "square"

            def __init__(self, size):
                self.size = size

            def area(self):
                if self.size > 10:
                    return big(self.size)
                return small(self.size)

            @staticmethod
            def unit(x, y):
                return x or y

            class Meta:
                def inner(self):
                    return 1 if x else 2
        """
    )
    assert list(units) == ["Shape", "Shape.__init__", "Shape.area", "Shape.unit", "Shape.Meta", "Shape.Meta.inner"]
    # real = 1 + 1 (class-level ternary) + 1 + 2 + 2; 3 methods: 7 // 3 + 1
    shape = units["Shape"]
    assert (shape.kind, shape.cyclomatic, shape.line, shape.end_line, shape.params) == ("class", 3, 2, 19, 0)
    # one method: its real figure 1 + 2
    assert units["Shape.Meta"].cyclomatic == 3
    assert units["Shape.Meta.inner"].kind == "method"
    assert [units[name].params for name in ("Shape.__init__", "Shape.area", "Shape.unit")] == [1, 0, 2]
    assert {unit.path for unit in units.values()} == {"m.py"}


def test_class_without_methods_keeps_its_real_figure() -> None:
    unit = only(
        """
        class Config:
            debug = True if ENV else False
            names = [n for n in NAMES if n]
        """
    )
    assert (unit.cyclomatic, unit.sloc) == (4, 3)


def test_sloc_skips_blank_and_comment_lines_only() -> None:
    unit = only(
        '''
        def documented(a):
            """Say something.

            # not a comment, part of the docstring
            """
            # a comment line

            x = a  # a trailing comment: still code
            return x
            # after the body
        '''
    )
    assert (unit.line, unit.end_line, unit.sloc) == (2, 10, 6)


def test_max_nesting() -> None:
    units = by_name(
        """
        def deep(x):
            with open(x) as f:
                try:
                    pass
                except E:
                    if x:
                        while x:
                            pass
                finally:
                    pass
            def nested():
                if x:
                    if x:
                        if x:
                            if x:
                                pass
            return nested

        def flat(x):
            if x:
                pass
            elif y:
                if z:
                    pass
            else:
                for i in x:
                    pass

        def matching(x):
            match x:
                case 1:
                    if x:
                        pass

        def straight(x):
            return x
        """
    )
    assert {name: unit.max_nesting for name, unit in units.items()} == {
        "deep": 4,
        "deep.nested": 4,
        "flat": 2,
        "matching": 2,
        "straight": 0,
    }


def test_params() -> None:
    units = by_name(
        """
        def positional(a, /, b, *, c, d=1):
            pass

        def bare():
            pass

        class K:
            def method(self, a, *args, **kwargs):
                pass

            @classmethod
            def build(cls):
                pass

            def splat(*args):
                pass

            def typed(self: "K", a: int = 0, *rest: int):
                pass
        """
    )
    assert {name: unit.params for name, unit in units.items()} == {
        "positional": 4,
        "bare": 0,
        "K": 0,
        "K.method": 3,
        "K.build": 0,
        "K.splat": 1,
        "K.typed": 2,
    }


def test_to_dict() -> None:
    unit = only("def f(a):\n    return a\n")
    assert unit.to_dict() == {
        "path": "",
        "name": "f",
        "kind": "function",
        "line": 1,
        "end_line": 2,
        "cyclomatic": 1,
        "cognitive": 0,
        "sloc": 2,
        "params": 1,
        "max_nesting": 0,
        "surface": 0,
    }


def test_totals() -> None:
    units = unit_metrics(
        textwrap.dedent(
            """
            def f(a, b):
                if a:
                    return b
                return a

            class C:
                def m(self, x, y, z):
                    for i in x:
                        if i or y:
                            return z
            """
        )
    )
    # f: cc 2, 2 params, sloc 4, nesting 1; C.m: cc 4, 3 params, sloc 4, nesting 2; C: cc 5, sloc 5
    # cognitive f: if 1; C.m: for 1 + nested if 2 + or 1
    assert totals(units) == {
        "units": 3,
        "cyclomatic_total": 6,
        "cyclomatic_max": 4,
        "cyclomatic_mean": 3.0,
        "cognitive_total": 5,
        "cognitive_max": 4,
        "cognitive_mean": 2.5,
        "sloc": 9,
        "params_mean": 2.5,
        "max_nesting": 2,
    }
    assert totals([]) == {
        "units": 0,
        "cyclomatic_total": 0,
        "cyclomatic_max": 0,
        "cyclomatic_mean": 0.0,
        "cognitive_total": 0,
        "cognitive_max": 0,
        "cognitive_mean": 0.0,
        "sloc": 0,
        "params_mean": 0.0,
        "max_nesting": 0,
    }


def test_totals_rounds_means() -> None:
    units = unit_metrics("def a(x):\n    pass\n\ndef b():\n    pass\n\ndef c():\n    return 1 if x else 2\n")
    summary = totals(units)
    assert (summary["cyclomatic_mean"], summary["params_mean"]) == (1.333, 0.333)


# --- Files ----------------------------------------------------------------------


def test_metrics_for_path(tmp_path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "top.py").write_text("def top():\n    return 1\n")
    (tmp_path / "pkg" / "mod.py").write_text("class A:\n    def m(self):\n        pass\n")
    (tmp_path / "pkg" / "notes.txt").write_text("def not_python():\n    pass\n")
    (tmp_path / "pkg" / "latin1.py").write_bytes(b"def caf\xe9():\n    pass\n")
    for skipped in (".venv/lib", "__pycache__", "node_modules/x"):
        (tmp_path / skipped).mkdir(parents=True)
        (tmp_path / skipped / "hidden.py").write_text("def hidden():\n    pass\n")

    units = metrics_for_path(tmp_path)

    assert [(unit.path, unit.name) for unit in units] == [
        ("pkg/mod.py", "A"),
        ("pkg/mod.py", "A.m"),
        ("top.py", "top"),
    ]
    assert [(unit.path, unit.name) for unit in metrics_for_path(tmp_path / "pkg" / "mod.py")] == [
        ("mod.py", "A"),
        ("mod.py", "A.m"),
    ]
