"""Extract function: the blocks of a long function become functions named from their
comments and the values they compute, and the function computes exactly what it did."""

from __future__ import annotations

import pytest
from catalog_code import dedent, load, target

from divergent.explorers.catalog import extract
from divergent.explorers.catalog.explorer import compiles


INVOICE = dedent(
    '''
    def invoice(lines, rates, customer):
        """An invoice as text."""
        total = 0
        points = 0
        out = "Invoice for " + customer + "\\n"

        for line in lines:
            rate = rates[line["kind"]]
            if rate["band"] == "gold":
                cost = 100
                if line["qty"] > 10:
                    cost += 5 * (line["qty"] - 10)
            elif rate["band"] == "silver":
                cost = 60
                cost += 2 * line["qty"]
            else:
                raise ValueError(rate["band"])

            # loyalty points for big orders
            if line["qty"] > 20:
                points += line["qty"] // 10
                points += 1
            out += f"  {line['kind']}: {cost}\\n"
            total += cost

        out += f"Total {total}, {points} points\\n"
        return out
    '''
)

LINES = [{"kind": "a", "qty": 30}, {"kind": "b", "qty": 3}, {"kind": "a", "qty": 12}]
RATES = {"a": {"band": "gold"}, "b": {"band": "silver"}}


def test_blocks_become_functions_named_for_their_comment_and_value():
    new = extract.rewrite(INVOICE, target("invoice", "function")).source
    assert "cost = _cost_for(rate, line)" in new
    assert "points = _loyalty_points_big_orders(line, points)" in new
    assert '"""Loyalty points for big orders."""' in new
    old, fresh = load(INVOICE)["invoice"], load(new)["invoice"]
    assert fresh(LINES, RATES, "ada") == old(LINES, RATES, "ada")
    with pytest.raises(ValueError, match="bronze"):
        fresh([{"kind": "c", "qty": 1}], {"c": {"band": "bronze"}}, "ada")


def test_a_block_that_reads_self_becomes_a_method():
    source = dedent(
        """
        class Counter:
            def __init__(self):
                self.seen = {}
                self.limit = 3

            def feed(self, words):
                kept = []
                for word in words:
                    word = word.strip().lower()
                    if not word:
                        continue
                    # count the word and remember the first ones
                    self.seen[word] = self.seen.get(word, 0) + 1
                    if len(kept) < self.limit:
                        kept.append(word)
                    kept.sort()
                total = sum(self.seen.values())
                return kept, total
        """
    )
    new = extract.rewrite(source, target("Counter.feed", "method")).source
    assert "self._count_word_remember_first(word, kept)" in new
    assert "    def _count_word_remember_first(self, word, kept):" in new
    old, fresh = load(source)["Counter"](), load(new)["Counter"]()
    for batch in (["a", " B", "", "c", "a"], ["d", "a"]):
        assert fresh.feed(batch) == old.feed(batch)
    assert fresh.seen == old.seen


PADDING = "".join(f"    a{i} = x + {i}\n" for i in range(10))


@pytest.mark.parametrize(
    "block",
    [
        # returns from the middle: the caller would go on
        "    # check it\n    if x > 100:\n        y = 1\n        z = 2\n        return y + z\n",
        # binds y on one path only, and y is read later without being bound before
        "    # maybe set it\n    if x > 100:\n        y = 1\n        z = 2\n        print(z)\n",
        # breaks out of the loop around it
        "    for i in range(x):\n        # take one\n        y = i\n        break\n",
        # a nested function would close over a different variable
        "    # remember\n    def get():\n        return x\n    x = x + 1\n",
    ],
)
def test_blocks_that_cannot_move_stay(block):
    source = f"def f(x):\n{PADDING}{block}{PADDING}    return y\n"
    compile(source, "m.py", "exec")
    assert extract.rewrite(source, target("f", "function")) is None


def test_short_functions_are_left_alone():
    source = "def f(x):\n    # double it\n    y = x * 2\n    z = y + 1\n    return z\n"
    assert extract.rewrite(source, target("f", "function")) is None


