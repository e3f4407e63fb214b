"""Framing a session: the target, its source, its module's signatures and its callers."""

from __future__ import annotations

from pathlib import Path

from divergent.context import neighbours
from divergent.context.callers import own_spans, public_names
from divergent.context.figures import scanned
from divergent.context.index import SymbolIndex
from divergent.context.neighbours import call_sites, function_spans, neighbourhood
from divergent.context.pack import pack, tokens
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
    index: SymbolIndex | None = None,
) -> Problem:
    """The problem for a target, with what a request shows packed to ``context_tokens``.
    ``index``: the symbol index to read and fill (one in memory when not given)."""
    target, source = resolve(spec, repo_arg, cwd)
    index = index if index is not None else SymbolIndex()
    plain, attributes = public_names(source, target)
    found = neighbourhood(index, target, source, plain, attributes)
    texts = {target.path: source}
    sites = call_sites(index, found, target, plain, attributes, texts)
    split = [split_scenario(s) for s in scenarios or []]
    shown = target_source(source, target)
    signatures = module_signatures(source, target)
    repo_map = neighbours.repo_map(index, found, target, plain | attributes, tokens)
    context = pack(target, source, shown, signatures, sites, texts.get, function_spans(index, found, {s.path for s in sites}), context_tokens, repo_map)
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

