"""Static critics and the design features they weigh, on small hand-counted sources."""

from __future__ import annotations

import asyncio
import textwrap

import pytest
from designs import RENDERERS

from divergent.context.design import built_collaborators, constructor, if_chain, imported_modules
from divergent.context.parsing import parse
from divergent.context.structure import structure
from divergent.context.syntax import definitions, walk
from divergent.critics.base import balance_score, change, cost_ratio, ratio_score
from divergent.critics.extensibility import Extensibility, features
from divergent.critics.simplicity import Simplicity
from divergent.critics.validity import Validity
from divergent.model import Candidate, Problem, Target


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def line_of(source: str, fragment: str) -> int:
    """1-based line of the only line of `source` that contains `fragment`."""
    hits = [n for n, line in enumerate(source.splitlines(), start=1) if fragment in line]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


def problem_for(path: str, source: str, symbol: str | None = None, used: list[str] | None = None) -> Problem:
    kind = "module" if symbol is None else ("method" if "." in symbol else "class" if symbol[:1].isupper() else "function")
    target = Target(repo="/nowhere", path=path, symbol=symbol, kind=kind, line=1, end_line=len(source.splitlines()))
    return Problem(target=target, files={path: source}, source=source, used_names=list(used or []))


def assess(critic, files: dict[str, str], problem: Problem):
    [assessment] = asyncio.run(critic.assess(Candidate(title="candidate", files=files), problem))
    return assessment


# --- base: how figures read and score ------------------------------------------


def test_change_reads_before_after_and_relative_change():
    assert change(12, 9) == "12 → 9 (−25 %)"
    assert change(2, 3) == "2 → 3 (+50 %)"
    assert change(4, 4) == "4 (same)"
    assert change(0, 3) == "0 → 3"
    assert change(1.5, 0.75) == "1.50 → 0.75 (−50 %)"


def test_ratio_and_balance_scores_sit_at_one_half_for_today():
    assert ratio_score([1.0, 1.0, 1.0]) == 0.5
    assert ratio_score([]) == 0.5
    # 1 / (1 + 0.5 ** 3) = 1 / 1.125
    assert ratio_score([0.5]) == pytest.approx(0.8889, abs=1e-4)
    # 1 / (1 + 2 ** 3) = 1 / 9
    assert ratio_score([2.0]) == pytest.approx(0.1111, abs=1e-4)
    assert balance_score(0) == 0.5
    # 0.5 + 0.5 * tanh(1) = 0.5 + 0.5 * 0.76159
    assert balance_score(2) == pytest.approx(0.8808, abs=1e-4)
    assert balance_score(-2) == pytest.approx(0.1192, abs=1e-4)
    assert cost_ratio(0, 0) == 1.0
    assert cost_ratio(0, 3) == 4.0
    assert cost_ratio(4, 2) == 0.5


# --- simplicity -----------------------------------------------------------------

# cyclomatic 1 + 3 ifs = 4, cognitive 1 + (1 + 1 nesting) + (1 + 1 nesting) = 5, sloc 7,
# params 3, max nesting 2, one public name
NESTED = src(
    """
    def f(a, b, c):
        if a:
            if b:
                return 1
            if c:
                return 2
        return 0
    """
)

# cyclomatic 2, cognitive 1, sloc 4, params 3, max nesting 1, one public name
FLAT = src(
    """
    def f(a, b, c):
        if a:
            return 1
        return 0
    """
)


def test_simplicity_of_unchanged_code_is_one_half():
    result = assess(Simplicity(), {"m.py": NESTED}, problem_for("m.py", NESTED, "f"))
    assert result.critic == "simplicity" and result.dimension == "simplicity"
    assert result.score == 0.5
    assert result.evidence == "no function or method changed, public names 1 (same) (not scored)"


def test_simplicity_rewards_a_simpler_rewrite_and_names_its_figures():
    result = assess(Simplicity(), {"m.py": FLAT}, problem_for("m.py", NESTED, "f"))
    # ratios (after + 1) / (before + 1); a group scores 1 / (1 + geometric mean ** 3)
    # worst: cognitive 2/6, cyclomatic 3/5, nesting 2/3 -> 0.8823
    # mean: cognitive 2/6, cyclomatic 3/5, params 4/4 -> 0.8333
    # total: cognitive 2/6, sloc 5/8 -> 0.9132
    # 0.4 * 0.8823 + 0.4 * 0.8333 + 0.2 * 0.9132 = 0.8689
    assert result.score == pytest.approx(0.8689, abs=1e-3)
    assert "worst cognitive 5 → 1 (−80 %)" in result.evidence
    assert "max nesting 2 → 1 (−50 %)" in result.evidence
    assert "worst cyclomatic 4 → 2 (−50 %)" in result.evidence
    assert "sloc 7 → 4 (−43 %)" in result.evidence
    assert "mean params 3 (same)" in result.evidence
    assert result.raw["before"]["max_nesting"] == 2
    assert result.raw["after"]["max_nesting"] == 1
    assert "0.4 × worst unit 0.882" in result.raw["explain"]


