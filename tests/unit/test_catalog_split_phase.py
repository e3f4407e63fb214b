"""Split phase: the statements that compute come apart from the ones that render, with a
record between them, and the function returns (and raises) exactly what it did."""

from __future__ import annotations

import pytest
from catalog_code import SHAPES, dedent, load, target

from divergent.explorers.catalog import split_phase
from divergent.explorers.catalog.explorer import compiles, plans

RECEIPT = dedent(
    '''
    def receipt(items, tax_rate, width=10):
        """A receipt as text."""
        subtotal = sum(item["price"] * item["qty"] for item in items)
        # tax is rounded once, on the whole
        tax = round(subtotal * tax_rate, 2)
        count = sum(item["qty"] for item in items)

        # one line per item, then the sums
        lines = [f"{count} items"]
        for item in items:
            lines.append(f"{item['name']:<{width}} {item['price'] * item['qty']:>8.2f}")
        lines.append(f"{'tax':<{width}} {tax:>8.2f}")
        lines.append(f"{'total':<{width}} {subtotal + tax:>8.2f}")
        return "\\n".join(lines)
    '''
)
ITEMS = [{"name": "tea", "price": 2.5, "qty": 4}, {"name": "cake", "price": 3.0, "qty": 1}]

BOARD = dedent(
    '''
    class Board:
        def __init__(self, cells):
            self.cells = cells

        def show(self, blank="."):
            if not self.cells:
                return ""
            width = max(len(row) for row in self.cells)
            filled = sum(1 for row in self.cells for cell in row if cell)
            out = f"{filled} filled\\n"
            for row in self.cells:
                out += "".join(cell or blank for cell in row).ljust(width, blank) + "\\n"
            return out
    '''
)


def test_a_function_becomes_its_data_then_its_rendering():
    new = split_phase.rewrite(RECEIPT, target("receipt", "function")).source
    assert compiles(new, "m.py")
    assert "    data = _receipt_data(items, tax_rate)\n    return _render_receipt(data, items, width)\n" in new
    assert "return _ReceiptData(subtotal, tax, count)" in new
    assert "@dataclass(frozen=True)\nclass _ReceiptData:" in new and "    tax: Any\n" in new
    assert 'lines = [f"{data.count} items"]' in new and "{data.subtotal + data.tax:>8.2f}" in new
    assert "# one line per item, then the sums\n    lines = " in new.split("def _render_receipt")[1]
    old, fresh = load(RECEIPT)["receipt"], load(new)["receipt"]
    assert fresh(ITEMS, 0.2) == old(ITEMS, 0.2) and fresh([], 0.1, 4) == old([], 0.1, 4)
    with pytest.raises(KeyError):
        fresh([{"name": "x"}], 0.2)


def test_a_method_keeps_its_guard_and_both_phases_are_methods():
    new = split_phase.rewrite(BOARD, target("Board.show", "method")).source
    assert compiles(new, "m.py")
    shown = new.split("def show")[1].split("def ")[0]
    assert 'if not self.cells:\n            return ""\n        data = self._show_data()\n' in shown
    assert "return self._render_show(data, blank)" in shown
    assert "def _render_show(self, data, blank):" in new and "ljust(data.width, blank)" in new
    for cells in ([["x", None], ["y"]], [], [[None]]):
        for blank in (".", "_"):
            old, fresh = load(BOARD)["Board"](cells), load(new)["Board"](cells)
            assert fresh.show(blank) == old.show(blank)


@pytest.mark.parametrize(
    "body",
    [
        # the output is started before anything is computed: the phases are interleaved
        'out = ""\n    total = 0\n    for r in rows:\n        total += r\n        out += f"{r} "\n    out += str(total)\n    return out',
        # a value bound on some paths only: the record could not be built on the others
        'if rows:\n        first = rows[0]\n    count = len(rows)\n    out = f"{count}"\n    if rows:\n        out += str(first)\n    return out',
        # the rendering rebinds a computed value: its reads cannot all become data.x
        'total = sum(rows)\n    count = len(rows)\n    out = ""\n    total = total * 2\n    out += str(total / count)\n    return out',
        # nothing is computed worth a record
        'sep = ","\n    out = sep.join(rows)\n    return out',
        # one computed value is an argument, not a record
        'total = sum(rows)\n    out = f"{total}"\n    out += "."\n    return out',
        # the second phase builds data, not text
        'total = sum(rows)\n    count = len(rows)\n    out = []\n    out.append(total / count)\n    return out',
    ],
    ids=["interleaved", "half-bound", "rebound", "trivial", "one-value", "not-text"],
)
def test_split_phase_refuses_what_it_cannot_split(body):
    assert split_phase.rewrite(f"def f(rows):\n    {body}\n", target("f", "function")) is None


def test_the_explorer_offers_split_phase_and_never_pairs_the_protocol():
    found = plans(RECEIPT, target("receipt", "function"))
    assert any([m.name for m in moves] == ["split-phase"] for moves, _ in found)
    module = SHAPES + "\n\n" + BOARD
    every = plans(module, target(None, "module"))
    assert any(m.name == "protocol" for moves, _ in every for m in moves)
    assert all(len(moves) == 1 for moves, _ in every if any(m.name == "protocol" for m in moves))
