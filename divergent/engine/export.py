"""A chosen candidate leaves the session: a patch, a branch, or a decision record.

A branch is made in a temporary worktree: the engineer's working tree and index
are never touched. Branch names are checked with ``git check-ref-format`` and
never passed where git could read them as options.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from divergent.context.repo import read_at
from divergent.context.worktree import git, scratch_worktree
from divergent.engine import ranking
from divergent.model import Candidate, InputError, Problem
from divergent.storage.lineage import record_export
from divergent.storage.patch import unified_patch
from divergent.storage.store import Store

KINDS = {"patch": "--patch", "adr": "--adr", "branch": "--branch"}  # what to make, and the flag that asks for it


def exportable(store: Store, session: int, number: int) -> str:
    """The candidate's patch; InputError when there is nothing to export (today's code, an
    invalid design, a design that changes nothing)."""
    candidate = store.candidate(session, number)
    if candidate.baseline:
        raise InputError(f"candidate {number} is today's code: there is nothing to export")
    commit = store.session(session).commit_sha
    if not candidate.valid:
        raise InputError(f"candidate {number} is invalid ({candidate.invalid_reason}): nothing exported; pick a valid one")
    text = patch(store, session, number)
    if not text:
        raise InputError(f"candidate {number} changes nothing at {commit[:8]}: there is nothing to export")
    return text


def output_file(value: str, flag: str) -> Path:
    """The file an export is written to, refused in one line when it cannot be."""
    out = Path(value).expanduser()
    if "\x00" in value:
        raise InputError(f"{flag} names a path with a NUL byte")
    if out.is_dir():
        raise InputError(f"{flag} names a directory: {out}")
    if not out.parent.exists():
        raise InputError(f"no such directory for {flag}: {out.parent}")
    if not out.parent.is_dir():
        raise InputError(f"{flag}: {out.parent} is a file, not a directory")
    return out


def write(out: Path, text: str, flag: str) -> None:
    """Write an export; one line when the file cannot be written."""
    try:
        out.write_text(text)
    except OSError as error:
        raise InputError(f"cannot write {flag} {out}: {error.strerror or error}") from None


def export(store: Store, session: int, number: int, kind: str, target: str, flag: str | None = None) -> str:
    """Export a candidate — ``patch`` or ``adr`` to the file ``target`` (``-`` for a patch:
    returned, not written), ``branch`` named ``target`` — and record it as an event. Returns
    what was done, in words (the patch itself for ``-``). ``flag`` names the target in a refusal."""
    text = exportable(store, session, number)
    commit = store.session(session).commit_sha
    flag = flag or KINDS[kind]
    if kind == "branch":
        sha = branch(store, session, number, target)
        record_export(store, session, number, "branch", f"{target}@{sha}")
        return f"branch {target} at {sha[:8]} (from {commit[:8]}); your working tree is untouched"
    if kind == "patch" and target == "-":
        record_export(store, session, number, "patch", "-")
        return text
    out = output_file(target, flag)
    write(out, decision_record(store, session, number) if kind == "adr" else text, flag)
    record_export(store, session, number, kind, str(out.resolve()))
    if kind == "adr":
        return f"wrote {out}, the decision record"
    return f"wrote {out} — apply it at {commit[:8]} with: git apply {out}"


def patch(store: Store, session: int, number: int) -> str:
    return candidate_patch(store.problem(session), store.candidate(session, number))


def candidate_patch(problem: Problem, candidate: Candidate) -> str:
    """The candidate as a unified diff that ``git apply`` takes at the session's commit."""
    repo = Path(problem.target.repo)
    changes = []
    for path, new in [*candidate.files.items(), *((path, None) for path in candidate.deleted)]:
        old = problem.files.get(path)
        if old is None and repo.exists():
            old = read_at(repo, problem.target.commit, path)
        changes.append((path, old, new))
    return unified_patch(changes)


def check_branch_name(repo: Path, name: str) -> None:
    if not name or name.startswith("-"):
        raise InputError(f"not a usable branch name: {name!r}")
    done = subprocess.run(["git", "-C", str(repo), "check-ref-format", "--branch", name], capture_output=True, text=True)
    if done.returncode != 0:
        raise InputError(f"not a valid branch name: {name!r}")
    exists = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"refs/heads/{name}"], capture_output=True)
    if exists.returncode == 0:
        raise InputError(f"branch {name!r} already exists")


def branch(store: Store, session: int, number: int, name: str) -> str:
    """Commit the candidate on a new branch at the session's commit; returns the new commit's sha."""
    problem = store.problem(session)
    candidate = store.candidate(session, number)
    repo = Path(problem.target.repo)
    if not repo.exists():
        raise InputError(f"the session's repository is gone: {repo}")
    check_branch_name(repo, name)
    try:
        with scratch_worktree(repo, problem.target.commit, candidate.files, branch=name, deleted=candidate.deleted) as tree:
            git(tree, "add", "--all", "--", *candidate.files, *candidate.deleted)
            message = f"{candidate.title}\n\n{candidate.summary}\n\nExplored with divergent: session {session}, candidate {number}."
            git(tree, "-c", "user.name=divergent", "-c", "user.email=divergent@localhost", "commit", "--quiet", "--no-verify", "-m", message)
            return git(tree, "rev-parse", "HEAD").strip()
    except BaseException:
        # the branch did not exist before (checked above): whatever is there now is ours, half made
        subprocess.run(["git", "-C", str(repo), "branch", "--quiet", "-D", name], capture_output=True)
        raise


def decision_record(store: Store, session: int, number: int) -> str:
    """A Markdown decision record: context, the decision, and every alternative weighed."""
    row = store.session(session)
    problem = store.problem(session)
    chosen = store.candidate(session, number)
    assessments = store.assessments(session)
    overall = store.overall(session)
    front = store.pareto(session)
    clusters = store.clusters(session)
    candidates = {c.id: c for c in store.candidates(session)}

    def scores(n: int) -> str:
        s = ranking.scores(assessments.get(n, []))
        return ", ".join(f"{d} {v:.2f}" for d, v in sorted(s.items())) + f"; overall {overall.get(n, 0):.2f}"

    lines = [
        f"# {chosen.title}",
        "",
        f"Date: {date.today().isoformat()}  ",
        "Status: accepted  ",
        f"Target: `{problem.target.spec}` at `{problem.target.commit[:12]}`  ",
        f"Explored with divergent, session {session} ({len(candidates) - 1} candidates and today's code in {len(clusters)} clusters)",
        "",
        "## Context",
        "",
        problem.goal or "(no goal was stated)",
    ]
    if problem.scenarios:
        lines += ["", "Likely changes the design should make cheap:", *[f"- {s}" for s in problem.scenarios]]
    lines += [
        "",
        "## Decision",
        "",
        f"Candidate #{number}: {chosen.summary}",
        "",
        chosen.rationale or "",
        "",
        f"Scores (0..1, higher is better, today's code 0.50): {scores(number)}.",
        "",
        "Evidence:",
        *[f"- {a.dimension}: {a.evidence}" for a in assessments.get(number, [])],
        "",
        "## Alternatives weighed",
        "",
        "| cluster | representative | size | scores | Pareto |",
        "|---|---|---|---|---|",
    ]
    for c in clusters:
        medoid = candidates[c.medoid]
        lines.append(
            f"| {c.id} {c.label} | #{c.medoid} {medoid.title} | {len(c.members)} | {scores(c.medoid)} | "
            f"{'yes' if c.medoid in front else ''} |"
        )
    lines += ["", f"Session status when recorded: {row.status}.", ""]
    return "\n".join(lines)
