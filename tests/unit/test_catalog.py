"""The catalog moves on small code: what they change, what they refuse, and that the
rewritten code behaves exactly as the original on the same calls."""

from __future__ import annotations

import asyncio

import pytest
from catalog_code import SHAPES, dedent, load, target

from divergent.context.parsing import parse
from divergent.explorers.base import EXPLORERS, ExploreRequest
from divergent.explorers.catalog import extract_protocol, handlers, inject, lift, parameter_object
from divergent.explorers.catalog.explorer import plans
from divergent.model import Problem


def test_registry_replaces_the_chain_and_keeps_behaviour():
    result = handlers.rewrite(SHAPES, target("Shapes", "class"))
    assert result is not None
    new = result.source
    assert "elif" not in new
    assert '"circle": _area_circle' in new and '"disc": _area_circle' in new
    assert "def _area_square(shapes, size):" in new  # self renamed; only the parameters used
    old_cls, new_cls = load(SHAPES)["Shapes"], load(new)["Shapes"]
    for kind in ("square", "circle", "disc", "triangle"):
        assert new_cls(3).area(kind, 4) == old_cls(3).area(kind, 4)
    with pytest.raises(ValueError, match="hexagon"):
        new_cls().area("hexagon", 1)


def test_registry_without_else_returns_none_for_unknown_keys():
    source = dedent(
        """
        def label(code):
            if code == 1:
                return "one"
            elif code == 2:
                return "two"
            elif code == 3:
                return "three"
        """
    )
    new = handlers.rewrite(source, target("label", "function")).source
    fn = load(new)["label"]
    assert [fn(1), fn(2), fn(3), fn(4)] == ["one", "two", "three", None]


@pytest.mark.parametrize(
    "body",
    [
        # two cases only: not worth a registry
        'if k == "a":\n        return 1\n    elif k == "b":\n        return 2',
        # different discriminators
        'if k == "a":\n        return 1\n    elif j == "b":\n        return 2\n    elif k == "c":\n        return 3',
        # a case binds the value the rest reads on some paths only
        'if k == "a":\n        x = 1\n    elif k == "b":\n        if j:\n            x = 2\n    elif k == "c":\n        x = 3\n    return x',
        # a case leaves the loop around it
        'for x in j:\n        if k == "a":\n            y = 1\n        elif k == "b":\n            break\n        elif k == "c":\n            y = 3\n    return y',
        # a generator: handlers would change what the function is
        'if k == "a":\n        yield 1\n    elif k == "b":\n        yield 2\n    elif k == "c":\n        yield 3',
    ],
)
def test_registry_refuses_what_it_cannot_preserve(body):
    source = f"def f(k, j=None):\n    {body}\n"
    assert parse(source).root_node.has_error is False
    assert handlers.rewrite(source, target("f", "function")) is None


LIFTABLE = dedent(
    '''
    PI = 3


    class Geometry:
        def __init__(self, unit):
            self.unit = unit

        def circumference(self, r, *, exact=False):
            """Around a circle."""
            return 2 * (3.14159 if exact else PI) * r

        def PI(self):
            return 3

        def label(self, value):
            return f"{value} {self.unit}"

        def total(self, *values, **options):
            return sum(values) * options.get("factor", 1)
    '''
)


def test_lift_moves_self_free_methods_and_keeps_delegates():
    new = lift.rewrite(LIFTABLE, target("Geometry", "class")).source
    module = load(new)
    assert "def circumference(r, *, exact=False):" in new
    assert "def total(*values, **options):" in new
    assert "def PI_2():" in new  # the module already binds PI
    assert "def label(" not in new.split("class Geometry")[0] + new.split("return f\"{value}")[-1]
    g_old, g_new = load(LIFTABLE)["Geometry"]("cm"), module["Geometry"]("cm")
    assert g_new.circumference(2) == g_old.circumference(2)
    assert g_new.circumference(2, exact=True) == g_old.circumference(2, exact=True)
    assert g_new.total(1, 2, factor=3) == g_old.total(1, 2, factor=3) == 9
    assert g_new.PI() == 3 and module["PI"] == 3
    assert g_new.label(4) == "4 cm"
    assert module["circumference"].__doc__ == "Around a circle."


