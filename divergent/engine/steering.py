"""The steering commands, in one table: the CLI's ``steer``, the palette, the autopilot and resume.

Each command has a name (events and the palette write ``new_direction``, the CLI
``new-direction``), the arguments the CLI takes after it, one line of help, whether
it needs a model, and a runner. A runner takes the session and the command's
arguments as its ``action_started`` event records them (``cluster``, ``candidate``,
``candidates``, ``count``...), so resume replays an event and the autopilot pulls
an arm through the same call the engineer makes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from divergent.context.problem import split_scenario
from divergent.engine.ranking import parse_weights
from divergent.model import InputError

if TYPE_CHECKING:
    from divergent.engine.session import Session

Arguments = dict[str, Any]
MAX_COUNT = 64  # designs one steering command may ask for


class Unavailable(InputError):
    """A command that needs what this session lacks (a model endpoint, budget, candidates)."""


MARKS = {"up": 1, "down": -1, "clear": 0}


@dataclass(frozen=True)
class Command:
    name: str
    arguments: str  # what the CLI takes after the name, e.g. "CLUSTER" or "A B"
    help: str
    needs_model: bool
    run: Callable[[Session, Arguments], Awaitable[Any]]

    @property
    def spelled(self) -> str:
        """As the command line spells it."""
        return self.name.replace("_", "-")

    def parse(self, words: list[str], count: int = 1) -> Arguments:
        """The CLI's words after the name, as this command's arguments; InputError says the usage.

        Everything is checked here, before the session is opened for writing.
        """
        if not 1 <= count <= MAX_COUNT:
            raise InputError(f"--count must be between 1 and {MAX_COUNT}")
        usage = f"usage: steer SESSION {self.spelled} {self.arguments}".rstrip()
        if self.arguments == "TEXT":
            text = " ".join(words)
            if not split_scenario(text)[0]:
                raise InputError("a scenario needs some text before '=>' (usage: steer SESSION scenario 'TEXT [=> Unit, Unit]')")
            return {"text": text}
        if self.arguments == "WEIGHTS":
            weights = parse_weights(words[0]) if len(words) == 1 else {}
            if not weights:
                raise InputError("usage: steer SESSION rescore simplicity=2,extensibility=1")
            return {"weights": weights}
        kinds = self.arguments.split()
        if not kinds and words:
            raise InputError(f"steer SESSION {self.spelled} takes no arguments")
        if len(words) != len(kinds):
            raise InputError(usage)
        out: Arguments = {}
        for kind, word in zip(kinds, words):
            if kind == "REF|DIR":
                out["ref"] = word
            elif kind == "up|down|clear":
                if word not in MARKS:
                    raise InputError(usage)
                out["mark"] = MARKS[word]
            elif not (word.isascii() and word.isdigit()):
                raise InputError(usage)
            elif kind in ("A", "B"):
                out.setdefault("candidates", []).append(int(word))
            else:
                out[kind.lower()] = int(word)
        if len(set(out.get("candidates", []))) == 1:
            raise InputError("combine needs two different candidates")
        return out


async def _expand(s: Session, a: Arguments):
    return await s.expand(a["cluster"], count=a.get("count", 1))


async def _refine(s: Session, a: Arguments):
    return await s.refine(a["candidate"], count=a.get("count", 1))


async def _combine(s: Session, a: Arguments):
    first, second = a["candidates"]
    return await s.combine(first, second, count=a.get("count", 1))


async def _new_direction(s: Session, a: Arguments):
    return await s.new_direction(count=a.get("count", 1))


async def _materialize(s: Session, a: Arguments):
    return await s.materialize(a["candidate"])


async def _rescore(s: Session, a: Arguments):
    return s.rescore(a["weights"])


async def _scenario(s: Session, a: Arguments):
    return await s.add_scenario(a["text"])


async def _mark(s: Session, a: Arguments):
    return s.mark(a["candidate"], a["mark"])


async def _add_design(s: Session, a: Arguments):
    made = await s.add_design_from(a["ref"], a.get("title"), Path.cwd())
    print(f"added #{made.id} {made.title}", file=sys.stderr)
    return made


async def _autopilot(s: Session, a: Arguments):
    return await s.autopilot(budget=a.get("budget"))


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command("expand", "CLUSTER", "Expand a cluster: more designs like its representative", True, _expand),
        Command("refine", "CANDIDATE", "Refine a candidate: a revision that answers its critics' evidence", True, _refine),
        Command("combine", "A B", "Combine two candidates into one design", True, _combine),
        Command("new_direction", "", "A new direction: a design unlike every cluster so far", True, _new_direction),
        Command("materialize", "CANDIDATE", "Materialize a sketch: implement it in full", True, _materialize),
        Command("rescore", "WEIGHTS", "Re-weight the critics and rank again, e.g. simplicity=2", False, _rescore),
        Command("scenario", "TEXT", "Add a likely future change ('TEXT => Unit, Unit' names its units)", False, _scenario),
        Command("mark", "CANDIDATE up|down|clear", "Mark a candidate: your own verdict", False, _mark),
        Command("add_design", "REF|DIR", "Add your own design: a branch, a commit or a folder", False, _add_design),
        Command("autopilot", "", "Autopilot: spend requests where they pay, stop when discovery flattens", True, _autopilot),
    )
}


def command(spelled: str) -> Command:
    """The command the CLI names (``new-direction`` or ``new_direction``); InputError lists the others."""
    found = COMMANDS.get(spelled.replace("-", "_"))
    if found is None:
        raise InputError(f"no steering action {spelled!r} (one of: {', '.join(c.spelled for c in COMMANDS.values())})")
    return found
