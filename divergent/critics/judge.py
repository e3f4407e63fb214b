"""Judge: the model compares each design with today's code on criteria the engineer names.

Pairwise, asked ``repeats`` times (``--judge-repeats``, default 2) with the order
swapped on every other ask, so position bias cancels out and the agreement between
repeats says how much to trust the verdicts. A criterion's score is the design's win
rate (a tie counts half); today's code scores 0.5.
"""

from __future__ import annotations

from divergent.context.edits import target_spans
from divergent.llm import prompts
from divergent.critics.base import CriticContext
from divergent.llm.client import ChatRequest, ModelClient
from divergent.llm.ask import ask_json
from divergent.model import Assessment, Candidate, Problem

VERDICT_SCHEMA = {
    "type": "object",
    "properties": {
        "verdicts": {
            "type": "object",
            "description": "criterion -> 'A', 'B' or 'tie'",
            "additionalProperties": {"type": "string", "enum": ["A", "B", "tie"]},
        }
    },
    "required": ["verdicts"],
}

ASK = """Compare design A and design B of the same code on each criterion: {criteria}.
For each criterion answer "A", "B" or "tie". Reply with one JSON object:
{{"verdicts": {{"<criterion>": "A" | "B" | "tie", ...}}}}"""


def win(verdict: str, mine: str) -> float | None:
    verdict = verdict.strip().upper()
    if verdict == "TIE":
        return 0.5
    if verdict in ("A", "B"):
        return 1.0 if verdict == mine else 0.0
    return None


class Judge:
    name = "judge"
    dimensions = ("judge",)
    phase = "representatives"
    needs_model = True
    repeats = 2  # asks per design, the order swapped on every other one

    def __init__(self, client: ModelClient | None = None, repeats: int | None = None) -> None:
        self.client = client
        if repeats is not None:
            self.repeats = repeats

    @classmethod
    def from_context(cls, context: CriticContext) -> Judge:
        return cls(context.client, context.settings.get("repeats"))

    def planned_requests(self, problem: Problem) -> int:
        return self.repeats

    async def _verdicts(self, first: dict[str, str], second: dict[str, str], problem: Problem, seed: int) -> dict[str, str]:
        files = prompts.candidate_files(Candidate("A", first), "A", target_spans(first, problem)) + prompts.candidate_files(
            Candidate("B", second), "B", target_spans(second, problem)
        )
        request = ChatRequest(
            messages=prompts.messages(problem, ASK.format(criteria=", ".join(problem.criteria)), files),
            schema_name="verdict",
            schema=VERDICT_SCHEMA,
            temperature=0.0 if seed == 0 else 0.7,
            seed=seed,
            purpose="judge",
        )
        verdicts = await ask_json(self.client, request, "verdicts", {})
        return {str(k).lower(): str(v) for k, v in verdicts.items()} if isinstance(verdicts, dict) else {}

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        if self.client is None or candidate.baseline:
            return [Assessment(self.name, "judge", 0.5, {"baseline": True}, "today's code is the reference")] if candidate.baseline else []
        rounds: dict[str, list[float]] = {c: [] for c in problem.criteria}
        for ask in range(self.repeats):
            mine = "A" if ask % 2 == 0 else "B"
            pair = (candidate.files, problem.files) if mine == "A" else (problem.files, candidate.files)
            verdicts = await self._verdicts(*pair, problem, seed=ask)
            for criterion in problem.criteria:
                value = win(verdicts.get(criterion.lower(), ""), mine)
                if value is not None:
                    rounds[criterion].append(value)
        judged = {c: v for c, v in rounds.items() if v}
        if not judged:
            return []
        per = {c: round(sum(v) / len(v), 4) for c, v in judged.items()}
        agreement = {c: round(1 - (max(v) - min(v)), 4) for c, v in judged.items()}
        score = round(sum(per.values()) / len(per), 4)
        evidence = ", ".join(f"{c} {per[c]:.2f} (agreement {agreement[c]:.0%})" for c in per)
        explain = "\n".join(
            [f"judge {score:.3f} = mean over {len(per)} criteria of the design's win rate (a tie counts half)"]
            + [f"  {c}: wins {judged[c]} over {len(judged[c])} asks → {per[c]:.3f}, agreement {agreement[c]:.0%}" for c in per]
            + [f"  {self.repeats} asks, the order swapped on every other one (--judge-repeats)"]
        )
        raw = {"criteria": per, "agreement": agreement, "rounds": judged, "explain": explain}
        return [Assessment(self.name, "judge", score, raw, evidence)]
