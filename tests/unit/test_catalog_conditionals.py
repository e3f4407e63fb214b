"""The catalog's moves on conditionals: a table for literal lookups, named predicates for
compound conditions, and a strategy class per case. Each keeps behaviour on the same calls."""

from __future__ import annotations

import pytest
from catalog_code import SHAPES, dedent, load, target

from divergent.explorers.catalog import decompose, handlers, polymorphism, subclasses, table
from divergent.explorers.catalog.explorer import compiles


def test_table_replaces_returned_literals_and_keeps_the_default():
    source = dedent(
        """
        def symbol(currency):
            if currency == "EUR":
                return "€"
            elif currency in ("USD", "CAD"):
                return "$"
            elif currency == "GBP":
                return "£"
            else:
                return "?"
        """
    )
    new = table.rewrite(source, target("symbol", "function")).source
    assert "return _SYMBOL_BY_CURRENCY.get(currency, \"?\")" in new
    assert '"CAD": "$",' in new and "elif" not in new
    old, fresh = load(source)["symbol"], load(new)["symbol"]
    assert [fresh(c) for c in ("EUR", "USD", "CAD", "GBP", "JPY")] == [old(c) for c in ("EUR", "USD", "CAD", "GBP", "JPY")]


def test_table_for_an_assigned_name_inside_a_longer_function():
    source = dedent(
        """
        def width(kind, text):
            text = text.strip()
            match kind:
                case "narrow":
                    size = 10
                case "normal":
                    size = 20
                case "wide":
                    size = 40
                case _:
                    raise ValueError(kind)
            return text[:size]
        """
    )
    new = table.rewrite(source, target("width", "function")).source
    assert "if kind in _SIZE_BY_KIND:\n        size = _SIZE_BY_KIND[kind]\n    else:\n        raise ValueError(kind)" in new
    old, fresh = load(source)["width"], load(new)["width"]
    for kind in ("narrow", "normal", "wide"):
        assert fresh(kind, " x" * 30) == old(kind, " x" * 30)
    with pytest.raises(ValueError):
        fresh("huge", "x")


def test_table_leaves_mutable_or_computed_values():
    source = dedent(
        """
        def parts(kind, n):
            if kind == "a":
                return []
            elif kind == "b":
                return [n]
            elif kind == "c":
                return n * 2
        """
    )
    assert table.rewrite(source, target("parts", "function")) is None


def test_decompose_names_compound_conditions_once():
    source = dedent(
        """
        def age(item):
            if item.name != "Aged Brie" and item.name != "Backstage passes to a concert":
                item.quality -= 1
            if item.quality > 50 or item.quality < 0:
                item.quality = 0
            if item.name != "Aged Brie" and item.name != "Backstage passes to a concert":
                item.sell_in -= 1
            return item
        """
    )
    new = decompose.rewrite(source, target("age", "function")).source
    assert new.count("if _neither_aged_brie_nor_backstage_passes(item):") == 2
    assert new.count("def _neither_aged_brie_nor_backstage_passes(item):") == 1
    assert "def _quality_above_or_quality_below(item):" in new

    class Item:
        def __init__(self, name, quality):
            self.name, self.quality, self.sell_in = name, quality, 5

    old, fresh = load(source)["age"], load(new)["age"]
    for name, quality in [("Aged Brie", 3), ("Other", 60), ("Other", 0)]:
        a, b = old(Item(name, quality)), fresh(Item(name, quality))
        assert (a.quality, a.sell_in) == (b.quality, b.sell_in)


def test_decompose_in_a_method_keeps_self_and_parentheses():
    source = dedent(
        """
        class Hunk:
            def __init__(self, end):
                self.end = end

            def check(self, source_no, target_no):
                if (source_no > self.end or
                        target_no > self.end):
                    raise ValueError("too long")
                return True
        """
    )
    new = decompose.rewrite(source, target("Hunk", "class")).source
    assert "if self._source_no_above_end_or_target_no_above(source_no, target_no):" in new
    fresh = load(new)["Hunk"](3)
    assert fresh.check(1, 2)
    with pytest.raises(ValueError):
        fresh.check(1, 4)


def test_polymorphism_a_subclass_per_case_and_a_factory():
    new = polymorphism.rewrite(SHAPES, target("Shapes", "class")).source
    assert "class _AreaStrategy:" in new and "class _SquareArea(_AreaStrategy):" in new
    assert "return _area_strategy(kind).area(self, kind, size)" in new
    assert "    def area(self, shapes, kind, size):\n        raise ValueError(kind)" in new  # the else reads kind
    assert '"disc": _CircleArea(),' in new
    old_cls, new_cls = load(SHAPES)["Shapes"], load(new)["Shapes"]
    for kind in ("square", "circle", "disc", "triangle"):
        assert new_cls(3).area(kind, 4) == old_cls(3).area(kind, 4)
    with pytest.raises(ValueError, match="hexagon"):
        new_cls().area("hexagon", 1)


def test_polymorphism_with_a_fallback_after_the_chain():
    source = dedent(
        """
        def render(kind, rows):
            rows = list(rows)
            if kind == "csv":
                return ",".join(rows)
            elif kind == "lines":
                return "\\n".join(rows)
            elif kind == "count":
                return str(len(rows))
            raise ValueError(f"unknown {kind}")
        """
    )
    new = polymorphism.rewrite(source, target("render", "function")).source
    assert "strategy = _render_strategy(kind)" in new
    old, fresh = load(source)["render"], load(new)["render"]
    for kind in ("csv", "lines", "count"):
        assert fresh(kind, "ab") == old(kind, "ab")
    with pytest.raises(ValueError, match="unknown pdf"):
        fresh("pdf", [])


