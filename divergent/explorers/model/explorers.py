"""The model explorers. Each builds its asks and leaves sending to ``fan_out``."""

from __future__ import annotations

import itertools
import random
from typing import AsyncIterator

from divergent.context.edits import target_spans
from divergent.llm.budget import BudgetExhausted
from divergent.llm.client import ChatRequest
from divergent.llm.ask import ask_json
from divergent.explorers.base import ExploreRequest
from divergent.llm import prompts
from divergent.explorers.model.fanout import Ask, fan_out, require_client
from divergent.explorers.model.lenses import all_lenses
from divergent.model import Candidate, Fidelity

MAX_DIMENSIONS, MAX_VALUES = 5, 4
HANDOVER_START = 500  # lens asks made for another explorer's share: seeds and variations of their own


def _ask(request: ExploreRequest, explorer: str, direction: str, seed: int, files=None, **record) -> Ask:
    sketch = request.sketch and explorer != "materialize"
    chat = ChatRequest(
        messages=prompts.messages(request.problem, direction, files, sketch=sketch),
        schema_name="candidate",
        schema=prompts.CANDIDATE_SCHEMA,
        seed=request.seed + seed,
        purpose=explorer,
    )
    fidelity = Fidelity.SKETCH if sketch else Fidelity.FULL
    return Ask(chat, explorer, fidelity=fidelity, **record)


class AskingExplorer:
    """A model explorer: it builds its asks; ``propose`` sends them all and yields what lands."""

    name = "model"
    needs_model = True

    async def asks(self, request: ExploreRequest) -> list[Ask]:
        raise NotImplementedError

    async def propose(self, request: ExploreRequest) -> AsyncIterator[Candidate]:
        client = require_client(request.client, self.name)
        async for candidate in fan_out(client, request.problem, await self.asks(request), request.tally):
            yield candidate


class LensesExplorer(AskingExplorer):
    """One request per design lens, cycling through the lenses when more are wanted."""

    name = "lenses"

    async def asks(self, request: ExploreRequest, start: int = 0) -> list[Ask]:
        """``request.count`` asks, from the ``start``-th lens on (another explorer's share starts past this one's)."""
        lenses = all_lenses(request.client.endpoint.lenses)
        asks = []
        for i in range(start, start + request.count):
            lens = lenses[i % len(lenses)]
            direction = f"Direction ({lens.name}): {lens.instruction}"
            if i >= len(lenses):
                direction += f"\nVariation {i // len(lenses) + 1} of this direction: take it where the obvious version would not go."
            asks.append(_ask(request, self.name, direction, seed=i, lens=lens.name))
        return asks


def _dimensions(value) -> list[tuple[str, list[str]]]:
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and item.get("name") and isinstance(item.get("values"), list):
            values = [str(v) for v in item["values"] if str(v).strip()][:MAX_VALUES]
            if len(values) >= 2:
                out.append((str(item["name"]), values))
    return out[:MAX_DIMENSIONS]


class DimensionsExplorer(AskingExplorer):
    """The model names the design dimensions; candidates then cover combinations not yet tried."""

    name = "dimensions"

    async def asks(self, request: ExploreRequest) -> list[Ask]:
        client = require_client(request.client, self.name)
        ask = ChatRequest(
            messages=[
                {"role": "system", "content": "You map design spaces. Reply with one JSON object only."},
                {
                    "role": "user",
                    "content": prompts.frame(request.problem)
                    + "\n\n"
                    + prompts.file_block(request.problem.target.path, request.problem.files[request.problem.target.path])
                    + "\n\nName 3 to 5 independent design dimensions for this code, each with 2 to 4 "
                    'contrasting values: {"dimensions": [{"name": ..., "values": [...]}, ...]}',
                },
            ],
            schema_name="dimensions",
            schema=prompts.DIMENSIONS_SCHEMA,
            purpose=self.name,
        )
        try:
            dimensions = _dimensions(await ask_json(client, ask, "dimensions", []))
        except BudgetExhausted:
            request.tally.miss("the budget was spent before the dimensions were asked for")
            return []
        if not dimensions:  # its share is not lost: the lenses make it, past their own
            request.tally.notes.append(f"the dimensions reply was unusable: the lenses make its {request.count} designs")
            return await LensesExplorer().asks(request, start=HANDOVER_START)
        names = [name for name, _ in dimensions]
        combos = [dict(zip(names, values)) for values in itertools.product(*(v for _, v in dimensions))]
        random.Random(request.problem.target.spec).shuffle(combos)
        covered = [c for c in request.covered if set(c) >= set(names)]
        fresh = [c for c in combos if not any(all(done[k] == c[k] for k in names) for done in covered)]
        asks = []
        for i, choices in enumerate(fresh[: request.count]):
            direction = "Design along these dimensions, taking exactly these values:\n"
            direction += "\n".join(f"- {k}: {v}" for k, v in choices.items()) + "\n" + prompts.choices_line(choices)
            asks.append(_ask(request, self.name, direction, seed=1000 + i, choices=choices, lens="dimensions"))
        return asks


