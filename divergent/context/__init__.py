"""The repository: git (gitpython) and code structure (tree-sitter).

Targets and their resolution, parsing, per-language queries (``queries/*.scm``),
call sites, and the static figures of code units. ``worktree`` is a scratch git
worktree with some files written over a commit (verify and export use it).
"""