def test_simplicity_penalises_a_more_complex_rewrite():
    result = assess(Simplicity(), {"m.py": NESTED}, problem_for("m.py", FLAT, "f"))
    assert result.score < 0.5
    assert "max nesting 1 → 2 (+100 %)" in result.evidence
    assert "sloc 4 → 7 (+75 %)" in result.evidence


# one function doing three things, and the same split into a dispatcher and three helpers
# (more names and units, every unit simpler)
TANGLED = src(
    """
    def price(kind, qty, base):
        if kind == "a":
            if qty > 10:
                return base * qty * 0.9
            return base * qty
        if kind == "b":
            if qty > 5:
                return base * qty * 0.8
            return base * qty
        if qty > 100:
            return base * qty * 0.5
        return base * qty
    """
)
SPLIT = src(
    """
    def price_a(qty, base):
        return base * qty * (0.9 if qty > 10 else 1)


    def price_b(qty, base):
        return base * qty * (0.8 if qty > 5 else 1)


    def price_other(qty, base):
        return base * qty * (0.5 if qty > 100 else 1)


    def price(kind, qty, base):
        if kind == "a":
            return price_a(qty, base)
        if kind == "b":
            return price_b(qty, base)
        return price_other(qty, base)
    """
)


def test_simplicity_prefers_a_decomposition_whose_worst_and_mean_units_are_simpler():
    result = assess(Simplicity(), {"m.py": SPLIT}, problem_for("m.py", TANGLED))
    before, after = result.raw["before"], result.raw["after"]
    assert after["surface"] > before["surface"] and after["units"] > before["units"]
    assert after["cognitive_max"] < before["cognitive_max"] and after["cognitive_mean"] < before["cognitive_mean"]
    assert result.score > 0.5, result.raw["explain"]


def test_simplicity_counts_a_new_file_against_nothing():
    new = "def g(x):\n    if x:\n        return x\n    return 0\n"
    result = assess(Simplicity(), {"helpers.py": new}, problem_for("m.py", FLAT, "f"))
    assert result.score < 0.5
    assert "worst cognitive 0 → 1" in result.evidence and "sloc 0 → 4" in result.evidence


def test_simplicity_leaves_out_a_function_moved_unchanged():
    moved = FLAT.replace("def f(", "def g(")
    today = NESTED + "\n\n" + moved
    result = assess(Simplicity(), {"m.py": NESTED, "n.py": moved}, problem_for("m.py", today))
    assert result.score == 0.5, result.evidence


def test_simplicity_ignores_files_that_are_not_python():
    result = assess(Simplicity(), {"README.md": "# notes\n"}, problem_for("m.py", NESTED, "f"))
    assert result.score == 0.5


# --- design features: hand-counted ------------------------------------------------

# Extension points: FORMATS (dict of functions), Renderer (Protocol), Exporter (ABC),
# Service.client and Service.log (injected) = 5.
# Type-code branches: kind() (if/elif on `code`, 3 literals), group() (`in` tuples and ==,
# 5 distinct literals in 3 branches), pick() (match with 3 literal cases) = 3.
# Built collaborators: Service.conn (sqlite3.connect, sqlite3 imported), Service.http
# (Client()) = 2; self.cache = dict() and self.items = [] are not.
FEATURES = src(
    """
    import sqlite3
    from abc import ABC, abstractmethod
    from typing import Protocol


    class Renderer(Protocol):
        def render(self, data): ...


    class Exporter(ABC):
        @abstractmethod
        def export(self, data): ...


    def to_csv(data):
        return ",".join(data)


    def to_json(data):
        return str(data)


    FORMATS = {"csv": to_csv, "json": to_json}
    LIMITS = {"csv": 10, "json": 20}
    ONLY_ONE = {"csv": to_csv}


    class Service:
        def __init__(self, path, client=None, log=None):
            self.conn = sqlite3.connect(path)
            self.http = Client()
            self.cache = dict()
            self.items = []
            self.client = client if client is not None else Client()
            self.log = log or Logger()

        def kind(self, code):
            if code == "a":
                return 1
            elif code == "b":
                return 2
            elif code == "c":
                return 3
            return 0

        def group(self, code):
            if code in ("a", "b"):
                return 1
            elif code == "c":
                return 2
            elif code in ("d", "e"):
                return 3

        def pick(self, code):
            match code:
                case "x":
                    return 1
                case "y":
                    return 2
                case "z":
                    return 3
                case _:
                    return 0

        def two_cases(self, code):
            if code == "a":
                return 1
            elif code == "b":
                return 2

        def two_subjects(self, code, other):
            if code == "a":
                return 1
            elif other == "b":
                return 2
            elif code == "c":
                return 3

        def repeated_key(self, code):
            if code == "a":
                return 1
            elif code == "b":
                return 2
            elif code == "a":
                return 3

        def not_literals(self, code, x, y, z):
            if code == x:
                return 1
            elif code == y:
                return 2
            elif code == z:
                return 3
    """
)


