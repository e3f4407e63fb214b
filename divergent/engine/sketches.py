"""Sketches: a first wave of public APIs only, scored by the critics that read an API.

A sketch (``--sketch``) holds signatures, types and docstrings with every body elided:
cheap to ask for, cheap to compare. Only critics that judge an API score it; figures
that measure bodies (complexity, speculative change, the repo's tests) wait until a
sketch is materialized into a full design (``m``, ``steer materialize``).
"""

from __future__ import annotations

from divergent.model import Candidate, Fidelity

# the built-in critics that read a public surface; a plugin says so with ``applies_to_sketch = True``
API_CRITICS = frozenset({"extensibility", "validity", "judge"})
SKETCH_SHARE = 0.35  # a sketch's reply against a full design's: signatures and docstrings, no bodies


def applies(critic: object, candidate: Candidate) -> bool:
    """Whether ``critic`` scores ``candidate``: every critic a full design, API critics a sketch."""
    if candidate.fidelity is not Fidelity.SKETCH:
        return True
    return bool(getattr(critic, "applies_to_sketch", getattr(critic, "name", "") in API_CRITICS))