def test_a_block_duplicated_across_methods_becomes_one_function():
    source = dedent(
        """
        class Orders:
            def __init__(self):
                self.lines = []

            def add(self, sku, quantity, price):
                if quantity <= 0:
                    raise ValueError("quantity must be positive")
                total = round(quantity * price, 2)
                self.lines.append((sku, quantity, total))
                return total

            def replace(self, index, sku, quantity, price):
                if quantity <= 0:
                    raise ValueError("quantity must be positive")
                total = round(quantity * price, 2)
                self.lines[index] = (sku, quantity, total)
                return total
        """
    )
    from divergent.explorers.catalog import duplicates

    new = duplicates.rewrite(source, target("Orders", "class")).source
    assert new.count("total = _total_for(quantity, price)") == 2
    assert new.count("def _total_for(quantity, price):") == 1
    old, fresh = load(source)["Orders"](), load(new)["Orders"]()
    assert fresh.add("a", 2, 1.255) == old.add("a", 2, 1.255)
    assert fresh.replace(0, "b", 3, 2.0) == old.replace(0, "b", 3, 2.0) and fresh.lines == old.lines
    with pytest.raises(ValueError, match="positive"):
        fresh.replace(0, "c", 0, 1.0)


def test_new_methods_stay_in_the_class_when_functions_follow_it():
    # the last method gets a new function first, then a new method, both at the class's last line
    source = dedent(
        """
        class Wrap:
            width = 10

            def lines(self, words):
                out = []
                for word in words:
                    # clean the word
                    word = word.strip()
                    word = word.replace("_", " ")
                    word = word.lower()
                    # pad it to the width
                    size = len(word)
                    word = word.ljust(self.width)
                    out.append((word, size))
                out.sort()
                return out
        """
    )
    new = extract.rewrite(source, target("Wrap", "class")).source
    assert "    def _pad_width(self, word, out):" in new and "\ndef _clean_word(word):" in new
    assert new.index("def _pad_width") < new.index("def _clean_word")
    assert load(new)["Wrap"]().lines(["a ", "b_C"]) == load(source)["Wrap"]().lines(["a ", "b_C"])


@pytest.mark.parametrize(
    "comment, name",
    [
        ("# loyalty points for big orders", "loyalty_points_big_orders"),
        ("# stop reading if we went past the last line", "stop_reading"),
        ("# add a bonus for every ten guests", "add_bonus"),
        ("# type: ignore", None),
    ],
)
def test_a_comment_names_its_action_not_its_condition(comment, name):
    from divergent.explorers.catalog.naming import from_comment

    assert from_comment(comment) == name


def test_an_elif_is_not_taken_for_a_statement_of_its_own():
    branches = "".join(
        f'    elif kind == "{k}":\n        xs = [x.strip() for x in xs]\n        pad = "{k}"\n' for k in "abcdef"
    )
    source = (
        "def pick(kind, xs):\n"
        '    if kind == "z":\n        pad = "z"\n'
        f"{branches}"
        "    elif not kind:\n        pad = None\n"
        "    else:\n        xs = [x.strip() for x in xs]\n        pad = kind\n"
        "    return xs, pad\n"
    )
    result = extract.rewrite(source, target("pick", "function"))
    assert result is None or compiles(result.source, "m.py")
    if result is not None:
        assert load(result.source)["pick"]("q", [" a "]) == load(source)["pick"]("q", [" a "])


def test_a_block_that_adds_to_a_value_is_named_for_its_test_not_the_value():
    cells = "\n".join(f"        n{i} = len(cell) + {i}" for i in range(8))
    source = (
        "def draw(cells, align):\n"
        '    out = ""\n'
        "    for cell in cells:\n"
        f"{cells}\n"
        '        if align == "r":\n            out += " " * n1 + cell\n'
        '        elif align == "c":\n            out += " " * n1 + cell + " " * n1\n'
        "        else:\n            out += cell + \" \" * n1\n"
        "    return out\n"
    )
    new = extract.rewrite(source, target("draw", "function")).source
    assert "out = _draw_by_align(align, out, n1, cell)" in new
    assert load(new)["draw"](["ab", "c"], "c") == load(source)["draw"](["ab", "c"], "c")