def test_lift_leaves_methods_that_use_super_or_self():
    source = dedent(
        """
        class A:
            def name(self):
                return "a"

        class B(A):
            def name(self):
                return super().name() + "b"

            def me(self):
                return self
        """
    )
    assert lift.rewrite(source, target("B", "class")) is None


def test_protocol_lists_public_methods_only():
    new = extract_protocol.rewrite(SHAPES + "\n    def perimeter(self, size):\n        return 4 * size\n\n    def _hidden(self):\n        return 0\n", target("Shapes", "class")).source
    assert new.index("class ShapesProtocol(Protocol):") < new.index("class Shapes:")
    assert "from typing import Protocol" in new
    proto = new[new.index("class ShapesProtocol") : new.index("class Shapes:")]
    assert "def area(self, kind, size): ..." in proto and "def perimeter(self, size): ..." in proto
    assert "_hidden" not in proto and "__init__" not in proto
    module = load(new)
    assert module["Shapes"]().perimeter(2) == 8


def test_inject_adds_a_parameter_with_the_old_construction_as_default():
    source = dedent(
        """
        import sqlite3


        class Repo:
            def __init__(self, path, **options):
                self.db = sqlite3.connect(path)
                self.cache = dict()
                self.options = options
        """
    )
    new = inject.rewrite(source, target("Repo", "class")).source
    assert "def __init__(self, path, db=None, **options):" in new
    assert "self.db = db if db is not None else sqlite3.connect(path)" in new
    assert "self.cache = dict()" in new  # a builtin is no collaborator
    Repo = load(new)["Repo"]
    default = Repo(":memory:", flag=1)
    assert default.db.execute("select 1").fetchone() == (1,) and default.options == {"flag": 1}
    marker = object()
    assert Repo(":memory:", db=marker).db is marker


def test_parameter_object_packs_arguments_and_keeps_the_signature():
    source = dedent(
        '''
        class Mailer:
            def send(self, to, subject, body, cc=None, urgent=False, retries=3):
                """Send one message."""
                if urgent:
                    subject = "URGENT: " + subject
                retries += 1
                return (to, subject, body, cc, urgent, retries, [x for x in range(retries)][-1])
        '''
    )
    new = parameter_object.rewrite(source, target("Mailer", "class")).source
    assert "class SendParams:" in new and "@dataclass" in new
    assert "urgent: bool = False" in new and "retries: int = 3" in new and "cc: Any = None" in new
    assert "def send_with(self, params: SendParams):" in new
    old, fresh = load(source)["Mailer"](), load(new)["Mailer"]()
    for args, kwargs in [(("a", "s", "b"), {}), (("a", "s", "b", ["c"]), {"urgent": True, "retries": 0})]:
        assert fresh.send(*args, **kwargs) == old.send(*args, **kwargs)


def test_parameter_object_refuses_names_that_must_stay_plain():
    source = dedent(
        """
        def total(a, b, c, d, e, f):
            return sum(v for a in [b, c] for v in [a, d, e, f])
        """
    )
    assert parameter_object.rewrite(source, target("total", "function")) is None


def test_plans_pair_moves_and_every_result_parses():
    result = plans(SHAPES + "\n\n" + RATES, target(None, "module"))
    names = ["+".join(m.name for m in moves) for moves, _ in result]
    assert names == ["registry", "polymorphism", "table", "protocol", "registry+polymorphism"]  # the protocol alone
    for _, rewrites in result:
        assert not parse(rewrites[-1].source).root_node.has_error


RATES = dedent(
    """
    def rate(band):
        if band == "gold":
            return 0.2
        elif band == "silver":
            return 0.1
        elif band == "bronze":
            return 0.05
        return 0.0
    """
)


def test_catalog_is_found_by_name_and_honours_the_count():
    problem = Problem(target=target("Shapes", "class"), files={"m.py": SHAPES})
    explorer = EXPLORERS.create("catalog")

    async def collect():
        return [c async for c in explorer.propose(ExploreRequest(problem, count=2))]

    candidates = asyncio.run(collect())
    assert [c.choices["moves"] for c in candidates] == ["registry", "polymorphism"]
    assert all(c.explorer == "catalog" and set(c.files) == {"m.py"} for c in candidates)


