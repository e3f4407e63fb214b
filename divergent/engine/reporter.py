"""Reporting engine events as text: progress on stderr, a summary table on stdout."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from divergent.engine.events import (
    ActionFinished,
    AutopilotPlanned,
    AutopilotStepped,
    AutopilotStopped,
    CandidateScored,
    Clustered,
    CriticPlan,
    NearDuplicate,
    NoveltyChecked,
    Resumed,
    SessionStarted,
    UsageChanged,
    Verified,
)
from divergent.model import Event

DIMENSIONS = ("simplicity", "extensibility")


class ProgressReporter:
    """Consumes engine events and writes one progress line per step to ``stream``."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.scored = 0
        self.requests = ""

    def _write(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def __call__(self, event: Event) -> None:
        match event:
            case SessionStarted():
                self._write(f"session {event.session}: {event.target} at {event.commit[:8]} — explorers: {', '.join(event.explorers)}")
            case CandidateScored():
                self.scored += 1
                mark = "ok" if event.valid else f"invalid: {event.reason}"
                figures = "  ".join(f"{k} {event.scores.get(k, 0):.2f}" for k in DIMENSIONS)
                self._write(f"  scored #{event.number:<3} {event.title[:58]:<58}  {figures}  {mark}{self.requests}")
            case Verified():
                how = f"as #{event.inherited_from} (near-duplicate, not run)" if event.inherited_from is not None else f"after {event.seconds:.1f} s"
                self._write(f"  verified #{event.number:<3} {'pass' if event.passed else 'FAIL'} {how} — {event.evidence[:90]}")
            case NearDuplicate():
                self._write(f"  near-duplicate: #{event.number} is {event.alike:.0f} % like #{event.of} (it inherits, it does not pay)")
            case UsageChanged():
                of = f"/{event.budget}" if event.budget else ""
                self.requests = f"  [requests {event.requests}{of}, {event.input_tokens + event.output_tokens} tokens]"
            case CriticPlan():
                self._write(f"model critics: {', '.join(event.critics)} on {event.representatives} representatives ({event.requests} requests)")
            case AutopilotPlanned():
                self._write(f"autopilot: a first wave of {event.first_wave}{' API sketches' if event.sketch else ''} for this target")
            case AutopilotStepped():
                self._write(
                    f"autopilot: {event.arm.replace('_', ' ')} → best {event.best:.2f}, {event.clusters} clusters, {event.requests} requests"
                )
            case AutopilotStopped():
                self._write(f"autopilot stopped after {event.steps} steps: {event.reason}")
            case NoveltyChecked():
                if event.misses:
                    self._write(f"novelty: {event.misses} of {event.asked} new directions landed in a cluster already known (misses)")
                else:
                    self._write(f"novelty: all {event.asked} new directions founded clusters of their own")
            case Resumed():
                self._write(f"resuming {event.action.replace('_', ' ')}: requests that were in flight are sent again")
            case Clustered():
                self._write(f"clustered {event.candidates} candidates into {event.clusters} clusters")
            case ActionFinished():
                for note in event.notes:
                    self._write(f"note: {note}")
                if event.failed:
                    failed = sum(event.failed.values())
                    self._write(f"{event.action.replace('_', ' ')}: {event.asked} asked, {event.candidates} made, {failed} failed")


def summary_table(document: dict[str, Any]) -> str:
    """The session's candidates, best overall first, as a plain-text table."""
    target = document["target"]
    spec = target["path"] + (f"::{target['symbol']}" if target["symbol"] else "")
    rows = sorted(document["candidates"], key=lambda c: (not c["baseline"], -c["scores"].get("overall", 0)))
    designs, clusters = len(rows) - 1, len(document["clusters"])
    apart = " (no two are near-duplicates, so each is a cluster of its own)" if designs > 1 and clusters == len(rows) else ""
    lines = [
        f"session {document['session']} · {spec} · {designs} candidates and today's code in {clusters} clusters{apart}",
        "scores are 0..1, higher is better; today's code is 0.50 on each dimension",
        "",
        f"{'#':>3}  {'cluster':>7}  {'overall':>7}  {'simpl.':>6}  {'extens.':>7}  {'valid':<5}  title",
    ]
    for c in rows:
        s = c["scores"]
        cluster = ("≈" if c.get("near_duplicate") else "") + str(c["cluster"] or "-")
        lines.append(
            f"{c['id']:>3}  {cluster:>7}  {s.get('overall', 0):>7.2f}  {s.get('simplicity', 0):>6.2f}  "
            f"{s.get('extensibility', 0):>7.2f}  {'yes' if c['valid'] else 'no':<5}  {c['title']}"
        )
    if any(c.get("near_duplicate") for c in rows):
        lines.append("≈ a near-duplicate of an earlier design of its cluster: it took that design's verdicts instead of paying for them")
    best = next((c for c in rows if not c["baseline"] and c["valid"]), None)
    if best is not None:
        lines += ["", f"best: #{best['id']} {best['title']} — divergent show {document['session']} {best['id']}"]
    asks = document.get("asks") or {}
    if asks.get("asked"):
        lines += ["", f"designs asked {asks['asked']}, made {asks['made']}, failed {asks['failed']}"]
        lines += [f"  {n} x {reason}" for reason, n in asks["reasons"].items()]
        lines += [f"  note: {note}" for note in asks["notes"]]
    for call in document.get("failed_calls") or []:
        lines.append(f"failed call ({call['purpose']}, x{call['calls']}): {call['error']}")
    return "\n".join(lines)
