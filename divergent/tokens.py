"""Token counts, estimated the same way everywhere: four characters a token.

No tokenizer ships offline for every model an endpoint may serve, so requests are
sized with this rule (the fake server reports usage by it too); a server's own
usage figures replace it once a reply says how many tokens it really took.
"""

from __future__ import annotations


def estimate_tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)