def test_features_are_counted_as_by_hand():
    found = features([("m.py", FEATURES)])
    # nothing implements or names Renderer or Exporter, and nothing reads FORMATS
    assert found["extension_points"] == ["Service.client (injected)", "Service.log (injected)"]
    assert found["unused"] == ["Renderer", "Exporter", "FORMATS (never read)"]
    # each chain starts on the line after its method's `def`
    assert found["type_code_branches"] == [
        f"line {line_of(FEATURES, f'def {name}(') + 1}" for name in ("kind", "group", "pick")
    ]
    assert found["built_collaborators"] == ["Service.conn", "Service.http"]


def chains(root):
    return [chain for n in walk(root) if (chain := if_chain(n)) is not None]


def test_type_code_chain_details():
    # the catalog's view of the same chains: each if/elif chain with its keys and blocks
    root = parse(FEATURES).root_node
    kind_chain, group_chain = chains(root)
    assert kind_chain.discriminator == "code"
    assert [keys for keys, _ in kind_chain.branches] == [['"a"'], ['"b"'], ['"c"']]
    assert kind_chain.otherwise is None
    assert group_chain.discriminator == "code"
    assert [keys for keys, _ in group_chain.branches] == [['"a"', '"b"'], ['"c"'], ['"d"', '"e"']]


def test_a_two_case_match_and_a_chain_on_attributes():
    source = src(
        """
        def two(code):
            match code:
                case 1:
                    return "a"
                case 2:
                    return "b"
                case _:
                    return "c"


        def on_attribute(order):
            if order.kind == 1:
                return "a"
            elif order.kind == 2:
                return "b"
            elif order.kind == 3:
                return "c"
            else:
                return "d"
        """
    )
    # the two-case match is no type code; the chain on order.kind is one
    assert structure([("m.py", source)]).type_code_branches == [f"line {line_of(source, 'if order.kind == 1')}"]
    [chain] = chains(parse(source).root_node)
    assert chain.discriminator == "order.kind"
    assert [keys for keys, _ in chain.branches] == [["1"], ["2"], ["3"]]
    assert chain.otherwise is not None


def test_constructor_built_collaborators_need_a_constructor_call():
    source = src(
        """
        import sqlite3 as db


        class Store:
            def __init__(self, path, factory):
                self.conn = db.connect(path)
                self.other = factory.connect(path)
                self.names = set()
                self.size = len(path)
                self.lower = path.lower()
                helper = Helper()
                self.helper = helper
        """
    )
    root = parse(source).root_node
    modules = imported_modules(root)
    assert modules == {"db"}
    [cls] = [d for d in definitions(root) if d.is_class]
    init = constructor(cls)
    # db.connect goes through an imported (aliased) module; factory.connect goes through a
    # parameter, set() and len() are builtins, path.lower() is a method call, and
    # self.helper = helper assigns a local name: none of those is counted.
    assert [name for name, _ in built_collaborators(init, modules)] == ["conn"]
    # the critic's reading agrees
    found = structure([("m.py", source)])
    assert found.built_collaborators == ["Store.conn"]
    assert found.extension_points == []


@pytest.mark.parametrize(
    "path, source, built",
    [
        (
            "invoice.py",
            "class Invoice:\n    def __init__(self, path):\n        self.cost = Money(initial_amount=0)\n"
            "        self.credits = Credits(0)\n        self.dao = TripDAO()\n        self.store = Store(path)\n",
            ["Invoice.dao", "Invoice.store"],
        ),
        (
            "invoice.js",
            "class Invoice { constructor(path) { this.cost = new Money(0); this.origin = new Point(0, 0);"
            " this.dao = new TripDAO(); this.store = new Store(path); } }\n",
            ["Invoice.dao", "Invoice.store"],
        ),
    ],
)
def test_a_value_built_from_literals_is_no_collaborator(path, source, built):
    # the first state of an accumulator (a kata's Money(0) total) is not a hard-wired service;
    # one built with no argument, or from what the constructor was given, is
    assert structure([(path, source)]).built_collaborators == built


def test_an_interface_has_no_cohesion_to_lose():
    # a Protocol of three stubs shares no state, but is no class split in three
    source = src(
        """
        from typing import Protocol


        class Store(Protocol):
            def load(self): ...
            def save(self, data): ...
            def close(self): ...


        class Disk:
            def __init__(self, path):
                self.path = path
                self.log = []

            def load(self):
                return open(self.path).read()

            def note(self, line):
                self.log.append(line)
        """
    )
    found = structure([("m.py", source)])
    assert found.lcom4 == {"Disk": 2}  # load reads path, note writes log: two groups
    assert found.split_classes == 1


def test_registries_are_module_level_only():
    source = src(
        """
        def a(): ...
        def b(): ...


        def build():
            LOCAL = {"a": a, "b": b}
            return LOCAL


        class Holder:
            TABLE = {"a": a, "b": b}


        HANDLERS = {"a": a, "b": lambda: None, "c": Holder.build}


        def run(key):
            return HANDLERS[key]()
        """
    )
    assert structure([("m.py", source)]).extension_points == ["HANDLERS"]


