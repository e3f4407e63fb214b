"""Every critic in every language we read, on small hand-counted designs.

``tests/languages`` holds one report service per language, twice: ``before`` switches
on a format string and builds its store in the constructor; ``after`` looks renderers
up in a table, takes its store and a fallback renderer from outside, and drops the
``heading`` method. The figures below were counted by hand from those files.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import sys
from pathlib import Path

import pytest

from divergent.critics.change_cost import ChangeCost, measure
from divergent.critics.extensibility import Extensibility, features
from divergent.critics.judge import Judge
from divergent.critics.simplicity import Simplicity, callables, figures, surface
from divergent.critics.validity import Validity
from divergent.critics.verify import Verify
from divergent.model import CallSite, Candidate, Problem, Target
from conftest import git, make_repo
from model_critics import assess_with

HERE = Path(__file__).parent.parent / "languages"

# language -> (path in the repo, before file, after file, how the heading method is spelled)
FILES = {
    "python": ("shop/reports.py", "before.py", "after.py", "heading"),
    "typescript": ("src/reports.ts", "before.ts", "after.ts", "heading"),
    "javascript": ("src/reports.js", "before.js", "after.js", "heading"),
    "go": ("report/report.go", "before.go", "after.go", "Heading"),
    "java": ("src/shop/ReportService.java", "Before.java", "After.java", "heading"),
    "rust": ("src/report.rs", "before.rs", "after.rs", "heading"),
}
LANGS = list(FILES)


def sources(lang: str) -> tuple[str, str, str]:
    path, before, after, _ = FILES[lang]
    return path, (HERE / before).read_text(), (HERE / after).read_text()


def problem(lang: str, **extra) -> Problem:
    path, before, _ = sources(lang)
    target = Target("/nowhere", path, "ReportService", "class", 1, len(before.splitlines()))
    return Problem(target=target, files={path: before}, source=before, **extra)


def assess(critic, lang: str, files: dict[str, str] | None = None, **extra):
    path, _, after = sources(lang)
    found = asyncio.run(critic.assess(Candidate("after", files or {path: after}), problem(lang, **extra)))
    assert len(found) == 1
    return found[0]


# --- extensibility ----------------------------------------------------------------

# Per language: extension points, type-code branch lines, built collaborators, LCOM4 of
# each class, and the busiest function's distinct callees (its fan-out).
BEFORE_FEATURES = {
    # if/elif on format (line 13); self.store = Store(path); render uses store, heading uses
    # title: 2 groups; render calls rows, join, dumps, ValueError
    "python": ([], ["line 13"], ["ReportService.store"], {"ReportService": 2}, 4),
    # if/else if on format === "..." (line 14); this.store = new Store(path); rows, join,
    # stringify, Error (new counts as a call)
    "typescript": ([], ["line 14"], ["ReportService.store"], {"ReportService": 2}, 4),
    # switch (format) (line 11), three string cases
    "javascript": ([], ["line 11"], ["ReportService.store"], {"ReportService": 2}, 4),
    # switch format (line 20); NewReportService returns &ReportService{store: NewStore(path)};
    # Render calls Rows, Join, Marshal, string, Errorf
    "go": ([], ["line 20"], ["ReportService.store"], {"ReportService": 2}, 5),
    # format.equals("csv"), "json".equals(format), format.equals("text") (line 16);
    # this.store = new Store(path); rows, equals, join, IllegalArgumentException
    "java": ([], ["line 16"], ["ReportService.store"], {"ReportService": 2}, 4),
    # match format (line 15); store: Store::open(path) (String::from builds a value, not a
    # collaborator); new calls open and from, render rows and join (Ok/Err are variants)
    "rust": ([], ["line 15"], ["ReportService.store"], {"ReportService": 2}, 2),
}
INJECTED = "ReportService.fallback (injected)"
# Renderer counts because it is used: the fallback is typed with it (ReportService has its
# members too, but one type of that shape is no family)
AS_TYPE = "Renderer (used as a type)"
AFTER_FEATURES = {
    # RENDERERS maps to ",".join, json.dumps and a lambda; Renderer(Protocol); fallback:
    # Renderer; store: Store is a concrete class (no LCOM4 for the protocol: it has no
    # state). render: rows, get, renderer, render
    "python": ([AS_TYPE, "RENDERERS", INJECTED], [], [], {"ReportService": 1}, 4),
    # render: rows, renderer, render
    "typescript": ([AS_TYPE, "RENDERERS", INJECTED], [], [], {"ReportService": 1}, 3),
    # no interfaces in JavaScript; renderers = RENDERERS is a parameter with a default;
    # render: renderer, rows, Error
    "javascript": (["RENDERERS", "ReportService.renderers (injected)"], [], [], {"ReportService": 1}, 3),
    # renderers is a map of functions; Renderer interface; NewReportService(store *Store,
    # fallback Renderer). Render: Rows, renderer, Render, Errorf
    "go": ([AS_TYPE, "renderers", INJECTED], [], [], {"ReportService": 1}, 4),
    # Map.of of a lambda and a method reference; the nested interface; lines() is static
    # and touches no field: 2 groups. render: rows, get, apply, render
    "java": ([AS_TYPE, "RENDERERS", INJECTED], [], [], {"ReportService": 2}, 4),
    # a static table of (name, fn) pairs; trait Renderer; fallback: Box<dyn Renderer>.
    # render: rows, iter, find, renderer, render
    "rust": ([AS_TYPE, "RENDERERS", INJECTED], [], [], {"ReportService": 1}, 5),
}


def as_tuple(found: dict) -> tuple:
    keys = ("extension_points", "type_code_branches", "built_collaborators", "lcom4", "max_fan_out")
    return tuple(found[k] for k in keys)


@pytest.mark.parametrize("lang", LANGS)
def test_extensibility_features_are_counted_as_by_hand(lang):
    path, before, after = sources(lang)
    assert as_tuple(features([(path, before)])) == BEFORE_FEATURES[lang]
    assert as_tuple(features([(path, after)])) == AFTER_FEATURES[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_extensibility_prefers_the_table_and_the_injected_renderer(lang):
    points, _, _, lcom_after, fan_after = AFTER_FEATURES[lang]
    *_, lcom_before, fan_before = BEFORE_FEATURES[lang]
    split = lambda lcom: sum(1 for n in lcom.values() if n > 1)  # noqa: E731
    # balance = points - branches - built - split classes: before 0 - 1 - 1 - split, after points - split
    difference = (len(points) - split(lcom_after)) - (-2 - split(lcom_before))
    counts = 0.5 + 0.5 * math.tanh(difference / 2)
    path, before, after = sources(lang)
    # outside callees per line, relative to size: r = (after + 0.1) / (before + 0.1)
    coupled = [features([(path, source)])["coupling"] for source in (before, after)]
    assert all(0 < c < 1 for c in coupled)
    coupling = 1 / (1 + ((coupled[1] + 0.1) / (coupled[0] + 0.1)) ** 3)
    result = assess(Extensibility(), lang)
    assert result.score == pytest.approx(0.8 * counts + 0.2 * coupling, abs=1e-4)
    assert result.score > 0.8
    assert f"extension points 0 → {len(points)} (+{', '.join(points)})" in result.evidence
    assert "type-code branches 1 → 0 (−100 %)" in result.evidence
    assert "built collaborators 1 → 0 (−100 %)" in result.evidence


# --- simplicity ---------------------------------------------------------------------

# (worst cyclomatic, cognitive, max nesting, public names, types), before and after
SIMPLICITY = {
    # before: render 1 + if + 2 elif = 4, cognitive 1 + 1 + 1; ReportService, render, heading
    # after: render 1 + conditional expression; Renderer, RENDERERS, ReportService,
    # Renderer.render, ReportService.render
    "python": ((4, 3, 1, 3, 1), (2, 1, 0, 5, 2)),
    # before: 1 + 3 ifs, cognitive if + 2 else-ifs; the class, its constructor, render, heading
    # after: the ternary; Renderer, RENDERERS, ReportService, render (interface), constructor, render
    "typescript": ((4, 3, 1, 4, 1), (2, 1, 0, 6, 2)),
    # before: 1 + 3 cases, cognitive 1 for the switch
    # after: if (!renderer); RENDERERS, ReportService, constructor, render
    "javascript": ((4, 1, 1, 4, 1), (2, 1, 1, 4, 1)),
    # before: 1 + 3 cases, the switch 1; ReportService, NewReportService, Render, Heading
    # after: two ifs; Renderer, RenderFunc, ReportService, NewReportService, Render (x2)
    "go": ((4, 1, 1, 4, 1), (3, 2, 1, 6, 3)),
    # before: 1 + 3 ifs; after: the ternary; ReportService, Renderer, constructor, render,
    # Renderer.render (lines, RENDERERS and the fields are private)
    "java": ((4, 3, 1, 4, 1), (2, 1, 0, 5, 2)),
    # before: a match of 4 arms adds 3, cognitive 1; pub struct, new, render, heading
    # after: a match of 2 arms; Renderer, RENDERERS, ReportService, render (trait), new, render
    "rust": ((4, 1, 1, 4, 1), (2, 1, 1, 6, 2)),
}


@pytest.mark.parametrize("lang", LANGS)
def test_simplicity_figures_are_counted_as_by_hand(lang):
    path, before, after = sources(lang)
    keys = ("cyclomatic_max", "cognitive_total", "max_nesting")
    for source, expected in zip((before, after), SIMPLICITY[lang]):
        found = figures([unit for unit, _ in callables([(path, source)])])
        assert tuple(found[k] for k in keys) == expected[:3]
        assert surface([(path, source)]) == expected[3]
    (*_, names_before, _), (*_, names_after, _) = SIMPLICITY[lang]
    result = assess(Simplicity(), lang)
    was, now = names_before, names_after
    assert (f"public names {was} (same)" if was == now else f"public names {was} → {now} (") in result.evidence
    assert "worst cyclomatic 4 → " in result.evidence


def test_simplicity_of_unchanged_code_is_one_half_in_every_language():
    for lang in LANGS:
        path, before, _ = sources(lang)
        assert assess(Simplicity(), lang, {path: before}).score == 0.5


# --- validity -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_validity_in_every_language(lang):
    path, before, after = sources(lang)
    heading = FILES[lang][3]
    render = "Render" if lang == "go" else "render"
    ok = assess(Validity(), lang, used_names=["ReportService", render])
    assert ok.score == 1.0, ok.evidence
    # after drops the heading method, which a caller uses
    gone = assess(Validity(), lang, used_names=["ReportService", render, heading])
    assert gone.score == 0.0 and gone.evidence == f"callers use names that are gone: {heading}"
    # a file cut short does not parse
    broken = after[: after.rindex(render)]
    bad = assess(Validity(), lang, {path: broken})
    assert bad.score == 0.0 and bad.evidence.startswith(f"{path} does not parse (line ")
    # the target itself renamed away
    renamed = assess(Validity(), lang, {path: after.replace("ReportService", "ReportWriter")})
    assert f"ReportService is gone from {path}" in renamed.evidence


def test_validity_accepts_a_name_migrated_in_its_callers():
    path, _, after = sources("go")
    caller = "package main\n\nfunc main() {\n\tsvc := report.NewReportService(\"x\")\n\tprintln(svc.Heading())\n}\n"
    migrated = caller.replace("svc.Heading()", '"REPORT"').replace('report.NewReportService("x")', "report.NewReportService(nil, nil)")
    site = CallSite("cmd/main.go", 5, "Heading", "println(svc.Heading())")
    extra = dict(used_names=["Heading"], call_sites=[site])
    assert assess(Validity(), "go", {path: after}, **extra).score == 0.0
    assert assess(Validity(), "go", {path: after, "cmd/main.go": caller}, **extra).score == 0.0
    assert assess(Validity(), "go", {path: after, "cmd/main.go": migrated}, **extra).score == 1.0


# --- change cost: static ripple -------------------------------------------------------

# render is called twice by page before, and named once (passed, not called twice) after:
# ripple 1 + 2 mentions = 3 before, 1 + 1 = 2 after.
RIPPLE = {
    "python": (
        "shop/pages.py",
        'def render(kind):\n    return kind\n\n\ndef page():\n    return render("a") + render("b")\n',
        'def render(kind):\n    return kind\n\n\ndef page():\n    return "".join(map(render, "ab"))\n',
    ),
    "typescript": (
        "src/pages.ts",
        'function render(kind: string): string { return kind; }\n'
        'export function page(): string { return render("a") + render("b"); }\n',
        'function render(kind: string): string { return kind; }\n'
        'export function page(): string { return ["a", "b"].map(render).join(""); }\n',
    ),
    "javascript": (
        "src/pages.js",
        'function render(kind) { return kind; }\nexport function page() { return render("a") + render("b"); }\n',
        'function render(kind) { return kind; }\nexport function page() { return ["a", "b"].map(render).join(""); }\n',
    ),
    "go": (
        "pages/pages.go",
        'package pages\n\nfunc render(kind string) string { return kind }\n\n'
        'func Page() string { return render("a") + render("b") }\n',
        'package pages\n\nfunc render(kind string) string { return kind }\n\n'
        'func Page() string {\n\tout := ""\n\tfor _, k := range []string{"a", "b"} {\n\t\tout += render(k)\n\t}\n\treturn out\n}\n',
    ),
    "java": (
        "src/Pages.java",
        'class Pages {\n    static String render(String kind) { return kind; }\n'
        '    String page() { return render("a") + render("b"); }\n}\n',
        'class Pages {\n    static String render(String kind) { return kind; }\n'
        '    String page() { return String.join("", java.util.List.of("a", "b").stream().map(Pages::render).toList()); }\n}\n',
    ),
    "rust": (
        "src/pages.rs",
        'fn render(kind: &str) -> String { kind.to_string() }\n\npub fn page() -> String { render("a") + &render("b") }\n',
        'fn render(kind: &str) -> String { kind.to_string() }\n\n'
        'pub fn page() -> String { ["a", "b"].iter().map(|k| render(k)).collect() }\n',
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_static_ripple_in_every_language(lang):
    path, before, after = RIPPLE[lang]
    scenario = "add a page kind"
    target = Target("/nowhere", path, "render", "function", 1, 2)
    p = Problem(target=target, files={path: before}, scenarios=[scenario], scenario_terms={scenario: ["render"]})
    [result] = asyncio.run(ChangeCost().assess(Candidate("after", {path: after}), p))
    assert result.raw[scenario]["ripple_before"] == 3
    assert result.raw[scenario]["ripple_after"] == 2
    assert result.raw[scenario]["touched"] == [next(n for n in ("Pages.render", "render") if n in result.raw[scenario]["touched"])]
    assert result.score == pytest.approx(1 / (1 + (2 / 3) ** 3), abs=1e-4)


# --- change cost: the speculative change, measured ---------------------------------------

# Adding a "yaml" format as a competent engineer would in each design: before, two lines
# (one in Rust) inside render; after, one entry in the table (a line outside every unit).
YAML = {
    "python": ('            return json.dumps(rows)\n', '        elif format == "yaml":\n            return "- " + "\\n- ".join(rows)\n',
               '    "json": json.dumps,\n', '    "yaml": json.dumps,\n'),
    "typescript": ('      return JSON.stringify(rows);\n', '    } else if (format === "yaml") {\n      return rows.join("\\n- ");\n',
                   '  json: toJson,\n', '  yaml: toJson,\n'),
    "javascript": ('        return JSON.stringify(rows);\n', '      case "yaml":\n        return rows.join("\\n- ");\n',
                   '  json: (rows) => JSON.stringify(rows),\n', '  yaml: (rows) => rows.join("\\n- "),\n'),
    "go": ('\t\treturn string(out), err\n', '\tcase "yaml":\n\t\treturn strings.Join(rows, "\\n- "), nil\n',
           '\t"csv":  toCSV,\n', '\t"yaml": toText,\n'),
    "java": ('            return "[" + String.join(",", rows) + "]";\n',
             '        } else if (format.equals("yaml")) {\n            return String.join("\\n- ", rows);\n',
             '        "csv", rows -> String.join(",", rows),\n', '        "yaml", rows -> String.join("\\n- ", rows),\n'),
    "rust": ('            "json" => Ok(format!("[{}]", rows.join(","))),\n', '            "yaml" => Ok(rows.join("\\n- ")),\n',
             None, None),
}


def insert_after(source: str, marker: str, lines: str) -> str:
    assert source.count(marker) == 1, marker
    return source.replace(marker, marker + lines)


@pytest.mark.parametrize("lang", LANGS)
def test_speculative_change_is_measured_in_every_language(lang):
    path, before, after = sources(lang)
    marker, lines, table_marker, entry = YAML[lang]
    added = lines.count("\n")
    diff = measure({path: before}, {path: insert_after(before, marker, lines)})
    assert (diff.edited_lines, diff.new_lines, diff.broken) == (added, 0, ())
    assert diff.touched == (f"{path}:ReportService.{'Render' if lang == 'go' else 'render'}",)
    assert diff.cost == added + 2
    if table_marker is None:  # Rust's table is one line: the entry rewrites it, outside every unit
        grown = after.replace('("text", to_text)]', '("text", to_text), ("yaml", to_text)]')
    else:
        grown = insert_after(after, table_marker, entry)
    table = measure({path: after}, {path: grown})
    assert (table.edited_lines, table.new_lines, table.touched, table.broken) == (0, 1, (), ())
    assert table.cost == 0.25 < diff.cost


@pytest.mark.parametrize("lang", LANGS)
def test_a_removed_public_method_is_broken_in_every_language(lang):
    path, before, _ = sources(lang)
    heading = FILES[lang][3]
    start = before.index(f" {heading}(")
    # cut from the line holding the method's name to the end of its block
    first = before.rindex("\n", 0, start) + 1
    depth_mark = "\n    }\n" if lang in ("java", "rust") else ("\n  }\n" if lang in ("typescript", "javascript") else "\n}\n")
    if lang == "python":
        last = len(before)
    else:
        last = before.index(depth_mark, start) + len(depth_mark)
    without = before[:first] + before[last:]
    diff = measure({path: before}, {path: without})
    assert diff.broken == (f"{path}:ReportService.{heading}",)


# --- judge: the model compares the designs, both orders --------------------------------


def prefers_tables(body: dict) -> str:
    """A judge that prefers, on every criterion, the design whose code holds a renderer table."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    designs = dict(re.findall(r'<file path="[^"]+" design="([AB])">\n(.*?)\n</file>', user, re.S))
    winner = next(label for label, code in designs.items() if re.search(r"RENDERERS|renderers = map", code))
    criteria = re.search(r"on each criterion: (.*)\.\n", user).group(1).split(", ")
    return json.dumps({"verdicts": {c: winner for c in criteria}})


@pytest.mark.parametrize("lang", LANGS)
def test_judge_reads_both_orders_in_every_language(lang, fake_server):
    fake_server.responder = prefers_tables
    path, _, after = sources(lang)
    [[result]] = asyncio.run(assess_with(fake_server, Judge(), [(Candidate("after", {path: after}), problem(lang))], 4))
    assert fake_server.count == 2  # once with the candidate as A, once as B
    assert result.score == 1.0
    assert result.raw["agreement"] == {"readability": 1.0, "testability": 1.0, "fit to the goal": 1.0}


def test_judge_repeats_alternate_the_order(fake_server):
    positions = []

    def record(body):
        reply = prefers_tables(body)
        positions.append(set(json.loads(reply)["verdicts"].values()).pop())  # where the design stood
        return reply

    fake_server.responder = record
    path, _, after = sources("python")
    judge = Judge()
    judge.repeats = 3
    [[result]] = asyncio.run(assess_with(fake_server, judge, [(Candidate("after", {path: after}), problem("python"))], 5))
    assert fake_server.count == 3 and judge.planned_requests(problem("python")) == 3
    assert positions == ["A", "B", "A"]
    assert result.raw["rounds"]["readability"] == [1.0, 1.0, 1.0]
    assert "3 asks, the order swapped on every other one" in result.raw["explain"]


# --- verify: the repository's own test command, in a worktree ---------------------------

CHECK = """import pathlib, sys
source = pathlib.Path(sys.argv[1]).read_text()
missing = [name for name in sys.argv[2:] if name not in source]
print("missing:", missing or "none")
sys.exit(1 if missing else 0)
"""


@pytest.mark.parametrize("lang", LANGS)
def test_verify_runs_the_repos_own_check_on_each_language(lang, tmp_path):
    path, before, after = sources(lang)
    render = "Render" if lang == "go" else "render"
    repo = make_repo(tmp_path / "repo", {path: before, "check.py": CHECK})
    commit = git(repo, "rev-parse", "HEAD").strip()
    target = Target(str(repo), path, "ReportService", "class", 1, len(before.splitlines()), commit)
    p = Problem(target=target, files={path: before})
    critic = Verify(f"{sys.executable} check.py {path} ReportService {render}(")
    [kept] = asyncio.run(critic.assess(Candidate("after", {path: after}), p))
    assert kept.score == 1.0 and kept.evidence.endswith("missing: none")
    renamed = after.replace(f"{render}(", "draw(")
    [broken] = asyncio.run(critic.assess(Candidate("renamed", {path: renamed}), p))
    assert broken.score == 0.0 and broken.evidence.endswith(f"missing: ['{render}(']")
    # the engineer's tree is as it was
    assert (repo / path).read_text() == before and git(repo, "status", "--porcelain") == ""