SHAPE = dedent(
    '''
    import math


    class Shape:
        """A shape by its kind."""

        def __init__(self, kind, size=1.0):
            self.kind = kind
            self.size = size

        def area(self):
            if self.kind == "square":
                return self.size ** 2
            elif self.kind in ("circle", "disc"):
                return math.pi * self.size ** 2
            elif self.kind == "triangle":
                return self.size ** 2 * math.sqrt(3) / 4
            else:
                raise ValueError(self.kind)

        def corners(self):
            match self.kind:
                case "square":
                    return 4
                case "triangle":
                    return 3
                case _:
                    return 0
    '''
)


def test_subclasses_per_type_code_and_the_constructor_still_works():
    new = subclasses.rewrite(SHAPE, target("Shape", "class")).source
    assert "class SquareShape(Shape):" in new and "class DiscShape(Shape):" in new
    assert "def __new__(cls, *args, **kwargs):" in new
    module, old = load(new), load(SHAPE)
    for kind in ("square", "circle", "disc", "triangle", "blob"):
        for args, kwargs in [((kind,), {}), ((kind, 2.0), {}), ((), {"kind": kind, "size": 3.0})]:
            fresh, before = module["Shape"](*args, **kwargs), old["Shape"](*args, **kwargs)
            assert fresh.corners() == before.corners() and fresh.kind == before.kind
            if kind == "blob":
                with pytest.raises(ValueError):
                    fresh.area()
                assert type(fresh) is module["Shape"]
            else:
                assert fresh.area() == before.area() and isinstance(fresh, module["Shape"])
    assert type(module["Shape"]("circle")).__name__ == "CircleShape"
    import copy, pickle
    assert copy.copy(module["Shape"]("disc", 2.0)).area() == old["Shape"]("disc", 2.0).area()


def test_subclasses_refused_when_the_code_can_change():
    changing = SHAPE + "\n    def grow(self):\n        self.kind = \"square\"\n"
    assert subclasses.rewrite(changing, target("Shape", "class")) is None


INVOICE = dedent(
    '''
    def invoice(lines, rates):
        total = 0
        gold = 0
        for line in lines:
            kind = line["kind"]
            if kind == "gold":
                cost = rates["gold"] * line["qty"]
                gold += 1
            elif kind == "silver":
                cost = rates["silver"] * line["qty"]
            elif kind == "free":
                cost = 0
            else:
                raise ValueError(kind)
            total += cost
        return total, gold
    '''
)
RATES = {"gold": 5, "silver": 2}
LINES = [{"kind": "gold", "qty": 2}, {"kind": "free", "qty": 9}, {"kind": "silver", "qty": 3}, {"kind": "gold", "qty": 1}]


@pytest.mark.parametrize("move", [handlers, polymorphism], ids=["registry", "polymorphism"])
def test_a_chain_in_a_loop_hands_its_values_on(move):
    new = move.rewrite(INVOICE, target("invoice", "function")).source
    assert compiles(new, "m.py")
    assert "cost, gold = " in new  # what the rest of the loop reads, from the chosen case
    assert "raise ValueError(kind)" in new.split("def invoice")[1].split("\n\n\n")[0]  # the else stays
    old, fresh = load(INVOICE)["invoice"], load(new)["invoice"]
    assert fresh(LINES, RATES) == old(LINES, RATES) == (21, 2)
    with pytest.raises(ValueError, match="bronze"):
        fresh([{"kind": "bronze", "qty": 1}], RATES)


def test_a_case_that_only_assigns_returns_the_value():
    source = dedent(
        '''
        def label(kind, n):
            if kind == "a":
                text = "alpha"
            elif kind == "b":
                text = "beta"
            elif kind == "c":
                text = f"gamma {n}"
            else:
                text = "?"
            return text.upper()
        '''
    )
    new = handlers.rewrite(source, target("label", "function")).source
    assert 'def _label_c(n):\n    return f"gamma {n}"' in new
    old, fresh = load(source)["label"], load(new)["label"]
    assert [fresh(k, 2) for k in "abcd"] == [old(k, 2) for k in "abcd"] == ["ALPHA", "BETA", "GAMMA 2", "?"]


def test_a_chain_of_actions_in_a_loop_calls_its_handler_in_place():
    source = dedent(
        '''
        def replay(events, log):
            seen = 0
            for event in events:
                kind = event["kind"]
                if kind == "open":
                    log.append("opened " + event["name"])
                elif kind == "close":
                    log.append("closed " + event["name"])
                elif kind == "move":
                    log.append(f"moved {event['name']} to {event['to']}")
                else:
                    log.append("?")
                seen += 1
            return seen
        '''
    )
    new = handlers.rewrite(source, target("replay", "function")).source
    assert "        if handler is not None:\n            handler(log, event)\n        else:\n" in new
    events = [{"kind": "open", "name": "a"}, {"kind": "move", "name": "a", "to": "b"}, {"kind": "x"}, {"kind": "close", "name": "a"}]
    old_log, new_log = [], []
    assert load(new)["replay"](events, new_log) == load(source)["replay"](events, old_log) == 4
    assert new_log == old_log