# a seam counts where it is used: implemented, named as a type, overridden by two subclasses
USED_SEAMS = src(
    """
    from typing import Protocol


    class Pricing(Protocol):
        def price(self, qty): ...


    class Flat:
        def price(self, qty):
            return qty


    class Bulk:
        def price(self, qty):
            return qty * 0.9


    class Alone(Protocol):
        def shout(self): ...


    class Loud:
        def shout(self):
            return "!"


    class Store(Protocol):
        def load(self): ...


    def report(store: Store):
        return store.load()


    class Unused(Protocol):
        def nothing(self): ...


    class Parrot:
        def speed(self):
            return 12


    class European(Parrot):
        def speed(self):
            return 10


    class African(Parrot):
        def speed(self):
            return 8


    class Lonely(Parrot):
        def cry(self):
            return "sqa"
    """
)


def test_seams_count_only_where_they_are_used():
    found = structure([("m.py", USED_SEAMS)])
    assert found.extension_points == [
        "Pricing (implemented by Flat, Bulk)",
        "Store (used as a type)",
        "Parrot (overridden in European, African)",
    ]
    # one class of its shape is no family: a protocol cut from a class fits it alone
    assert found.unused == ["Alone", "Unused"]


def test_subclasses_in_new_files_override_a_base_together():
    base = "class Shape:\n    def area(self):\n        raise NotImplementedError\n"
    square = "from shapes import Shape\n\n\nclass Square(Shape):\n    def area(self):\n        return 4\n"
    circle = "from shapes import Shape\n\n\nclass Circle(Shape):\n    def area(self):\n        return 3\n"
    found = structure([("shapes.py", base), ("square.py", square), ("circle.py", circle)])
    assert found.extension_points == ["Shape (overridden in Square, Circle)"]


def test_a_hook_the_base_reads_and_the_subclasses_set_is_an_override():
    # a template method: the base reads self._kind, each subclass sets it (no method overridden)
    base = "class Number:\n    def convert(self, value):\n        return self._kind(value)\n"
    whole = "from number import Number\n\n\nclass Whole(Number):\n    name = 'whole'\n    _kind = int\n"
    real = "from number import Number\n\n\nclass Real(Number):\n    name = 'real'\n    _kind = float\n"
    found = structure([("number.py", base), ("whole.py", whole), ("real.py", real)])
    assert found.extension_points == ["Number (overridden in Whole, Real)"]
    # an attribute the children share but the base never reads is no hook
    labels = structure([("number.py", base.replace("_kind", "kind")), ("whole.py", whole), ("real.py", real)])
    assert labels.extension_points == []


def test_equality_chains_on_strings_and_enum_members_are_type_codes():
    source = src(
        """
        def update(item):
            if item.name != "Aged Brie" and item.name != "Backstage passes":
                item.quality -= 1
            elif item.name == "Sulfuras":
                pass


        def speed(parrot):
            if parrot.kind == Kind.EUROPEAN:
                return 12
            if parrot.kind == Kind.AFRICAN:
                return 10
            if parrot.kind is Kind.NORWEGIAN:
                return 0
        """
    )
    assert len(structure([("m.py", source)]).type_code_branches) == 2


def test_lcom4_only_for_classes_with_instance_state():
    source = src(
        """
        class Helpers:
            @staticmethod
            def a(x):
                return x

            @staticmethod
            def b(y):
                return y


        class Stateless:
            def one(self, x):
                return x

            def two(self, y):
                return y


        class Split:
            def __init__(self):
                self.a = 1
                self.b = 2

            def use_a(self):
                return sorted(self.a)

            def use_b(self):
                return sorted(self.b)

            def pure(self, x):
                return x
        """
    )
    assert structure([("m.py", source)]).lcom4 == {"Split": 2}


def test_a_class_that_falls_apart_counts_once_however_many_pieces():
    source = "class Bag:\n" + "".join(
        f"    def take_{n}(self):\n        return self.{n}.pop()\n\n" for n in ("a", "b", "c", "d")
    )
    found = structure([("m.py", source)])
    assert found.lcom4 == {"Bag": 4} and found.split_classes == 1


def test_getters_and_setters_do_not_split_a_class():
    # LCOM4 as SonarQube measured it leaves accessors out: a data holder is not two classes
    source = src(
        """
        class Option {
          constructor(flags) { this.flags = flags; this.hidden = false; }
          default(value, description) {
            this.defaultValue = value;
            this.defaultValueDescription = description;
            return this;
          }
          hideHelp(hide = true) { this.hidden = !!hide; return this; }
          name() { return this.flags; }
          is(arg) { return this.short === arg || this.long === arg; }
          describe() {
            if (this.hidden) { return ''; }
            return this.flags.trim();
          }
        }
        """
    )
    assert structure([("option.js", source)]).lcom4 == {"Option": 1}


# --- extensibility ------------------------------------------------------------------

CHAIN = src(
    """
    def render(kind, rows):
        if kind == "csv":
            return ",".join(rows)
        elif kind == "ssv":
            return ";".join(rows)
        elif kind == "lines":
            return "|".join(rows)
        raise ValueError(kind)
    """
)

