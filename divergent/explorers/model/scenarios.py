"""Likely future changes for a target, proposed by the model for the engineer to accept or edit."""

from __future__ import annotations

from divergent.llm.client import ChatRequest, ModelClient
from divergent.llm.ask import ask_json
from divergent.llm import prompts
from divergent.model import Problem


async def propose_scenarios(client: ModelClient, problem: Problem, count: int = 5) -> list[str]:
    request = ChatRequest(
        messages=[
            {"role": "system", "content": "You predict how code will have to change. Reply with one JSON object only."},
            {
                "role": "user",
                "content": prompts.frame(problem)
                + "\n\n"
                + prompts.file_block(problem.target.path, problem.files[problem.target.path])
                + f'\n\nList the {count} requirement changes most likely to hit this code next, each one '
                'short line: {"scenarios": [...]}',
            },
        ],
        schema_name="scenarios",
        schema=prompts.SCENARIOS_SCHEMA,
        purpose="scenarios",
    )
    value = await ask_json(client, request, "scenarios", [])
    return [str(s).strip() for s in value if str(s).strip()][:count] if isinstance(value, list) else []


UNITS_SCHEMA = {
    "type": "object",
    "properties": {"units": {"type": "array", "items": {"type": "string"}}},
    "required": ["units"],
}


async def match_units(client: ModelClient, problem: Problem, scenario: str, units: list[str]) -> list[str]:
    """Which of today's units (dotted names) a scenario would touch; only names that exist."""
    request = ChatRequest(
        messages=[
            {"role": "system", "content": "You predict which code a change touches. Reply with one JSON object only."},
            {
                "role": "user",
                "content": prompts.file_block(problem.target.path, problem.files[problem.target.path])
                + f"\n\nChange: {scenario}\nUnits: {', '.join(units)}\n\n"
                'Which of these units would have to be edited for this change? {"units": [...]}',
            },
        ],
        schema_name="units",
        schema=UNITS_SCHEMA,
        temperature=0.0,
        purpose="scenario_units",
    )
    value = await ask_json(client, request, "units", [])
    known = set(units)
    return [str(u) for u in value if str(u) in known] if isinstance(value, list) else []
