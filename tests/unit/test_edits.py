"""The edit format: replies read as edits (JSON and markdown) and applied to the base files."""

from __future__ import annotations

import json
import pytest

from divergent.context.edits import apply_edits, search_replace
from divergent.llm.parsing import ReplyError, parse_candidate
from divergent.model import Edit, Target

MODULE = '''import os


def helper(x):
    return x + 1


class Greeter:
    def hello(self, name):
        return "hello " + name

    def bye(self, name):
        return "bye " + name


def tail():
    return helper(2)
'''

TARGET = Target("/nowhere", "pkg/mod.py", "Greeter", "class", 8, 13)


def base_of(files):
    return lambda path: files.get(path)


# reading replies ------------------------------------------------------------


def test_json_edits_are_read_with_every_kind():
    reply = json.dumps({
        "title": "T", "summary": "S", "rationale": "R",
        "edits": [
            {"kind": "target", "path": "pkg/mod.py", "content": "class Greeter:\n    pass\n"},
            {"kind": "replace", "path": "pkg/use.py", "search": "a = 1\n", "replace": "a = 2\n"},
            {"kind": "create", "path": "pkg/new.py", "content": "x = 1\n"},
            {"kind": "delete", "path": "pkg/old.py"},
            {"kind": "move", "path": "pkg/a.py", "to": "pkg/b.py"},
            {"kind": "move", "path": "pkg/c.py"},  # no destination: dropped
            {"kind": "shrug", "path": "pkg/d.py"},  # unknown kind: dropped
        ],
    })
    got = parse_candidate(reply, "pkg/mod.py")
    assert [(e.kind, e.path) for e in got.edits] == [
        ("target", "pkg/mod.py"), ("replace", "pkg/use.py"), ("file", "pkg/new.py"), ("delete", "pkg/old.py"), ("move", "pkg/a.py"),
    ]
    assert got.edits[1].search == "a = 1\n" and got.edits[4].to == "pkg/b.py" and not got.lenient


def test_markdown_search_replace_blocks_with_paths_deletes_and_moves():
    text = """# Split the greeter

It splits things.

pkg/mod.py
```python
<<<<<<< SEARCH
    def bye(self, name):
=======
    def farewell(self, name):
>>>>>>> REPLACE
```

pkg/use.py
```python
<<<<<<< SEARCH
a = 1
=======
a = 2
>>>>>>> REPLACE

<<<<<<< SEARCH
b = 1
=======
b = 2
>>>>>>> REPLACE
```

pkg/new.py
```python
print(1)
```

Delete: `pkg/old.py`
- Move pkg/a.py -> pkg/b.py
"""
    got = parse_candidate(text, "pkg/mod.py")
    assert got.title == "Split the greeter" and got.summary == "It splits things." and got.lenient
    assert [(e.kind, e.path) for e in got.edits] == [
        ("replace", "pkg/mod.py"), ("replace", "pkg/use.py"), ("replace", "pkg/use.py"),
        ("file", "pkg/new.py"), ("move", "pkg/a.py"), ("delete", "pkg/old.py"),
    ]
    assert got.edits[2].search == "b = 1\n" and got.edits[0].replace == "    def farewell(self, name):\n"


def test_whole_file_json_replies_are_still_read():
    got = parse_candidate(json.dumps({"title": "T", "files": [{"path": "pkg/mod.py", "content": MODULE}]}), "pkg/mod.py")
    assert got.edits == [Edit("file", "pkg/mod.py", content=MODULE)]


def test_a_reply_with_nothing_to_apply_is_an_error():
    with pytest.raises(ReplyError):
        parse_candidate("I would rather not.", "pkg/mod.py")


# applying edits -------------------------------------------------------------


def test_search_matches_exactly_then_ignoring_whitespace_and_keeps_the_files_indentation():
    assert search_replace("a = 1\nb = 2\n", "b = 2\n", "b = 3\n") == "a = 1\nb = 3\n"
    found = search_replace(MODULE, "def hello(self,name):\n  return 'x'\n", "def hi(self, name):\n  return name\n")
    assert found is None  # the body differs beyond whitespace
    moved = search_replace(MODULE, "def hello(self,  name):\n    return \"hello \" + name\n", "def hi(self, name):\n    return name\n")
    assert "    def hi(self, name):\n        return name\n" in moved and "def hello" not in moved