def test_protocol_stub_survives_a_comment_after_the_colon():
    source = dedent(
        """
        class Greeter:
            def hello(self, name): # says hello
                return "hello " + name

            def bye(self):
                # says bye
                return "bye"
        """
    )
    new = extract_protocol.rewrite(source, target("Greeter", "class")).source
    compile(new, "m.py", "exec")
    assert "def hello(self, name): ..." in new and "def bye(self): ..." in new
    assert load(new)["Greeter"]().hello("ada") == "hello ada"


def test_registry_over_a_match_after_other_statements():
    source = dedent(
        '''
        def price(kind, amount, rate=2):
            """The price of one line."""
            base = amount * rate
            match kind:
                case "book" | "paper":
                    return base
                case "food":
                    return round(base * 1.1, 2)
                case "toy":
                    extra = 3
                    return base + extra
                case _:
                    raise KeyError(kind)
        '''
    )
    new = handlers.rewrite(source, target("price", "function")).source
    assert "match" not in new and '"paper": _price_book' in new
    assert "def _price_toy(base):" in new  # the case reads only what was bound before it
    old, fresh = load(source)["price"], load(new)["price"]
    for kind in ("book", "paper", "food", "toy"):
        assert fresh(kind, 3) == old(kind, 3)
    with pytest.raises(KeyError):
        fresh("car", 1)


def test_registry_over_enum_members_with_a_fallback_after_the_chain():
    source = dedent(
        """
        import enum


        class Offer(enum.Enum):
            THREE_FOR_TWO = 1
            TEN_PERCENT = 2
            BUNDLE = 3
            NONE = 4


        def discount(offer, price, quantity):
            if offer.kind == Offer.THREE_FOR_TWO:
                return price * (quantity // 3)
            elif offer.kind == Offer.TEN_PERCENT:
                return price * quantity * 0.1
            elif offer.kind == Offer.BUNDLE:
                return 5.0
            return 0.0
        """
    )
    new = handlers.rewrite(source, target("discount", "function")).source
    assert "Offer.TEN_PERCENT: _discount_ten_percent," in new
    module, old = load(new), load(source)
    for kind in ("THREE_FOR_TWO", "TEN_PERCENT", "BUNDLE", "NONE"):
        new_offer = type("O", (), {"kind": module["Offer"][kind]})()
        old_offer = type("O", (), {"kind": old["Offer"][kind]})()
        assert module["discount"](new_offer, 2.0, 7) == old["discount"](old_offer, 2.0, 7)


def test_registry_over_identity_with_builtin_types():
    source = dedent(
        """
        def show(value, kind, digits):
            if value is None:
                return ""
            if kind is int:
                return str(value)
            elif kind is float:
                return f"{value:.{digits}f}"
            elif kind is bytes:
                return value.decode()
            else:
                return repr(value)
        """
    )
    new = handlers.rewrite(source, target("show", "function")).source
    assert "int: _show_int," in new and "def _show_float(value, digits):" in new
    old, fresh = load(source)["show"], load(new)["show"]
    for args in [(None, int, 1), (3, int, 1), (2.5, float, 2), (b"x", bytes, 0), ("s", str, 0)]:
        assert fresh(*args) == old(*args)


def test_registry_refuses_keys_that_are_the_same_value():
    source = 'def f(k):\n    if k == "a":\n        return 1\n    elif k == \'a\':\n        return 2\n    elif k == "b":\n        return 3\n'
    assert handlers.rewrite(source, target("f", "function")) is None


def test_protocol_import_goes_after_a_multiline_import():
    source = dedent(
        '''
        """Tools."""
        from os.path import (
            join,
            sep,
        )


        class Paths:
            def both(self, a, b):
                return join(a, b) + sep
        '''
    )
    new = extract_protocol.rewrite(source, target("Paths", "class")).source
    compile(new, "m.py", "exec")
    assert new.index("from typing import Protocol") > new.index("    sep,\n)")