REGISTRY = RENDERERS + "\n\n" + src(
    """
    def render(kind, rows):
        if kind not in RENDERERS:
            raise ValueError(kind)
        return RENDERERS[kind](rows)
    """
)


def test_extensibility_of_unchanged_code_is_one_half():
    result = assess(Extensibility(), {"r.py": CHAIN}, problem_for("r.py", CHAIN, "render"))
    assert result.score == 0.5
    assert result.evidence == (
        "extension points 0 (same), type-code branches 1 (same), built collaborators 0 (same), "
        "classes that split (LCOM4 > 1) 0 (same), outside callees per line 0.25 (same)"
    )


def test_extensibility_rewards_a_registry_over_a_type_code_chain():
    result = assess(Extensibility(), {"r.py": REGISTRY}, problem_for("r.py", CHAIN, "render"))
    # balance today: 0 points - 1 branch = -1; candidate: 1 point - 0 = +1; difference 2: 0.8808.
    # outside callees per line: {join, ValueError} over 8 lines = 0.25, over 10 lines = 0.2;
    # r = (0.2 + 0.1) / (0.25 + 0.1) = 0.857 scores 1 / (1 + r ** 3) = 0.6136.
    # 0.8 * 0.8808 + 0.2 * 0.6136 = 0.8274
    assert result.score == pytest.approx(0.8274, abs=1e-4)
    assert result.evidence == (
        "extension points 0 → 1 (+RENDERERS), type-code branches 1 → 0 (−100 %), built collaborators 0 (same), "
        "classes that split (LCOM4 > 1) 0 (same), outside callees per line 0.25 → 0.20 (−20 %)"
    )


def test_extensibility_penalises_going_back_to_a_chain():
    result = assess(Extensibility(), {"r.py": CHAIN}, problem_for("r.py", REGISTRY, "render"))
    # 0.8 * 0.1192 + 0.2 * 1 / (1 + (0.35 / 0.3) ** 3)
    assert result.score == pytest.approx(0.1726, abs=1e-4)
    assert "type-code branches 0 → 1" in result.evidence


def test_extensibility_rewards_injecting_a_built_collaborator():
    before = src(
        """
        import sqlite3


        class Repo:
            def __init__(self, path):
                self.db = sqlite3.connect(path)
        """
    )
    after = src(
        """
        import sqlite3


        class Repo:
            def __init__(self, path, db=None):
                self.db = db if db is not None else sqlite3.connect(path)
        """
    )
    result = assess(Extensibility(), {"repo.py": after}, problem_for("repo.py", before, "Repo"))
    # -1 (one built) to +1 (one injected): 0.8808; fan-out 1 (connect) both times: 0.5.
    # 0.8 * 0.8808 + 0.2 * 0.5 = 0.8046
    assert result.score == pytest.approx(0.8046, abs=1e-4)
    assert "extension points 0 → 1 (+Repo.db (injected))" in result.evidence
    assert "built collaborators 1 → 0 (−100 %)" in result.evidence


# --- validity -------------------------------------------------------------------------

REPORT = src(
    """
    class Report:
        def __init__(self, rows):
            self.rows = rows

        def total(self):
            return sum(self.rows)

        def render(self):
            return str(self.total())
    """
)


def report_problem(symbol: str = "Report") -> Problem:
    return problem_for("shop/report.py", REPORT, symbol, used=["Report", "total", "render", "json"])


def test_a_valid_candidate_scores_one():
    rewritten = REPORT.replace("return str(self.total())", "return f'{self.total()}'")
    result = assess(Validity(), {"shop/report.py": rewritten}, report_problem())
    assert result.score == 1.0
    assert result.evidence == "parses; every name callers use is still there"
    assert (result.raw["problems"], result.raw["missing_names"]) == ([], [])


def test_a_candidate_that_does_not_parse_scores_zero_with_its_line():
    broken = REPORT.replace("    def render(self):", "    def render(self:")
    assert line_of(broken, "def render(self:") == 8
    result = assess(Validity(), {"shop/report.py": broken}, report_problem())
    assert result.score == 0.0
    # tree-sitter may extend the error over the next line; the first one named is the bad one
    assert result.evidence.startswith("shop/report.py does not parse (line 8")


def test_a_new_file_that_does_not_parse_scores_zero():
    result = assess(
        Validity(),
        {"shop/report.py": REPORT, "shop/helpers.py": "x = 1\n\ndef g(:\n    pass\n"},
        report_problem(),
    )
    assert result.score == 0.0
    # and the target itself is left as it was
    assert result.evidence == "does not change the target; shop/helpers.py does not parse (line 3)"


def test_removing_a_method_callers_use_scores_zero_and_names_it():
    inlined = src(
        """
        class Report:
            def __init__(self, rows):
                self.rows = rows

            def render(self):
                return str(sum(self.rows))
        """
    )
    result = assess(Validity(), {"shop/report.py": inlined}, report_problem())
    assert result.score == 0.0
    assert result.evidence == "callers use names that are gone: total"
    assert result.raw["missing_names"] == ["total"]