def test_a_snippet_that_defines_the_target_replaces_only_its_span():
    snippet = "class Greeter:\n    def hello(self, name):\n        return f'hi {name}'\n"
    done = apply_edits([Edit("file", "pkg/mod.py", content=snippet)], TARGET, base_of({"pkg/mod.py": MODULE}))
    assert not done.errors
    new = done.files["pkg/mod.py"]
    assert new.startswith("import os\n\n\ndef helper(x):") and new.endswith("def tail():\n    return helper(2)\n")
    assert "f'hi {name}'" in new and "def bye" not in new


def test_the_target_edit_replaces_the_span_and_a_whole_file_stays_whole():
    done = apply_edits([Edit("target", "pkg/mod.py", content="class Greeter:\n    pass\n")], TARGET, base_of({"pkg/mod.py": MODULE}))
    assert done.files["pkg/mod.py"] == MODULE.replace(MODULE[MODULE.index("class Greeter"):MODULE.index("\n\ndef tail")], "class Greeter:\n    pass\n")
    whole = MODULE.replace("return x + 1", "return x + 2")
    done = apply_edits([Edit("file", "pkg/mod.py", content=whole)], TARGET, base_of({"pkg/mod.py": MODULE}))
    assert done.files["pkg/mod.py"] == whole


def test_a_partial_snippet_never_replaces_a_whole_file():
    base = {"pkg/mod.py": MODULE, "pkg/use.py": "import os\n\nA = 1\nB = 2\nC = 3\nD = 4\n"}
    edits = [Edit("file", "pkg/mod.py", content="def helper(x):\n    return x * 2\n"), Edit("file", "pkg/use.py", content="B = 5\n")]
    done = apply_edits(edits, TARGET, base_of(base))
    assert done.files == {}
    assert done.errors == [
        "a partial snippet of pkg/mod.py that does not define Greeter cannot replace the whole file",
        "a partial snippet of pkg/use.py cannot replace the whole file (send SEARCH/REPLACE edits)",
    ]


def test_failed_search_says_why_and_the_other_edits_still_apply():
    base = {"pkg/mod.py": MODULE, "pkg/use.py": "A = 1\n"}
    edits = [Edit("replace", "pkg/use.py", search="Z = 9\n", replace="Z = 1\n"), Edit("replace", "pkg/use.py", search="A = 1\n", replace="A = 2\n")]
    done = apply_edits(edits, TARGET, base_of(base))
    assert done.files == {"pkg/use.py": "A = 2\n"}
    assert done.errors == ["SEARCH text not found in pkg/use.py: 'Z = 9'"]


def test_deletions_moves_and_new_files():
    base = {"pkg/mod.py": MODULE, "pkg/a.py": "A = 1\n", "pkg/old.py": "O = 1\n"}
    edits = [
        Edit("delete", "pkg/old.py"), Edit("move", "pkg/a.py", to="pkg/b.py"), Edit("replace", "pkg/new.py", replace="N = 1\n"),
        Edit("delete", "pkg/ghost.py"),
    ]
    done = apply_edits(edits, TARGET, base_of(base))
    assert done.files == {"pkg/b.py": "A = 1\n", "pkg/new.py": "N = 1\n"}
    assert sorted(done.deleted) == ["pkg/a.py", "pkg/old.py"]
    assert done.errors == ["cannot delete pkg/ghost.py: no such file"]


def test_a_json_reply_with_raw_newlines_in_its_strings_is_read():
    # what SmolLM2 wrote through llama-cpp-python's grammar (json_object with the schema):
    # code with real line breaks inside a JSON string, which strict JSON refuses
    text = '{"title": "Split", "summary": "two\nlines", "rationale": "r",\n "edits": [{"kind": "create", "path": "shop/cli.py", "content": "def main():\n\treturn 1\n"}]}'
    reply = parse_candidate(text, "shop/reports.py")
    assert reply.summary == "two\nlines"
    assert [(e.kind, e.path, e.content) for e in reply.edits] == [("file", "shop/cli.py", "def main():\n\treturn 1\n")]
