"""Grouping near-duplicate candidates by the structure of what they change, and their choices.

A candidate's *skeleton* is the multiset of code units (functions, class headers,
top-level statements) it adds to today's code and removes from it, each reduced to
its syntax-node shape with every name, string and number blanked out: two
candidates that differ only in names have the same skeleton. Skeletons are
written one character per node kind, so rapidfuzz compares them quickly.

Clustering is leader-based and incremental in arrival order: a candidate joins
the most similar cluster leader when the similarity (skeleton, blended with the
declared design choices when both have them) reaches the threshold, else it leads
a new cluster. Each cluster's representative is its medoid; labels come from
shared choices or distinctive identifiers, with no model call. A cluster keeps the
label it was first given (a redraw never renames it as others arrive), and no two
clusters share one: a later cluster whose label is taken is numbered, "label (2)".
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
from rapidfuzz import fuzz, process

from divergent.context.figures import scanned
from divergent.context.parsing import language_for, parse, text
from divergent.context.syntax import walk
from divergent.model import Candidate, Cluster

THRESHOLD = 85.0  # similarity (0..100) at which two candidates are the same design
CHOICE_WEIGHT = 0.3  # share of the similarity given to agreeing design choices, when both have some
MEDOID_SAMPLE = 64  # a large cluster's medoid is found against this many of its members
MATRIX_LIMIT = 4000  # candidates up to which one all-pairs matrix (64 MB at most) is computed
BLANKED = {"identifier": "I", "string": "S", "integer": "N", "float": "N"}
SKIPPED = {"comment", "import_statement", "import_from_statement", "future_import_statement"}
_CODES: dict[str, str] = {}


def _code(token: str) -> str:
    """One character per node kind (from the CJK block: thousands of distinct, printable codes)."""
    if token not in _CODES:
        _CODES[token] = chr(0x4E00 + len(_CODES))
    return _CODES[token]


def _shape(node) -> str:
    parts = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in BLANKED:
            parts.append(_code(BLANKED[current.type]))
            continue
        if current.type == "comment":
            continue
        if current.is_named:
            parts.append(_code(current.type))
        stack.extend(reversed(current.children))
    return "".join(parts)


def _units(source: str, path: str = "x.py") -> list[tuple[str, set[str]]]:
    """(shape, identifiers) of a module's units; a class contributes its header and its members."""
    lang = language_for(path)
    if lang != "python":
        return _units_elsewhere(source, lang) if lang else []
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
                shape = _code("class") + (_shape(bases) if bases is not None else "")
                out.append((shape, {text(node.child_by_field_name("name"))}))
                blocks.append(node.child_by_field_name("body"))
            else:
                out.append((_shape(child), _defined_names(node)))
    return out


def _units_elsewhere(source: str, lang: str) -> list[tuple[str, set[str]]]:
    """``_units`` outside Python: the figures sweep's functions and class-like units (a class
    by its kind of declaration, its methods on their own)."""
    units = scanned(source, lang).units
    out = []
    for unit in units:
        if unit.parent is not None and not units[unit.parent].is_class:
            continue  # a function inside a function is part of its shape
        shape = _code(unit.node.type) if unit.is_class else _shape(unit.node)
        out.append((shape, {unit.own_name}))
    return out


def _defined_names(node) -> set[str]:
    """The names a unit defines: a function's name, or a module-level assignment's targets."""
    if node.type == "function_definition":
        return {text(node.child_by_field_name("name"))}
    if node.type == "expression_statement" and node.named_children and node.named_children[0].type == "assignment":
        left = node.named_children[0].child_by_field_name("left")
        return {text(n) for n in walk(left) if n.type == "identifier"} if left is not None else set()
    return set()


def _changed(candidate: Candidate, baseline: dict[str, str], today=None) -> tuple[str, set[str]]:
    """(skeleton, names the added units define); ``today(path)`` gives today's units, cached.
    A file the candidate deletes removes all of today's units."""
    today = today or (lambda path: _units(baseline.get(path, ""), path))
    shapes: list[str] = []
    names: set[str] = set()
    for path, content in [*candidate.files.items(), *((path, "") for path in candidate.deleted)]:
        if language_for(path) is None:
            continue
        after, before = _units(content, path), today(path)
        added = Counter(s for s, _ in after) - Counter(s for s, _ in before)
        removed = Counter(s for s, _ in before) - Counter(s for s, _ in after)
        shapes += ["+" + s for s in added.elements()] + ["-" + s for s in removed.elements()]
        names |= {n for s, ids in after if s in added for n in ids}
    return "|".join(sorted(shapes)), names


def skeleton(candidate: Candidate, baseline: dict[str, str]) -> str:
    """What the candidate adds to and removes from today's code, name-blind, in a canonical order."""
    return _changed(candidate, baseline)[0]


def _choice_agreement(a: dict[str, str], b: dict[str, str]) -> float | None:
    shared = set(a) & set(b)
    if not shared:
        return None
    return 100.0 * sum(a[k] == b[k] for k in shared) / len(shared)