def test_a_used_name_kept_as_an_assignment_is_still_there():
    aliased = REPORT.replace("    def render(self):", "    show = total\n\n    def render(self):").replace(
        "def total(self)", "def _total(self)"
    ).replace("show = total", "total = _total")
    result = assess(Validity(), {"shop/report.py": aliased}, report_problem())
    assert result.score == 1.0, result.evidence


def test_removing_the_target_itself_is_reported():
    renamed = REPORT.replace("class Report:", "class Summary:")
    result = assess(Validity(), {"shop/report.py": renamed}, report_problem())
    assert result.score == 0.0
    assert "Report is gone from shop/report.py" in result.evidence
    assert "callers use names that are gone: Report" in result.evidence


def test_moving_the_target_method_out_of_its_class_is_reported():
    moved = src(
        """
        def total(rows):
            return sum(rows)


        class Report:
            def __init__(self, rows):
                self.rows = rows

            def render(self):
                return str(total(self.rows))
        """
    )
    result = assess(Validity(), {"shop/report.py": moved}, report_problem("Report.total"))
    assert result.score == 0.0
    # `total` still exists as a function, so only the target check catches it
    assert result.evidence == "Report.total is gone from shop/report.py"


def test_a_renamed_method_whose_callers_are_migrated_in_the_same_candidate_is_valid(sample_repo):
    import asyncio
    from pathlib import Path

    from divergent.context.problem import frame
    from divergent.critics.validity import Validity
    from divergent.model import Candidate

    problem = frame("shop/reports.py::ReportService", str(sample_repo), Path.cwd())
    today = problem.files["shop/reports.py"]
    renamed = today.replace("def total_with_tax(self)", "def total_including_tax(self)")
    cli = (sample_repo / "shop/cli.py").read_text()
    tests = (sample_repo / "tests/test_reports.py").read_text()
    half = Candidate("rename only", {"shop/reports.py": renamed})
    (verdict,) = asyncio.run(Validity().assess(half, problem))
    assert verdict.score == 0 and "total_with_tax" in verdict.evidence
    whole = Candidate(
        "rename and migrate",
        {
            "shop/reports.py": renamed,
            "shop/cli.py": cli.replace("total_with_tax", "total_including_tax"),
            "tests/test_reports.py": tests.replace("total_with_tax", "total_including_tax"),
        },
    )
    (verdict,) = asyncio.run(Validity().assess(whole, problem))
    assert verdict.score == 1.0, verdict.evidence


# --- validity over the whole design ------------------------------------------------


def framed(tmp_path, files: dict[str, str], spec: str) -> Problem:
    from pathlib import Path

    from conftest import make_repo

    from divergent.context.problem import frame

    repo = make_repo(tmp_path / "repo", files)
    return frame(spec, str(repo), Path.cwd())


def test_a_candidate_of_junk_files_is_invalid():
    # what a real small model wrote: a file named `orders` and an empty report.json
    result = assess(Validity(), {"orders": "orders\n", "report.json": ""}, report_problem())
    assert result.score == 0.0
    assert result.evidence == "writes empty files: report.json; does not change the target"


def test_an_empty_package_marker_is_no_junk():
    # a design that moves code into a package writes empty __init__.py files, as people do
    moved = REPORT.replace("return sum(self.rows)", "return sum(row for row in self.rows)")
    files = {"shop/report.py": moved, "shop/parts/__init__.py": "", "shop/parts/py.typed": ""}
    result = assess(Validity(), files, report_problem())
    assert result.score == 1.0, result.evidence


def test_syntax_of_a_newer_python_is_not_a_compile_error():
    # PEP 701 (Python 3.12) lets an f-string reuse its quotes; an older interpreter calls it an
    # f-string error, tree-sitter reads it cleanly: the file is right for the Python it targets
    newer = REPORT.replace("return str(self.total())", 'return f"{", ".join(str(r) for r in self.rows)}"')
    assert not parse(newer).root_node.has_error
    result = assess(Validity(), {"shop/report.py": newer}, report_problem())
    assert result.score == 1.0, result.evidence


def test_a_function_replaced_by_a_module_of_its_name_is_still_there(tmp_path):
    files = {
        "shop/statement.py": "def statement(invoice):\n    return str(invoice)\n",
        "shop/app.py": "from shop.pieces import statement\n\n\ndef run(i):\n    return statement.render(i)\n",
    }
    problem = framed(tmp_path, files, "shop/statement.py::statement")
    module = "def render(invoice):\n    return repr(invoice)\n"
    design = Candidate(
        "a module instead of the function",
        {"shop/pieces/statement.py": module, "shop/pieces/__init__.py": "", "shop/app.py": files["shop/app.py"] + "\n"},
        deleted=["shop/statement.py"],
    )
    (verdict,) = asyncio.run(Validity().assess(design, problem))
    assert "callers use names that are gone" not in verdict.evidence, verdict.evidence


def test_a_candidate_that_leaves_the_target_as_it_was_is_invalid():
    result = assess(Validity(), {"shop/report.py": REPORT, "shop/other.py": "X = 1\n"}, report_problem())
    assert result.evidence == "does not change the target"


