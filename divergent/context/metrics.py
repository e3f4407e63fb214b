"""Static figures of code units, read from one tree-sitter parse per file.

Languages: Python, JavaScript, TypeScript (and TSX), Go, Rust and Java; a
file's language comes from its suffix (see ``parsing.LANGUAGES``).  What each
language counts lives in its query ``queries/{lang}-figures.scm``; the sweep
that reads the captures is ``divergent.context.figures``.

A *unit* is a function, a method, a nested function, a closure where lizard
takes it for a function (JavaScript's function expressions and arrow
functions, Go's function literals; not Java lambdas nor Rust closures), or a
class-like unit (``kind="class"``: class, interface, struct, enum, trait, Rust
impl block).  Module-level code is not a unit.  Units are named by their
enclosing units: ``func``, ``Class``, ``Class.method``, ``outer.inner``,
``Class.method.inner``; Go methods ``Type.Method``; a Rust impl block by its
header (``impl Trait for Type``) and its functions ``Type.function``.

Figures of a unit:

``line`` / ``end_line``
    1-based lines of the unit's name (so of Python's ``def``/``class``
    keyword, never a decorator or annotation above it; of the start of a
    nameless unit) and of the last line holding code (comments trailing the
    body are not counted).
``cyclomatic``
    Python: McCabe's figure exactly as radon 6.0.1 computes it, over the body
    only: 1, plus 1 per ``if``, ``elif``, conditional expression, ``and``/
    ``or`` operator, loop, loop ``else``, ``except`` handler and ``try``
    ``else`` (a ``try`` with ``except*`` handlers adds 0), comprehension
    ``for`` and ``if``, ``assert`` (whose expressions are not looked into);
    a ``match`` adds its cases, less 1 when one is a bare ``_`` or capture
    name; ``with``, lambdas and nested units add 0.
    Other languages: lizard 1.24's CCN: 1 + one per ``if for while catch
    case && ||`` token in the unit (signature included, nested units
    excluded); JavaScript/TypeScript add ``??``, ``&&= ||= ??=``, the ternary
    ``?`` and each default value of a parameter or destructuring pattern (a
    template string's insides are not counted); Go has no ``while``/``catch``;
    Rust counts ``if for while where && || ?``, every arm of a ``match``
    after the first, and the ``else`` of a ``let ... else``.
    A class's real figure is 1 + the decisions in its body outside its
    methods + the figures of its methods; with ``n`` methods it reports
    ``real // n + (n > 1)``, or the real figure when it has no method (radon).
``cognitive``
    SonarSource's cognitive complexity (see ``figures`` and NOTES.md): for
    Python as SonarQube's Python analyser, Go as gocognit, other languages by
    the white paper.  A function's figure includes its nested functions; a
    class's is what its body and methods add up to.
``sloc``
    Lines from ``line`` to ``end_line`` that are neither blank nor comment-only.
``params``
    Declared parameters; ``*args``/``**kwargs`` and variadic parameters count
    1 each, separators 0; a method's receiver (Python's first parameter unless
    the method is a ``staticmethod``, Rust's ``self``, Go's receiver) is not
    counted.  Go's ``a, b int`` counts 2.
``max_nesting``
    Deepest nesting of block statements (if, loops, try, with, switch/match,
    select) in the body: each adds one level, their ``else``/``else if``/
    ``except``/``case`` parts add none, nested units are not looked into.
``surface``
    For a class-like unit, its public members (methods, fields, nested types;
    counted once per name): Python names not starting with ``_``, Go's
    capitalised names (a struct's methods included), Java's ``public``
    members (an interface's or enum's are all public), JavaScript and
    TypeScript members that are not ``private``/``protected``/``#private``,
    Rust's ``pub`` fields and functions (all items of a trait, all functions
    of a trait impl, all variants of an enum).  0 for functions.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator
from itertools import accumulate
from dataclasses import asdict, dataclass

from divergent.context.figures import FileScan, Unit, code_rows, scan, scanned
from divergent.context.parsing import LANGUAGES, language_for

SKIPPED_DIRECTORIES = frozenset({"__pycache__", "venv", ".venv", "node_modules", "site-packages"})


@dataclass(frozen=True)
class UnitMetrics:
    path: str
    name: str
    kind: str
    line: int
    end_line: int
    cyclomatic: int
    cognitive: int
    sloc: int
    params: int
    max_nesting: int
    surface: int

    def to_dict(self) -> dict:
        return asdict(self)


# --- Public API -------------------------------------------------------------


def unit_metrics(source: str, path: str = "", lang: str | None = None) -> list[UnitMetrics]:
    """Every unit of `source`, in source order; the language comes from `path`'s
    suffix unless given (Python when neither says)."""
    return units_from_scan(scan(source, lang or language_for(path) or "python"), path)


def file_figures(source: str, lang: str = "python") -> dict:
    """Figures of a whole file: ``surface``, its public top-level names (Python:
    not starting with ``_``; Go: capitalised; Java: ``public`` types;
    JavaScript/TypeScript: exported; Rust: ``pub`` items), and ``types``, its
    classes, interfaces, structs, enums, traits and type aliases (nested ones too)."""
    found = scan(source, lang)
    return {"surface": found.surface, "types": found.types}


def analyze(source: str, path: str = "", lang: str | None = None, shared: bool = False) -> tuple[list[UnitMetrics], dict]:
    """``unit_metrics`` and ``file_figures`` from a single parse (``shared``: the one other
    readers of the same text share, see ``figures.scanned``)."""
    lang = lang or language_for(path) or "python"
    found = scanned(source, lang) if shared else scan(source, lang)
    return units_from_scan(found, path), {"surface": found.surface, "types": found.types}


def metrics_for_path(root: pathlib.Path) -> list[UnitMetrics]:
    """Units of a source file (path: its name) or of every file in a supported
    language below a directory (path: relative to it, POSIX); files that are
    not UTF-8 are skipped."""
    root = pathlib.Path(root)
    if root.is_file():
        return _file_metrics(root, root.name)
    units = []
    for relative in sorted(_source_files(root)):
        units.extend(_file_metrics(root / relative, relative))
    return units


def totals(units: list[UnitMetrics]) -> dict:
    """Summary of `units`.  Cyclomatic figures and parameters are over functions
    and methods only (a class's figure is an average of its methods'); cognitive
    figures over the functions and methods that no other function holds (a
    function's figure includes its nested ones); ``sloc`` adds up outermost
    units only, so that no line is counted twice."""
    callables = [unit for unit in units if unit.kind != "class"]
    figures = [unit.cyclomatic for unit in callables]
    cognitive = [unit.cognitive for unit in outermost(callables)]
    return {
        "units": len(units),
        "cyclomatic_total": sum(figures),
        "cyclomatic_max": max(figures, default=0),
        "cyclomatic_mean": _mean(figures),
        "cognitive_total": sum(cognitive),
        "cognitive_max": max(cognitive, default=0),
        "cognitive_mean": _mean(cognitive),
        "sloc": sum(unit.sloc for unit in outermost(units)),
        "params_mean": _mean([unit.params for unit in callables]),
        "max_nesting": max((unit.max_nesting for unit in units), default=0),
    }


def outermost(units: list[UnitMetrics]) -> list[UnitMetrics]:
    """The units whose lines no other unit of the list holds."""
    ordered = sorted(enumerate(units), key=lambda item: (item[1].path, item[1].line, -item[1].end_line, item[0]))
    found = []
    current: UnitMetrics | None = None
    for _, unit in ordered:
        if current is None or unit.path != current.path or unit.line > current.end_line:
            current = unit
            found.append(unit)
    return found


# --- Units --------------------------------------------------------------------


def units_from_scan(found: FileScan, path: str = "") -> list[UnitMetrics]:
    """The figures of a sweep's units, in its order (one UnitMetrics per scan Unit)."""
    code = code_rows(found.lines, found.comment_rows)
    prefix = [0, *accumulate(code)]
    units = found.units
    methods: dict[int, list[Unit]] = {}
    for unit in units:
        if unit.parent is not None and not unit.is_class and units[unit.parent].is_class:
            methods.setdefault(unit.parent, []).append(unit)
    result = []
    for index, unit in enumerate(units):
        line = unit.line
        last = _end_line(unit, code)
        kind = _kind(unit, units)
        result.append(
            UnitMetrics(
                path=path,
                name=unit.name,
                kind=kind,
                line=line,
                end_line=last,
                cyclomatic=_cyclomatic(unit, methods.get(index, [])),
                cognitive=unit.cognitive,
                sloc=prefix[last] - prefix[line - 1],
                params=_params(unit, kind),
                max_nesting=unit.max_nesting,
                surface=len(unit.members - unit.hidden) if unit.is_class else 0,
            )
        )
    return result


def _end_line(unit: Unit, code: list[int]) -> int:
    """The last line holding code: tree-sitter keeps comments that trail a body in it."""
    first, row = unit.line - 1, unit.node.end_point.row
    while row > first and not code[row]:
        row -= 1
    return row + 1


def _kind(unit: Unit, units: list[Unit]) -> str:
    if unit.is_class:
        return "class"
    if unit.qualifier or (unit.parent is not None and units[unit.parent].is_class):
        return "method"
    return "function"


def _cyclomatic(unit: Unit, methods: list[Unit]) -> int:
    if not unit.is_class:
        return 1 + unit.decisions
    real = 1 + unit.decisions + sum(1 + method.decisions for method in methods)
    return real // len(methods) + (len(methods) > 1) if methods else real


def _params(unit: Unit, kind: str) -> int:
    if kind == "method" and unit.self_params and not unit.static:
        return unit.params - 1
    return unit.params


def _mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 3) if values else 0.0


# --- Files --------------------------------------------------------------------


def _source_files(root: pathlib.Path) -> Iterator[str]:
    """POSIX paths, relative to `root`, of the files below it in a supported language."""
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if not _skipped(name)]
        here = pathlib.Path(directory).relative_to(root)
        for name in files:
            if pathlib.PurePath(name).suffix.lower() in LANGUAGES and (pathlib.Path(directory) / name).is_file():
                yield (here / name).as_posix()


def _skipped(directory: str) -> bool:
    return directory.startswith(".") or directory in SKIPPED_DIRECTORIES


def _file_metrics(file: pathlib.Path, path: str) -> list[UnitMetrics]:
    try:
        source = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    return unit_metrics(source, path)
