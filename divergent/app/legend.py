"""What the candidate table's columns and marks mean: one source for the headers, the
legend under the table and the help screen.

Glyphs are ones every terminal font and the browser draw (no emoji).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int  # cells, one leading space included (the table has no padding of its own)
    meaning: str
    dimension: bool = False  # a critic's score, shown only when some candidate has one


COLUMNS = (
    Column("number", "#", 4, "the candidate's number; #0 is today's code"),
    Column("title", "design", 0, "the candidate's title (width: what the list can give)"),
    Column("cluster", "cl", 4, "its cluster: designs of the same shape (≈ before it: a near-duplicate)"),
    Column("overall", "all", 4, "overall: the weighted mean of the dimensions (w shows the weights)"),
    Column("delta", "Δ", 5, "overall minus today's overall"),
    Column("simplicity", "sim", 4, "simplicity: how much a reader must hold in mind", True),
    Column("extensibility", "ext", 4, "extensibility: where new behaviour plugs in", True),
    Column("change_cost", "chg", 4, "change cost: what the likely future changes would cost", True),
    Column("judge", "jdg", 4, "judge: the model's pairwise verdicts against today", True),
    Column("marks", "marks", 6, "the marks below"),
)
BY_KEY = {c.key: c for c in COLUMNS}
DIMENSIONS = tuple(c.key for c in COLUMNS if c.dimension)

FRONT, INVALID, UP, DOWN, PICKED, NEW = "◆", "×", "▲", "▼", "•", "*"
MARKS = (
    (FRONT, "on the Pareto front: no design beats it on every dimension"),
    (INVALID, "invalid: does not parse, or drops a name callers use (overall 0)"),
    (UP, "you marked it good (+)"),
    (DOWN, "you marked it bad (-)"),
    (PICKED, "picked with space (c combines two, v compares them)"),
    (NEW, "new: made by the last action"),
)
SORTED = "▼"  # before the header of the column the table is sorted by
FOLDED, OPEN = "▸", "▾"  # a cluster's header row: enter folds and unfolds it
NEAR = "≈"  # in the cl column, before the cluster: a near-duplicate of an earlier design of it
NEAR_MEANING = (
    "before the cluster (cl): a near-duplicate of an earlier design of that cluster; it inherits "
    "that design's test verdict and the cluster's model critics instead of paying for them (the Why pane says whose)"
)

SCORES = (
    "Scores run 0..1, higher is better; today's code scores .50 on the static dimensions. "
    "Green: better than today, red: worse. · : not scored."
)


def legend(columns: list[str], width: int) -> str:
    """One line: the marks, and the columns shown if ``width`` allows."""
    marks = f"{FRONT} front {INVALID} invalid {UP}{DOWN} marked {PICKED} picked {NEW} new · Δ vs today"
    names = " · ".join(f"{BY_KEY[k].header} {BY_KEY[k].meaning.split(':')[0]}" for k in columns if BY_KEY[k].dimension)
    full = " · ".join(part for part in (names, marks, "? help") if part)  # no names before the first score
    return full if len(full) <= width else f"{marks} · ? help" if len(marks) + 9 <= width else marks


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 candidate``, ``2 candidates``; ``many`` for irregular plurals."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"
