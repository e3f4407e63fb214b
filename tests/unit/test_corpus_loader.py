"""The calibration corpus can be had: every pair's files come from the registries and parse."""

from __future__ import annotations

from corpus.loader import CorpusUnavailable, Release, load_pairs, pair_files, read_files

import pytest

from divergent.context.parsing import language_for, parse


def test_manifest_records_the_source_of_every_pair():
    pairs = load_pairs()
    assert len(pairs) >= 20
    assert len({p.language for p in pairs}) >= 3
    assert len({p.id for p in pairs}) == len(pairs)
    for p in pairs:
        assert p.repository.startswith("https://github.com/") and p.commits and p.license and p.tests, p.id
        assert p.aimed_at in {"simplicity", "extensibility", "change_cost"}, p.id
        assert all(len(c) == 40 for c in p.commits), p.id
        # the manifest's rule: a pair the refactoring makes less than half of is not counted
        assert 0 <= p.refactoring_share <= 1, p.id
        assert p.refactoring_share >= 0.5 or p.ambiguous, f"{p.id}: share {p.refactoring_share} but counted"
    assert sum(1 for p in pairs if not p.ambiguous) >= 20


def test_every_pair_loads_and_parses():
    for pair in load_pairs():
        before, after = pair_files(pair)
        assert set(before) == set(pair.files) and any(before.values()), pair.id
        # the after's units may all be gone (dead code removed); its files are there
        assert all(read_files(pair.release(pair.after), pair.after_files or pair.files).values()), pair.id
        assert before != after, pair.id
        for path, text in {**before, **after}.items():
            lang = language_for(path)
            assert lang == pair.language, (pair.id, path, lang)
            assert not parse(text, lang).root_node.has_error, (pair.id, path)


def test_a_missing_file_is_an_error_not_a_skip():
    with pytest.raises(CorpusUnavailable, match="no nowhere.py"):
        read_files(Release("pypi", "click", "7.0"), ["nowhere.py"])
