"""Framing a session: the target, its source, its module's signatures and its callers."""

from __future__ import annotations

from pathlib import Path

from divergent.context import repo as gitrepo
from divergent.context.callers import family_suffixes, find_call_sites, own_spans, public_names
from divergent.context.figures import scanned
from divergent.context.pack import pack
from divergent.context.parsing import language_for, parse, text
from divergent.context.syntax import definitions, signature
from divergent.context.target import resolve
from divergent.model import Problem, Target

DEFAULT_CONTEXT_TOKENS = 8000


def target_source(source: str, target: Target) -> str:
    """The target's text; for a Go or Rust type, with the methods declared beside it."""
    if target.symbol is None:
        return source
    lines = source.splitlines(keepends=True)
    spans = own_spans(source, language_for(target.path) or "python", target)
    return "\n".join("".join(lines[first - 1 : last]) for first, last in spans)


def module_signatures(source: str, target: Target) -> list[str]:
    """The header of each other top-level definition of the target's file (its first line,
    outside Python)."""
    own = target.symbol.split(".")[0] if target.symbol else None
    lang = language_for(target.path) or "python"
    if lang == "python":
        return [signature(d) for d in definitions(parse(source).root_node) if d.name != own]
    units = scanned(source, lang).units
    return [
        text(u.node).split("\n", 1)[0].rstrip(" {")
        for u in units
        if u.parent is None and u.own_name != own and u.qualifier != own and not u.name.startswith(f"{own}.")
    ]


def split_scenario(text: str) -> tuple[str, list[str]]:
    """``"add YAML => ReportService.render, report"`` -> ("add YAML", ["ReportService.render", "report"])."""
    scenario, _, units = text.partition("=>")
    return scenario.strip(), [u.strip() for u in units.split(",") if u.strip()]


def frame(
    spec: str,
    repo_arg: str | None,
    cwd: Path,
    goal: str = "",
    scenarios: list[str] | None = None,
    context_tokens: int = DEFAULT_CONTEXT_TOKENS,
) -> Problem:
    """The problem for a target, with what a request shows packed to ``context_tokens``."""
    target, source = resolve(spec, repo_arg, cwd)
    top = Path(target.repo)
    plain, attributes = public_names(source, target)
    others = gitrepo.read_many(top, target.commit, gitrepo.tracked_files(top, target.commit, family_suffixes(language_for(target.path))))
    sites = find_call_sites(others, target, plain, attributes)
    split = [split_scenario(s) for s in scenarios or []]
    shown = target_source(source, target)
    signatures = module_signatures(source, target)
    context = pack(target, source, shown, signatures, sites, others.get, context_tokens)
    return Problem(
        target=target,
        goal=goal,
        scenarios=[text for text, _ in split if text],
        scenario_terms={text: units for text, units in split if text and units},
        files={target.path: source},
        source=shown,
        signatures=signatures,
        call_sites=sites,
        context=context,
        used_names=sorted({s.name for s in sites}),
    )