def test_python_that_tree_sitter_accepts_but_python_rejects_is_invalid():
    # a body that starts with a comment, cut after the colon: tree-sitter parses it, Python does not
    stub = REPORT.replace("        return sum(self.rows)\n", "        # the rows' sum ...\n")
    assert not parse(stub).root_node.has_error
    result = assess(Validity(), {"shop/report.py": stub}, report_problem())
    assert result.score == 0.0
    assert result.evidence.startswith("shop/report.py does not compile: expected an indented block")


SHAPES = {
    "shop/shapes.py": src(
        """
        class Shape:
            def __init__(self, kind, side):
                self.kind = kind
                self.side = side

            def area(self):
                if self.kind == "square":
                    return self.side * self.side
                if self.kind == "circle":
                    return 3 * self.side * self.side
                return 0


        class Canvas:
            def __init__(self):
                self.shapes = []
        """
    ),
    "shop/app.py": "from shop.shapes import Canvas, Shape\n\n\ndef total(shapes):\n    return sum(s.area() for s in shapes)\n\n\nCANVAS = Canvas()\n",
    "tests/test_shapes.py": "from shop.shapes import Shape\n\n\ndef test_area():\n    assert Shape('square', 2).area() == 4\n",
}


def test_removing_classes_other_files_use_is_invalid_and_names_them(tmp_path):
    problem = framed(tmp_path, SHAPES, "shop/shapes.py::Shape")
    only_shape = SHAPES["shop/shapes.py"].split("\n\nclass Canvas")[0].replace("return 0", "return -1") + "\n"
    (verdict,) = asyncio.run(Validity().assess(Candidate("drop Canvas", {"shop/shapes.py": only_shape}), problem))
    assert verdict.score == 0.0
    assert verdict.evidence == "callers use names that are gone: Canvas"


def test_a_method_moved_into_subclasses_in_new_files_is_valid(tmp_path):
    problem = framed(tmp_path, SHAPES, "shop/shapes.py::Shape.area")
    base = SHAPES["shop/shapes.py"].replace(
        SHAPES["shop/shapes.py"][SHAPES["shop/shapes.py"].index("    def area") : SHAPES["shop/shapes.py"].index("\n\nclass Canvas")],
        "    pass\n",
    )
    square = "from shop.shapes import Shape\n\n\nclass Square(Shape):\n    def area(self):\n        return self.side * self.side\n"
    circle = "from shop.shapes import Shape\n\n\nclass Circle(Shape):\n    def area(self):\n        return 3 * self.side * self.side\n"
    candidate = Candidate("subclasses", {"shop/shapes.py": base, "shop/square.py": square, "shop/circle.py": circle})
    (verdict,) = asyncio.run(Validity().assess(candidate, problem))
    assert verdict.score == 1.0, verdict.evidence


def test_a_target_moved_to_a_new_file_is_valid_when_its_file_reexports_it_or_callers_migrate(tmp_path):
    problem = framed(tmp_path, SHAPES, "shop/shapes.py::Shape")
    shape = SHAPES["shop/shapes.py"].split("\n\nclass Canvas")[0] + "\n"
    canvas = "class Canvas" + SHAPES["shop/shapes.py"].split("\n\nclass Canvas")[1]
    moved = {"shop/shape.py": shape}
    (bare,) = asyncio.run(Validity().assess(Candidate("moved", {**moved, "shop/shapes.py": canvas}), problem))
    assert bare.score == 0.0 and "Shape is gone from shop/shapes.py (moved to shop/shape.py" in bare.evidence
    reexport = "from shop.shape import Shape\n\n\n" + canvas
    (kept,) = asyncio.run(Validity().assess(Candidate("re-exported", {**moved, "shop/shapes.py": reexport}), problem))
    assert kept.score == 1.0, kept.evidence
    callers = {
        "shop/app.py": SHAPES["shop/app.py"].replace("import Canvas, Shape", "import Canvas"),
        "tests/test_shapes.py": SHAPES["tests/test_shapes.py"].replace("shop.shapes", "shop.shape"),
    }
    (migrated,) = asyncio.run(Validity().assess(Candidate("migrated", {**moved, "shop/shapes.py": canvas, **callers}), problem))
    assert migrated.score == 1.0, migrated.evidence


def test_todays_code_is_valid_though_it_changes_nothing():
    from divergent.engine.scoring import baseline_of

    problem = report_problem()
    [result] = asyncio.run(Validity().assess(baseline_of(problem), problem))
    assert result.score == 1.0, result.evidence


FACTORY_METHODS = {
    # Fowler's Factory Method: the class builds its collaborator in an overridable method it calls
    "m.py": """
class Command:
    def create_help(self):
        return Help(self.width)

    def help_text(self):
        return self.create_help().format(self)

    def copy(self):
        return Command()

    def zero(self):
        return Money(0)

    def __build(self):
        return Help(self.width)

    def unused_factory(self):
        return Help(self.width)
""",
    "m.js": """
class Command {
  createHelp() { return Object.assign(new Help(), this.config); }
  #hidden() { return new Help(); }
  static make() { return new Help(); }
  helpText() { return this.createHelp().format(this) + this.#hidden() + Command.make(); }
}
""",
    "M.java": """
class Command {
  protected Help createHelp() { return new Help(width); }
  private Help hidden() { return new Help(width); }
  final Help sealed() { return new Help(width); }
  String helpText() { return createHelp().format(this) + this.hidden() + this.sealed(); }
}
""",
    # Go has no overriding: a method building a value is no seam there
    "m.go": """
package m

type Command struct{ width int }

func (c *Command) createHelp() *Help { return &Help{width: c.width} }

func (c *Command) HelpText() string { return c.createHelp().Format() }
""",
}


