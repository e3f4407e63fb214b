"""Property tests: whatever text arrives (a model's reply, a path it names, a target or
weights the engineer types), only our own error types come out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divergent.context.repo import safe_relative
from divergent.context.target import resolve, split_spec
from divergent.engine.ranking import parse_weights
from divergent.engine.scoring import reject_unsafe_paths
from divergent.llm.parsing import ReplyError, json_object, parse_candidate, parse_object
from divergent.model import Candidate, InputError

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# text a model might send: prose, fences, JSON pieces, paths, NULs and odd unicode
pieces = st.sampled_from(
    ["```", "```python\n", "```json\n", "~~~", "\n", "# ", "{", "}", "[", "]", '"files"', '"path"', '"content"',
     ":", ",", "shop/reports.py", ".git/hooks/x", "../../etc/passwd", "\x00", "\u2028", "path: a.py\n", "null"]
)
replies = st.lists(st.one_of(pieces, st.text(max_size=20)), max_size=30).map("".join)


def json_replies():
    files = st.lists(
        st.fixed_dictionaries({"path": st.one_of(st.text(max_size=30), pieces), "content": st.one_of(st.text(max_size=40), st.integers(), st.none())}),
        max_size=4,
    )
    body = st.fixed_dictionaries(
        {"title": st.one_of(st.text(max_size=20), st.integers(), st.none()), "files": st.one_of(files, st.text(max_size=10), st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=3))}
    )
    return body.map(json.dumps)


@FAST
@given(st.one_of(replies, json_replies()), st.text(max_size=30))
def test_reading_a_reply_yields_a_design_or_a_reply_error(text, target_path):
    try:
        reply = parse_candidate(text, target_path)
    except ReplyError:
        return
    assert reply.edits and all(isinstance(e.path, str) for e in reply.edits)


@FAST
@given(st.one_of(replies, json_replies()), st.text(max_size=10))
def test_reading_an_object_yields_the_key_or_a_reply_error(text, key):
    try:
        parse_object(text, key)
    except ReplyError:
        pass
    found = json_object(text)
    assert found is None or isinstance(found, dict)


@FAST
@given(st.one_of(st.text(max_size=60), st.lists(pieces, max_size=6).map("/".join)))
def test_a_path_a_model_names_stays_inside_the_repository_or_is_refused(tmp_path_factory, path):
    top = tmp_path_factory.getbasetemp() / "top"
    top.mkdir(exist_ok=True)
    try:
        rel = safe_relative(top, path)
    except InputError:
        return
    assert "\x00" not in rel and ".git" not in [p.lower() for p in Path(rel).parts]
    assert (top / rel).resolve().is_relative_to(top.resolve())


@FAST
@given(st.dictionaries(st.one_of(st.text(max_size=30), pieces), st.text(max_size=20), max_size=5))
def test_applying_a_designs_files_keeps_only_safe_paths_and_never_raises(tmp_path_factory, files):
    top = tmp_path_factory.getbasetemp() / "top"
    top.mkdir(exist_ok=True)
    candidate = Candidate(title="t", files=dict(files))
    reject_unsafe_paths(candidate, top)
    for path in candidate.files:
        assert safe_relative(top, path) == path
    assert candidate.valid or candidate.invalid_reason


spec_text = st.one_of(
    st.text(max_size=40),
    st.tuples(st.sampled_from(["shop/reports.py", "-x.py", "shop", "", "../x.py", "shop/reports.py\x00"]),
              st.sampled_from(["", "::", "::ReportService", "::ReportService.render", "::a.b.c", "::\x00", "::::"])).map("".join),
)


@FAST
@given(spec_text)
def test_splitting_a_target_yields_a_path_or_an_input_error(spec):
    try:
        path, symbol = split_spec(spec)
    except InputError:
        return
    assert path and (symbol is None or symbol)


@SLOW
@given(spec_text)
def test_resolving_any_target_text_in_a_real_repository_yields_a_target_or_an_input_error(sample_repo, spec):
    try:
        target, source = resolve(spec, str(sample_repo), sample_repo)
    except InputError:
        return
    assert Path(target.repo, target.path).resolve().is_relative_to(sample_repo.resolve())
    assert 1 <= target.line <= target.end_line


weight_text = st.one_of(
    st.text(max_size=40),
    st.lists(
        st.tuples(st.sampled_from(["simplicity", "judge", "nope", "", " "]), st.sampled_from(["=", "", "=="]),
                  st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(str), st.sampled_from(["nan", "inf", "-0", "1e999", "x", ""]))),
        max_size=4,
    ).map(lambda parts: ",".join("".join(p) for p in parts)),
)


@FAST
@given(weight_text)
def test_weights_are_finite_known_and_bounded_or_refused(text):
    try:
        weights = parse_weights(text)
    except InputError:
        return
    assert all(0 <= w <= 1000 for w in weights.values())


@pytest.fixture(scope="module")
def sample_repo(tmp_path_factory):
    from divergent.samples import create

    return create("shop", tmp_path_factory.mktemp("sample") / "shop")


SOURCE = "class ReportService:\n    def render(self, kind):\n        if kind == 'csv':\n            return 'a,b'\n        return ''\n"
edit_text = st.one_of(st.text(max_size=30), pieces, st.sampled_from(["class ReportService:", "    def render(self, kind):", "return ''", SOURCE]))
edits = st.lists(
    st.builds(
        __import__("divergent.model", fromlist=["Edit"]).Edit,
        kind=st.sampled_from(["target", "replace", "file", "delete", "move", "nonsense", ""]),
        path=st.one_of(st.just("shop/reports.py"), st.text(max_size=20), pieces),
        search=edit_text, replace=edit_text, content=edit_text, to=st.one_of(st.just(""), st.text(max_size=20), pieces),
    ),
    max_size=5,
)


@FAST
@given(edits)
def test_applying_any_edits_gives_files_and_errors_never_an_exception(edits):
    from divergent.context.edits import apply_edits
    from divergent.model import Target

    target = Target("/nonexistent-repo", "shop/reports.py", "ReportService", "class", 1, 5, "0" * 40)
    applied = apply_edits(edits, target, lambda path: SOURCE if path == "shop/reports.py" else None)
    assert all(isinstance(p, str) and isinstance(c, str) for p, c in applied.files.items())
    assert all(isinstance(e, str) for e in applied.errors)
