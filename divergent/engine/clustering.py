"""Grouping near-duplicate candidates by the structure of what they change.

A candidate's *skeleton* is the multiset of code units (functions, class headers,
top-level statements) it adds to today's code and removes from it, each reduced to
its syntax-node shape with every name, string and number blanked out: two
candidates that differ only in names have the same skeleton. Skeletons are
compared with rapidfuzz's normalized Indel similarity.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from rapidfuzz import fuzz, process

from divergent.context.parsing import parse
from divergent.context.syntax import walk
from divergent.model import Candidate, Cluster

THRESHOLD = 85.0  # similarity (0..100) at which two skeletons are the same design
BLANKED = {"identifier": "I", "string": "S", "integer": "N", "float": "N"}
SKIPPED = {"comment", "import_statement", "import_from_statement", "future_import_statement"}


def _shape(node) -> str:
    parts = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in BLANKED:
            parts.append(BLANKED[current.type])
            continue
        if current.type == "comment":
            continue
        if current.is_named:
            parts.append(current.type)
        stack.extend(reversed(current.children))
    return " ".join(parts)


def units(source: str) -> list[str]:
    """The shapes of a module's units; a class contributes its header and its members."""
    out = []
    blocks = [parse(source).root_node]
    while blocks:
        block = blocks.pop()
        for child in block.named_children:
            node = child.child_by_field_name("definition") if child.type == "decorated_definition" else child
            if node is None or node.type in SKIPPED:
                continue
            if node.type == "class_definition":
                bases = node.child_by_field_name("superclasses")
                out.append("class" + (f" ({_shape(bases)})" if bases is not None else ""))
                blocks.append(node.child_by_field_name("body"))
            else:
                out.append(_shape(child))
    return out


def skeleton(candidate: Candidate, baseline: dict[str, str]) -> str:
    """What the candidate adds to and removes from today's code, name-blind, in a canonical order."""
    changed: list[str] = []
    for path, content in candidate.files.items():
        if path.endswith(".py"):
            after, before = Counter(units(content)), Counter(units(baseline.get(path, "")))
            changed += [f"+ {u}" for u in (after - before).elements()]
            changed += [f"- {u}" for u in (before - after).elements()]
    return " | ".join(sorted(changed))


def similarity(skeletons: list[str]) -> np.ndarray:
    """Pairwise similarity 0..100 (100 on the diagonal and between two empty skeletons)."""
    matrix = process.cdist(skeletons, skeletons, scorer=fuzz.ratio, workers=-1, dtype=np.float32)
    empty = np.array([not s for s in skeletons])
    matrix[np.ix_(empty, empty)] = 100.0
    return matrix


def cluster(candidates: list[Candidate], baseline: dict[str, str], threshold: float = THRESHOLD) -> list[Cluster]:
    """Leader clustering in arrival order; each cluster's medoid is its representative."""
    if not candidates:
        return []
    matrix = similarity([skeleton(c, baseline) for c in candidates])
    leaders: list[int] = []
    groups: list[list[int]] = []
    for index in range(len(candidates)):
        scores = [matrix[index, leader] for leader in leaders]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= threshold:
            groups[best].append(index)
        else:
            leaders.append(index)
            groups.append([index])
    clusters = []
    for number, group in enumerate(groups, start=1):
        inner = matrix[np.ix_(group, group)]
        medoid = group[int(np.argmax(inner.sum(axis=1)))]
        members = [candidates[i].id for i in group]
        clusters.append(Cluster(number, label(candidates[medoid], len(group)), members, candidates[medoid].id))
    return clusters


def label(medoid: Candidate, size: int) -> str:
    if medoid.baseline:
        return "today's code"
    return medoid.title