class Clusterer:
    """Incremental clustering; keeps each candidate's skeleton so a re-cluster costs little."""

    def __init__(self, baseline: dict[str, str], threshold: float = THRESHOLD, read=None) -> None:
        self.baseline = baseline
        self.read = read  # read(path): today's text of a file outside ``baseline`` (None: a new file)
        self.threshold = threshold
        self._seen: dict[int, tuple[str, set[str]]] = {}
        self._today: dict[str, list[tuple[str, set[str]]]] = {}
        self._labels: dict[int, str] = {}  # a cluster's first design (its leader) -> the label it was given

    def keep(self, clusters: list[Cluster]) -> None:
        """Keep the labels of clusters made earlier (a saved session's), so they are not renamed."""
        for c in clusters:
            if c.members:
                self._labels.setdefault(c.members[0], c.label)

    def _today_units(self, path: str) -> list[tuple[str, set[str]]]:
        if path not in self._today:
            today = self.baseline.get(path)
            if today is None and self.read is not None:
                today = self.read(path)
            self._today[path] = _units(today or "", path)
        return self._today[path]

    def features(self, candidate: Candidate) -> tuple[str, set[str]]:
        key = candidate.id if candidate.id is not None else id(candidate)
        if key not in self._seen:
            self._seen[key] = _changed(candidate, self.baseline, self._today_units)
        return self._seen[key]

    def nearest(self, candidate: Candidate, others: list[Candidate]) -> tuple[Candidate | None, float]:
        """The one of ``others`` whose skeleton is most like ``candidate``'s, and how alike (0..100)."""
        if not others:
            return None, 0.0
        mine = self.features(candidate)[0]
        scores = [100.0 if not mine and not t else fuzz.ratio(mine, t) for t in (self.features(o)[0] for o in others)]
        best = max(range(len(others)), key=lambda i: scores[i])
        return others[best], float(scores[best])

    def cluster(self, candidates: list[Candidate]) -> list[Cluster]:
        if not candidates:
            return []
        skeletons = [self.features(c)[0] for c in candidates]
        # up to MATRIX_LIMIT candidates one all-pairs matrix on every core is cheapest; beyond, row by row
        matrix = similarity(skeletons) if len(skeletons) <= MATRIX_LIMIT else None
        leaders: list[int] = []
        groups: list[list[int]] = []
        for index, mine in enumerate(skeletons):
            best, best_score = -1, -1.0
            if leaders:
                if matrix is not None:
                    scores = matrix[index, leaders].copy()
                else:
                    scores = process.cdist([mine], [skeletons[j] for j in leaders], scorer=fuzz.ratio, dtype=np.float32)[0]
                    if not mine:  # two empty skeletons are the same design
                        scores = np.array([100.0 if not skeletons[j] else 0.0 for j in leaders], dtype=np.float32)
                mine_choices = candidates[index].choices
                if mine_choices:  # blend in the declared choices where both sides have some
                    for k, leader in enumerate(leaders):
                        agree = _choice_agreement(mine_choices, candidates[leader].choices)
                        if agree is not None:
                            scores[k] = (1 - CHOICE_WEIGHT) * scores[k] + CHOICE_WEIGHT * agree
                best = int(np.argmax(scores))
                best_score = float(scores[best])
            if best >= 0 and best_score >= self.threshold:
                groups[best].append(index)
            else:
                leaders.append(index)
                groups.append([index])
        names = [{n for i in group for n in self.features(candidates[i])[1]} for group in groups]
        spread = Counter(n for found in names for n in found)  # in how many clusters each name is defined
        out: list[Cluster] = []
        taken: set[str] = set()
        for number, group in enumerate(groups, start=1):
            medoid = self._medoid(group, skeletons, matrix)
            leader = candidates[group[0]].id
            kept = self._labels.get(leader) if leader is not None else None
            label = unique(kept or self.label(candidates, group, medoid, spread, len(groups)), taken)
            if leader is not None:
                self._labels[leader] = label
            taken.add(label)
            out.append(Cluster(number, label, [candidates[i].id for i in group], candidates[medoid].id))
        return out

    @staticmethod
    def _medoid(group: list[int], skeletons: list[str], matrix) -> int:
        if len(group) == 1:
            return group[0]
        reference = group if len(group) <= MEDOID_SAMPLE else group[:: max(1, len(group) // MEDOID_SAMPLE)][:MEDOID_SAMPLE]
        if matrix is not None:
            block = matrix[np.ix_(group, reference)]
        else:
            block = process.cdist([skeletons[i] for i in group], [skeletons[i] for i in reference], scorer=fuzz.ratio, dtype=np.float32, workers=-1)
        return group[int(np.argmax(block.sum(axis=1)))]

    def label(self, candidates: list[Candidate], group: list[int], medoid: int, spread: Counter, clusters: int) -> str:
        lead = candidates[medoid]
        if lead.baseline:
            return "today's code"
        choices = [candidates[i].choices for i in group]
        shared = {k: v for k, v in choices[0].items() if all(c.get(k) == v for c in choices)} if choices[0] else {}
        if shared and lead.explorer != "catalog":
            return " · ".join(f"{k}: {v}" for k, v in sorted(shared.items()))
        if lead.explorer == "catalog":
            return lead.title
        # the names this cluster defines, ranked by tf-idf across clusters
        mine = Counter(n for i in group for n in self.features(candidates[i])[1])
        weight = {n: mine[n] * math.log((1 + clusters) / spread[n]) for n in mine}
        ranked = sorted(weight, key=lambda n: (-weight[n], n))
        words = [n for n in ranked if not re.fullmatch(r"__\w+__", n)][:3]
        return ", ".join(words) if words else lead.title


def unique(label: str, taken: set[str]) -> str:
    """``label``, or ``label (2)``, ``(3)``… when another cluster has it already."""
    found, n = label, 1
    while found in taken:
        n += 1
        found = f"{label} ({n})"
    return found


def cluster(candidates: list[Candidate], baseline: dict[str, str], threshold: float = THRESHOLD) -> list[Cluster]:
    return Clusterer(baseline, threshold).cluster(candidates)


def similarity(skeletons: list[str]) -> np.ndarray:
    """Pairwise similarity 0..100 (100 on the diagonal and between two empty skeletons)."""
    matrix = process.cdist(skeletons, skeletons, scorer=fuzz.ratio, workers=-1, dtype=np.float32)
    empty = np.array([not s for s in skeletons])
    matrix[np.ix_(empty, empty)] = 100.0
    return matrix
