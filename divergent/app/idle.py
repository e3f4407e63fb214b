"""Full garbage collections in the pauses between keys, while an explore screen is up.

A full collection walks the whole heap: 100-250 ms with the app's modules, widgets and
caches on it, long enough to be the slowest of a hundred keys. While an explore screen
is up, what existed when it was first drawn is frozen (out of every collection's reach),
automatic full collections are off (the young generations are still collected, a ms or
two each), and the screen runs one once no key has come for IDLE seconds, at most every
EVERY seconds, and after LONGEST seconds whatever the keys do.
"""

from __future__ import annotations

import gc
import time


class IdleCollector:
    IDLE, EVERY, LONGEST = 1.0, 5.0, 30.0
    screens = 0  # explore screens drawn and not yet gone: the settings are the process's
    threshold: tuple[int, int, int] = (700, 10, 10)

    def __init__(self) -> None:
        self.started = False
        self.last = time.monotonic()

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        self.last = time.monotonic()
        if IdleCollector.screens == 0:
            IdleCollector.threshold = gc.get_threshold()
            gc.set_threshold(self.threshold[0], self.threshold[1], 1_000_000_000)
        IdleCollector.screens += 1
        gc.freeze()

    def tick(self, last_key: float) -> None:
        if not self.started:
            return
        now = time.monotonic()
        since = now - self.last
        if since >= self.LONGEST or (since >= self.EVERY and now - last_key >= self.IDLE):
            self.last = now
            gc.collect()

    def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        IdleCollector.screens -= 1
        if IdleCollector.screens == 0:
            gc.set_threshold(*self.threshold)
            gc.unfreeze()  # what the screens held can be collected again