class ExpandExplorer(AskingExplorer):
    """More designs like a cluster's representative: its choices kept, its details varied."""

    name = "expand"

    async def asks(self, request: ExploreRequest) -> list[Ask]:
        asks = []
        for parent in request.parents:
            choices = ", ".join(f"{k}: {v}" for k, v in parent.choices.items())
            direction = (
                f"Another design in the same family as the design above ({parent.title})"
                + (f", keeping its choices ({choices})" if choices else "")
                + ": same central idea, different details, names, and decomposition."
            )
            if parent.choices:
                direction += "\n" + prompts.choices_line(parent.choices)
            for i in range(max(1, request.count)):
                asks.append(_ask(request, self.name, direction, seed=6000 + i, files=prompts.candidate_files(parent, spans=target_spans(parent.files, request.problem)), base=dict(parent.files), parents=[parent.id], lens="expand", choices=dict(parent.choices)))
        return asks


class NoveltyExplorer(AskingExplorer):
    """A design unlike every cluster found so far."""

    name = "novelty"

    async def asks(self, request: ExploreRequest) -> list[Ask]:
        known = "\n".join(f"{i}. {label}: {summary}" for i, (label, summary) in enumerate(request.known, 1))
        direction = (
            "Designs explored so far:\n" + (known or "(none)") + "\n\nPropose a design unlike every one of them: "
            "a different central abstraction and a different structure, not a variation."
        )
        asks = [_ask(request, self.name, direction, seed=2000 + i, lens="novelty") for i in range(request.count)]
        return asks


def critique(evidence) -> str:
    lines = [f"- {a.dimension} {a.score:.2f}: {a.evidence}" for a in sorted(evidence, key=lambda a: a.score)]
    return "\n".join(lines) or "- (no evidence recorded)"


class RefineExplorer(AskingExplorer):
    """A revision of each parent that answers its critics' evidence."""

    name = "refine"

    async def asks(self, request: ExploreRequest) -> list[Ask]:
        asks = []
        for parent in request.parents:
            direction = (
                f"Revise the design above ({parent.title}). The critics' evidence, weakest first:\n"
                f"{critique(request.evidence.get(parent.id, []))}\n"
                "Keep its central idea; change what the evidence shows is weak."
            )
            for i in range(max(1, request.count // max(1, len(request.parents)))):
                asks.append(_ask(request, self.name, direction, seed=3000 + i, files=prompts.candidate_files(parent, spans=target_spans(parent.files, request.problem)), base=dict(parent.files), parents=[parent.id], lens="refine", choices=dict(parent.choices)))
        return asks


class CombineExplorer(AskingExplorer):
    """One design from two parents, keeping the strengths of both."""

    name = "combine"

    async def asks(self, request: ExploreRequest) -> list[Ask]:
        if len(request.parents) < 2:
            return []
        a, b = request.parents[:2]
        direction = (
            f"Combine design A ({a.title}: {a.summary}) and design B ({b.title}: {b.summary}) into one "
            "coherent design that keeps the strengths of both."
        )
        files = prompts.candidate_files(a, "A", target_spans(a.files, request.problem)) + prompts.candidate_files(
            b, "B", target_spans(b.files, request.problem)
        )
        asks = [_ask(request, self.name, direction, seed=4000 + i, files=files, base=dict(a.files), parents=[a.id, b.id], lens="combine") for i in range(max(1, request.count))]
        return asks


class MaterializeExplorer(AskingExplorer):
    """A sketch (public API only) implemented in full."""

    name = "materialize"

    async def asks(self, request: ExploreRequest) -> list[Ask]:
        asks = []
        for parent in request.parents:
            direction = f"Implement this sketch ({parent.title}) in full: keep its public API exactly and fill every body."
            asks.append(_ask(request, self.name, direction, seed=5000, files=prompts.candidate_files(parent, spans=target_spans(parent.files, request.problem)), base=dict(parent.files), parents=[parent.id], lens="materialize", choices=dict(parent.choices)))
        return asks