@pytest.mark.parametrize("path", sorted(FACTORY_METHODS))
def test_an_overridable_factory_method_the_class_calls_is_an_extension_point(path):
    found = structure([(path, FACTORY_METHODS[path])]).extension_points
    if path.endswith(".go"):
        assert found == []
    else:
        name = "create_help" if path.endswith(".py") else "createHelp"
        assert found == [f"Command.{name} (factory method of Help)"]


def test_calls_through_a_parameter_of_the_class_itself_join_methods_for_lcom4():
    # commander 7's Help passes itself as `helper`: its methods call each other through it
    typed = src(
        """
        class Help:
            def __init__(self):
                self.sort_options = False
                self.sort_commands = False

            def options(self, cmd):
                return sorted(cmd.options) if self.sort_options else cmd.options

            def commands(self, cmd):
                return sorted(cmd.commands) if self.sort_commands else cmd.commands

            def format(self, cmd, helper: "Help"):
                return helper.options(cmd) + helper.commands(cmd)
        """
    )
    assert structure([("m.py", typed)]).lcom4 == {"Help": 1}
    untyped = typed.replace('helper: "Help"', "helper")
    assert structure([("m.py", untyped)]).lcom4 == {"Help": 2}
    jsdoc = """
class Help {
  constructor() { this.sortOptions = false; this.sortCommands = false; }
  options(cmd) { return this.sortOptions ? cmd.options.slice().sort() : cmd.options; }
  commands(cmd) { return this.sortCommands ? cmd.commands.slice().sort() : cmd.commands; }
  /**
   * @param {Command} cmd
   * @param {Help} helper
   */
  format(cmd, helper) { return helper.options(cmd).concat(helper.commands(cmd)); }
}
"""
    assert structure([("m.js", jsdoc)]).lcom4 == {"Help": 1}
    assert structure([("m.js", jsdoc.replace("{Help}", "{Other}"))]).lcom4 == {"Help": 2}


def test_deleting_a_trivial_unit_does_not_raise_the_mean_but_a_harder_merge_still_costs():
    # pydantic-core 2.x deleted PydanticUndefinedType::py_undefined and read a stored field
    today = src(
        """
        def undefined():
            return make_undefined()


        def validate(value, default):
            if value is undefined():
                if default is None:
                    return None
                return default
            return value
        """
    )
    deleted = src(
        """
        def validate(value, default, undefined):
            if value is undefined:
                if default is None:
                    return None
                return default
            return value
        """
    )
    result = assess(Simplicity(), {"m.py": deleted}, problem_for("m.py", today))
    assert result.raw["after"]["cognitive_mean"] <= result.raw["before"]["cognitive_mean"], result.raw["explain"]
    assert "over today's 2" in result.raw["explain"]
    # inlining into a harder unit: fewer units, but the worst unit grows
    merged = deleted.replace("\n    return value", "\n    for step in value:\n        if step:\n            return step\n    return value")
    assert merged != deleted
    worse = assess(Simplicity(), {"m.py": merged}, problem_for("m.py", today))
    assert worse.score < 0.5, worse.raw["explain"]


def test_a_concrete_collaborator_passed_in_whose_behaviour_is_used_is_an_extension_point():
    # Feathers' Parameterize Constructor: a subclass or a stand-in can replace what is passed in
    source = src(
        """
        class TripDAO:
            def trips_by(self, user):
                if user is None:
                    raise ValueError(user)
                return find_trips(user)


        class Money:
            def __init__(self, amount):
                self.amount = amount

            def value(self):
                return self.amount


        class TripService:
            def __init__(self, dao: TripDAO, price: Money):
                self.dao = dao
                self.price = price

            def trips(self, user):
                return [self.dao.trips_by(user), self.price.value()]
        """
    )
    assert structure([("m.py", source)]).extension_points == ["TripService.dao (injected)"]
    # only an accessor called on it (Money.value): a value passed in, not a collaborator
    unused = source.replace("self.dao.trips_by(user)", "user")
    assert structure([("m.py", unused)]).extension_points == []
    go = """package m

type TripDAO struct{ db int }

func (d *TripDAO) TripsBy(user string) []string {
	if user == "" {
		return nil
	}
	return find(d.db, user)
}

type TripService struct{ dao *TripDAO }

func NewTripService(dao *TripDAO) *TripService { return &TripService{dao: dao} }

func (s *TripService) Trips(user string) []string { return s.dao.TripsBy(user) }
"""
    # Go has no subclasses: a concrete struct passed in cannot be replaced
    assert structure([("m.go", go)]).extension_points == []
