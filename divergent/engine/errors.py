"""The errors an engine command may raise that a UI shows as one line and carries on:
bad input (``model.InputError``, ``Unavailable`` among them) and an endpoint that refuses
or cannot be reached (``llm.client.EndpointError``)."""

from __future__ import annotations

from divergent.llm.client import EndpointError
from divergent.model import InputError

COMMAND_ERRORS = (InputError, EndpointError)

__all__ = ["COMMAND_ERRORS", "EndpointError", "InputError"]
