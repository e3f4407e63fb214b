"""The repo map: the files most related to the target, with their signatures, in a budget.

Files are ranked by a PageRank personalized to the target's file (the way aider ranks
its map) over a graph of references from the symbol index: a file that uses a name
another file defines links to it, weighted by how often (square root) and by the
name (a name many files define, or a private one, weighs a tenth, and one more than
twenty define draws no link; one of the target's public names weighs ten times more). Every link also runs back at half weight, so both the
code the target uses and the code that uses it rank. Each file shows the first lines
of its definitions, those whose names the neighbourhood uses first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from divergent.context.index import Definition
from divergent.model import ContextPart

RANKING = 1  # bump when what a kept ranking holds changes (graph, weights, pagerank, outlines): rankings are kept under it
DAMPING = 0.85
ITERATIONS = 30
COMMON = 5  # a name defined by more files than this says little about which one is meant
RARE = 20  # one defined by more than this, nothing: no link is drawn for it
MAX_LINES = 30  # signatures shown per file
MIN_ROOM = 40  # tokens: below this, no file's outline fits


@dataclass(frozen=True)
class Graph:
    edges: dict[str, dict[str, float]]  # from -> to -> weight


def name_weight(name: str, definers: int, focus: set[str]) -> float:
    weight = 1.0
    if name in focus:
        weight *= 10
    if name.startswith("_"):
        weight *= 0.1
    if definers > COMMON:
        weight *= 0.1
    return weight


def graph(refs: dict[str, dict[str, int]], defines: dict[str, set[str]], focus: set[str]) -> Graph:
    """``refs``: file -> name -> uses; ``defines``: name -> files defining it."""
    edges: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    weights = {name: name_weight(name, len(files), focus) for name, files in defines.items() if len(files) <= RARE}
    for source, names in refs.items():
        for name, uses in names.items():
            if name not in weights:
                continue
            definers = defines[name]
            weight = weights[name] * math.sqrt(uses)
            for target in definers:
                if target != source:
                    edges[source][target] += weight
                    edges[target][source] += weight / 2
    return Graph({k: dict(v) for k, v in edges.items()})


def pagerank(g: Graph, personal: dict[str, float]) -> dict[str, float]:
    """Personalized PageRank by power iteration (numpy); a node without links hands its rank
    back to ``personal``."""
    nodes = sorted(set(g.edges) | {t for out in g.edges.values() for t in out} | set(personal))
    at = {node: i for i, node in enumerate(nodes)}
    links = np.zeros((len(nodes), len(nodes)))
    for source, out in g.edges.items():
        for target, weight in out.items():
            links[at[target], at[source]] += weight
    totals = links.sum(axis=0)
    dangling = totals <= 0
    links[:, ~dangling] /= totals[~dangling]
    restart = np.array([personal.get(node, 0.0) for node in nodes])
    restart /= restart.sum() or 1.0
    rank = restart.copy()
    for _ in range(ITERATIONS):
        rank = (1 - DAMPING) * restart + DAMPING * (links @ rank + rank[dangling].sum() * restart)
    return {node: float(rank[i]) for node, i in at.items()}


def file_outline(defs: list[Definition], wanted: set[str]) -> str:
    """Signature lines in file order; past MAX_LINES, the definitions named in ``wanted`` win."""
    ordered = sorted(defs, key=lambda d: d.line)
    if len(ordered) > MAX_LINES:
        keep = {id(d) for d in sorted(ordered, key=lambda d: (d.name not in wanted, d.signature[:1].isspace(), d.line))[:MAX_LINES]}
        ordered = [d for d in ordered if id(d) in keep]
    return "\n".join(d.signature for d in ordered)


def outlines(ranks: dict[str, float], defs, wanted: set[str], skip: set[str]) -> list[tuple[str, float, str]]:
    """(path, rank, outline) of every file that has a rank and definitions, best first;
    ``defs(path)`` lists a file's definitions."""
    out = []
    for path, rank in sorted(ranks.items(), key=lambda kv: (-kv[1], kv[0])):
        found = defs(path) if path not in skip and rank > 0 else []
        if found:
            out.append((path, rank, file_outline(found, wanted)))
    return out


def map_parts(ranked: list[tuple[str, float, str]], room: int, tokens) -> list[ContextPart]:
    """The ``outlines`` in order while they fit in ``room`` tokens; ``tokens(text)`` counts."""
    parts = []
    for path, rank, text in ranked:
        if room <= MIN_ROOM:
            break
        cost = tokens(text)
        if cost > room:
            continue
        parts.append(ContextPart("map", path, text, 0, 0, cost, f"rank {rank:.3f}"))
        room -= cost
    return parts
