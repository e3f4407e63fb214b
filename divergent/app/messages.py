"""Messages between the engine's worker and the screens.

``EngineEvent`` carries an engine event onto a screen's message queue (progress
events of one kind replace each other while they wait); ``ActionEnded`` says that a
command finished, failed or was refused, so the status line stops looking busy.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from divergent.model import Event

COALESCED = ("usage",)  # progress: only the latest waiting one matters


@dataclass
class EngineEvent(Message):
    """An engine event, delivered on the screen's message queue."""

    event: Event

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, EngineEvent) and message.event.kind == self.event.kind and self.event.kind in COALESCED


@dataclass
class ActionEnded(Message):
    """A command is over: ``outcome`` is what the status line says now (never "…")."""

    action: str
    outcome: str
    failed: bool = False
