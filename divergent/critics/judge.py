"""Judge: the model compares each design with today's code on criteria the engineer names.

Pairwise, with the order swapped and repeated, so position bias cancels out and
the agreement between repeats says how much to trust the verdicts. A criterion's
score is the design's win rate (a tie counts half); today's code scores 0.5.
"""

from __future__ import annotations

from divergent.llm import prompts
from divergent.llm.client import ChatRequest
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
    repeats = 1  # each repeat asks twice, once in each order

    def __init__(self) -> None:
        self.client = None

    def planned_requests(self, problem: Problem) -> int:
        return 2 * self.repeats

    async def _verdicts(self, first: dict[str, str], second: dict[str, str], problem: Problem, seed: int) -> dict[str, str]:
        files = prompts.candidate_files(Candidate("A", first), "A") + prompts.candidate_files(Candidate("B", second), "B")
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
        for repeat in range(self.repeats):
            forward = await self._verdicts(candidate.files, problem.files, problem, seed=2 * repeat)
            backward = await self._verdicts(problem.files, candidate.files, problem, seed=2 * repeat + 1)
            for criterion in problem.criteria:
                for verdicts, mine in ((forward, "A"), (backward, "B")):
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
        return [Assessment(self.name, "judge", score, {"criteria": per, "agreement": agreement, "rounds": judged}, evidence)]
