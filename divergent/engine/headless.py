"""Reporting engine events as text: progress on stderr, a summary table on stdout."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from divergent.model import Event

DIMENSIONS = ("simplicity", "extensibility")


class ProgressReporter:
    """Consumes engine events and writes one progress line per step to ``stream``."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.scored = 0
        self.requests = ""

    def __call__(self, event: Event) -> None:
        handler = getattr(self, f"on_{event.kind}", None)
        if handler is not None:
            handler(event)

    def _write(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def on_session_started(self, event: Event) -> None:
        d = event.data
        self._write(f"session {event.session}: {d['target']} at {d['commit'][:8]} — explorers: {', '.join(d['explorers'])}")

    def on_candidate_scored(self, event: Event) -> None:
        d = event.data
        self.scored += 1
        mark = "ok" if d["valid"] else f"invalid: {d['reason']}"
        figures = "  ".join(f"{k} {d['scores'].get(k, 0):.2f}" for k in DIMENSIONS)
        self._write(f"  scored #{d['number']:<3} {d['title'][:58]:<58}  {figures}  {mark}{self.requests}")

    def on_usage(self, event: Event) -> None:
        d = event.data
        of = f"/{d['budget']}" if d.get("budget") else ""
        self.requests = f"  [requests {d['requests']}{of}, {d['input_tokens'] + d['output_tokens']} tokens]"

    def on_critic_plan(self, event: Event) -> None:
        d = event.data
        self._write(f"model critics: {', '.join(d['critics'])} on {d['representatives']} representatives ({d['requests']} requests)")

    def on_autopilot_plan(self, event: Event) -> None:
        self._write(f"autopilot: a first wave of {event.data['first_wave']} for this target")

    def on_autopilot_step(self, event: Event) -> None:
        d = event.data
        self._write(f"autopilot: {d['arm'].replace('_', ' ')} → best {d['best']:.2f}, {d['clusters']} clusters, {d['requests']} requests")

    def on_resume(self, event: Event) -> None:
        self._write(f"resuming {event.data['action'].replace('_', ' ')}: requests that were in flight are sent again")

    def on_clustered(self, event: Event) -> None:
        d = event.data
        self._write(f"clustered {d['candidates']} candidates into {d['clusters']} clusters")


def summary_table(document: dict[str, Any]) -> str:
    """The session's candidates, best overall first, as a plain-text table."""
    target = document["target"]
    spec = target["path"] + (f"::{target['symbol']}" if target["symbol"] else "")
    rows = sorted(document["candidates"], key=lambda c: (not c["baseline"], -c["scores"].get("overall", 0)))
    lines = [
        f"session {document['session']} · {spec} · {len(rows) - 1} candidates in {len(document['clusters'])} clusters",
        "scores are 0..1, higher is better; today's code is 0.50 on each dimension",
        "",
        f"{'#':>3}  {'cluster':>7}  {'overall':>7}  {'simpl.':>6}  {'extens.':>7}  {'valid':<5}  title",
    ]
    for c in rows:
        s = c["scores"]
        lines.append(
            f"{c['id']:>3}  {c['cluster'] or '-':>7}  {s.get('overall', 0):>7.2f}  {s.get('simplicity', 0):>6.2f}  "
            f"{s.get('extensibility', 0):>7.2f}  {'yes' if c['valid'] else 'no':<5}  {c['title']}"
        )
    best = next((c for c in rows if not c["baseline"] and c["valid"]), None)
    if best is not None:
        lines += ["", f"best: #{best['id']} {best['title']} — divergent show {document['session']} {best['id']}"]
    return "\n".join(lines)
