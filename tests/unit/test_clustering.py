"""Clustering near-duplicate candidates, and ranking them with the engineer's weights."""

from __future__ import annotations

import textwrap

import pytest
from designs import RENDERERS, renamed

from divergent.engine.clustering import Clusterer, cluster, skeleton
from divergent.engine.ranking import overall, scores
from divergent.model import Assessment, Candidate


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


PATH = "shop/report.py"

TODAY = src(
    """
    class Report:
        def __init__(self, rows):
            self.rows = rows

        def render(self, kind):
            if kind == "csv":
                return ",".join(self.rows)
            elif kind == "ssv":
                return ";".join(self.rows)
            elif kind == "lines":
                return "|".join(self.rows)
            raise ValueError(kind)

        def describe(self):
            return f"{len(self.rows)} rows"
    """
)

REGISTRY = RENDERERS + "\n\n" + src(
    """
    class Report:
        def __init__(self, rows):
            self.rows = rows

        def render(self, kind):
            if kind not in RENDERERS:
                raise ValueError(kind)
            return RENDERERS[kind](self.rows[:1000])

        def describe(self):
            return f"{len(self.rows)} rows"
    """
)

# The same design as REGISTRY: other names, other strings, other numbers, a comment.
REGISTRY_RENAMED = renamed(
    REGISTRY,
    {
        "def _csv(rows):\n": "def _comma(items):\n    # joins with commas\n",
        '",".join(rows)': '"; ".join(items)',
        "_ssv(rows)": "_semicolon(items)",
        '";".join(rows)': '"::".join(items)',
        "_lines(rows)": "_pipe(items)",
        '"|".join(rows)': '"/".join(items)',
        '{"csv": _csv, "ssv": _ssv, "lines": _lines}': '{"comma": _comma, "semi": _semicolon, "pipe": _pipe}',
        "RENDERERS": "FORMATS",
        "kind": "fmt",
        "ValueError": "KeyError",
        "1000": "25",
    },
)

# A different design: a protocol and strategy classes the report is given.
STRATEGY = src(
    """
    from typing import Protocol


    class Renderer(Protocol):
        def render(self, rows: list[str]) -> str: ...


    class CsvRenderer:
        def render(self, rows):
            return ",".join(rows)


    class LinesRenderer:
        def render(self, rows):
            return "|".join(rows)


    class Report:
        def __init__(self, rows, renderer: Renderer):
            self.rows = rows
            self.renderer = renderer

        def render(self):
            return self.renderer.render(self.rows)

        def describe(self):
            return f"{len(self.rows)} rows"
    """
)


def candidate(number: int, title: str, text: str, baseline: bool = False) -> Candidate:
    return Candidate(title=title, files={PATH: text}, baseline=baseline, id=number)


def test_renamed_twins_share_a_skeleton_and_other_designs_do_not():
    today = {PATH: TODAY}
    registry = skeleton(candidate(1, "registry", REGISTRY), today)
    assert registry  # it adds code units today's file does not have
    assert skeleton(candidate(2, "registry again", REGISTRY_RENAMED), today) == registry
    assert skeleton(candidate(3, "strategy", STRATEGY), today) != registry
    assert skeleton(candidate(0, "today", TODAY, baseline=True), today) == ""


def test_clusters_group_name_only_differences_and_keep_the_baseline_alone():
    candidates = [
        candidate(0, "Today's code", TODAY, baseline=True),
        candidate(1, "Registry of renderers", REGISTRY),
        candidate(2, "Renderer strategy", STRATEGY),
        candidate(3, "Format table", REGISTRY_RENAMED),
    ]
    clusters = cluster(candidates, {PATH: TODAY})
    assert [(c.id, c.members) for c in clusters] == [(1, [0]), (2, [1, 3]), (3, [2])]
    assert clusters[0].label == "today's code"
    assert clusters[0].medoid == 0
    # a two-member cluster: both are equally central, the first to arrive represents it
    assert clusters[1].medoid == 1
    # labels are the names each cluster defines that the others do not (no model call)
    assert clusters[1].label == "FORMATS, RENDERERS, _comma"
    assert clusters[2].label == "CsvRenderer, LinesRenderer, Renderer"


def test_shared_design_choices_label_a_cluster_and_pull_its_members_together():
    a = candidate(1, "a", REGISTRY)
    b = candidate(2, "b", REGISTRY_RENAMED)
    a.choices = {"dispatch": "registry", "state": "immutable"}
    b.choices = {"dispatch": "registry", "state": "immutable"}
    clusters = cluster([candidate(0, "Today's code", TODAY, baseline=True), a, b], {PATH: TODAY})
    assert clusters[1].members == [1, 2] and clusters[1].label == "dispatch: registry · state: immutable"
    # the same code with different declared choices: the choices pull the similarity below the threshold
    b.choices = {"dispatch": "polymorphism", "state": "mutable"}
    clusters = cluster([candidate(0, "Today's code", TODAY, baseline=True), a, b], {PATH: TODAY})
    assert [c.members for c in clusters] == [[0], [1], [2]]


def test_a_session_s_clusters_keep_their_labels_as_designs_arrive_and_reopen():
    today = {PATH: TODAY}
    first = [candidate(0, "Today's code", TODAY, baseline=True), candidate(1, "Registry", REGISTRY), candidate(2, "Strategy", STRATEGY)]
    later = [*first, candidate(3, "Registry, renamed", REGISTRY_RENAMED)]
    # alone, each clustering names the registry cluster after the names it defines then
    assert cluster(first, today)[1].label != cluster(later, today)[1].label
    session = Clusterer(today)
    shown = [c.label for c in session.cluster(first)]
    assert [c.label for c in session.cluster(later)] == shown  # the twin joined; the name stays
    reopened = Clusterer(today)
    reopened.keep(session.cluster(later))
    assert [c.label for c in reopened.cluster(later)] == shown


def test_two_clusters_never_share_a_label():
    a, b = candidate(1, "a", REGISTRY), candidate(2, "b", STRATEGY)
    a.choices = b.choices = {"dispatch": "registry", "state": "immutable"}  # the same declared choices, other code
    clusters = cluster([candidate(0, "Today's code", TODAY, baseline=True), a, b], {PATH: TODAY})
    assert [c.members for c in clusters] == [[0], [1], [2]]
    assert [c.label for c in clusters[1:]] == ["dispatch: registry · state: immutable", "dispatch: registry · state: immutable (2)"]


def test_every_candidate_is_in_exactly_one_cluster_and_medoids_are_members():
    texts = [TODAY, REGISTRY, STRATEGY, REGISTRY_RENAMED, STRATEGY.replace("CsvRenderer", "CommaRenderer"), REGISTRY]
    candidates = [candidate(n, f"c{n}", t, baseline=(n == 0)) for n, t in enumerate(texts)]
    clusters = cluster(candidates, {PATH: TODAY})
    members = [m for c in clusters for m in c.members]
    assert sorted(members) == [0, 1, 2, 3, 4, 5]
    assert len(clusters) == 3
    for c in clusters:
        assert c.medoid in c.members
    assert [c.id for c in clusters] == [1, 2, 3]


def test_medoid_of_three_is_the_most_central():
    # Two twins and a third one that adds one more unit: the registry that both others
    # resemble most is the representative, not the first to arrive.
    extra = REGISTRY.replace(
        'RENDERERS = {"csv": _csv, "ssv": _ssv, "lines": _lines}',
        'RENDERERS = {"csv": _csv, "ssv": _ssv, "lines": _lines}\nDEFAULT = "csv"',
    )
    candidates = [
        candidate(0, "Today's code", TODAY, baseline=True),
        candidate(1, "registry plus a default", extra),
        candidate(2, "registry", REGISTRY),
        candidate(3, "registry, renamed", REGISTRY_RENAMED),
    ]
    clusters = cluster(candidates, {PATH: TODAY})
    [registries] = [c for c in clusters if 1 in c.members]
    assert registries.members == [1, 2, 3]
    # 2 and 3 are identical to each other and equally close to 1; the first of them wins
    assert registries.medoid == 2
    # render is defined by all three members; RENDERERS, _csv, _lines, _ssv by two (ties by name)
    assert registries.label == "render, RENDERERS, _csv"


def test_a_candidate_that_only_removes_code_is_not_todays_code():
    # Deleting describe() is a change; the cluster labelled "today's code" should hold
    # the baseline alone.
    without_describe = TODAY[: TODAY.index("\n    def describe")] + "\n"
    candidates = [
        candidate(0, "Today's code", TODAY, baseline=True),
        candidate(1, "Drop describe()", without_describe),
    ]
    clusters = cluster(candidates, {PATH: TODAY})
    [today] = [c for c in clusters if 0 in c.members]
    assert today.label == "today's code"
    assert today.members == [0]


def test_no_candidates_no_clusters():
    assert cluster([], {PATH: TODAY}) == []


# --- ranking ------------------------------------------------------------------------


def test_scores_average_critics_on_one_dimension():
    found = scores(
        [
            Assessment("simplicity", "simplicity", 0.4),
            Assessment("judge", "simplicity", 0.8),
            Assessment("extensibility", "extensibility", 0.7),
            Assessment("validity", "validity", 1.0),
        ]
    )
    assert found == {"simplicity": 0.6, "extensibility": 0.7, "validity": 1.0}


def test_overall_is_zero_for_an_invalid_candidate():
    assert overall({"simplicity": 0.9, "extensibility": 0.9, "validity": 0.0}) == 0.0
    assert overall({"simplicity": 0.9, "extensibility": 0.9, "validity": 0.5}) == 0.0
    # validity is a gate, not a weight: a valid candidate's overall ignores it
    assert overall({"simplicity": 0.9, "extensibility": 0.5, "validity": 1.0}) == pytest.approx(0.7)


def test_weights_change_the_order_of_two_candidates():
    a = {"simplicity": 0.8, "extensibility": 0.4, "validity": 1.0}
    b = {"simplicity": 0.5, "extensibility": 0.6, "validity": 1.0}
    # equal weights: a = (0.8 + 0.4) / 2 = 0.6, b = (0.5 + 0.6) / 2 = 0.55
    assert overall(a) == pytest.approx(0.6)
    assert overall(b) == pytest.approx(0.55)
    # extensibility three times as heavy: a = (0.8 + 1.2) / 4 = 0.5, b = (0.5 + 1.8) / 4 = 0.575
    heavy = {"simplicity": 1.0, "extensibility": 3.0}
    assert overall(a, heavy) == pytest.approx(0.5)
    assert overall(b, heavy) == pytest.approx(0.575)
    assert overall(b, heavy) > overall(a, heavy)


def test_zero_weights_give_zero():
    assert overall({"simplicity": 0.9, "extensibility": 0.9}, {"simplicity": 0.0, "extensibility": 0.0}) == 0.0
