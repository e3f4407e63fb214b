"""How many requests go out at once, and how long one may wait: fitted to what the server does.

A hosted API answers many requests at once; a local server (llama-cpp-python, llama.cpp
with one slot, Ollama by default) answers one at a time and queues the rest, and
llama-cpp-python even cuts the reply it is streaming short when another request
arrives. Replies are streamed, so ``Pace`` sees what the server does:

* two replies streaming at the same time, their chunks alternating: it answers in
  parallel (one alternation is not enough: a client busy elsewhere may read the next
  reply's first chunk before the end of the last one, already waiting in its buffer);
* a request that waited, silent, while another of ours streamed to its end: it queues;
* a stream that ends without a finish_reason while another request waited: it interrupts.

``--concurrency auto`` starts with one request in flight, tries two after the first
reply, keeps two for a server that queues (one answering, the next ready) and goes up
to the ceiling for one that answers in parallel. A server that interrupts gets one
request at a time whatever was asked: anything more is lost work.

A request is timed from when the server starts answering it: until its first chunk
its clock restarts whenever the server sends anything to any of our requests, so a
request waiting in the queue behind ours never times out while the server works;
once it streams, ``timeout`` is the longest silence allowed between chunks.
"""

from __future__ import annotations

import asyncio
import collections
from dataclasses import dataclass, field

QUEUE_SIGNS = 2  # observations of a request waiting out another's whole reply before "queues"
PARALLEL_SIGNS = 4  # alternations between two live streams before "parallel"


class Gate:
    """A semaphore whose limit can change while requests wait on it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.busy = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    async def __aenter__(self) -> None:
        while self.busy >= self.limit:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # the turn it was given goes to the next one
                raise
        self.busy += 1

    async def __aexit__(self, *exc_info: object) -> None:
        self.busy -= 1
        self._wake()

    def resize(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._wake()

    def _wake(self) -> None:
        free = self.limit - self.busy
        while free > 0 and self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                free -= 1


@dataclass(eq=False)
class Ticket:
    """One request at the server: when it went, when its first and last chunks came."""

    sent: float
    first: float | None = None
    last: float | None = None
    clock: asyncio.Timeout | None = None  # the request's deadline, moved as the server works


@dataclass
class Pace:
    timeout: float
    ceiling: int
    auto: bool = False
    verdict: str = ""  # "" not known yet, "parallel", "queues" or "interrupts"
    replies: int = 0
    queue_signs: int = 0
    alternations: int = 0  # chunks that came for another live stream than the chunk before
    previous: Ticket | None = None  # the ticket the last chunk came for
    waiting: set[Ticket] = field(default_factory=set)
    streaming: set[Ticket] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.gate = Gate(self.limit())

    @staticmethod
    def now() -> float:
        return asyncio.get_running_loop().time()

    def limit(self) -> int:
        if self.verdict == "interrupts":
            return 1
        if not self.auto or self.verdict == "parallel":
            return self.ceiling
        if self.verdict == "queues" or self.replies:
            return min(2, self.ceiling)
        return 1  # the first request alone: nothing is known of the server yet

    def _judge(self, verdict: str) -> None:
        if self.verdict != "interrupts" and verdict != self.verdict:
            self.verdict = verdict
            self.gate.resize(self.limit())

    def cut_short(self, ticket: Ticket, finish: str) -> bool:
        """A stream that ended with no finish_reason while another request was in flight: cut for it."""
        return not finish and bool(self.waiting or self.streaming - {ticket})

    # a request's life ------------------------------------------------------------------

    def sent(self, clock: asyncio.Timeout) -> Ticket:
        ticket = Ticket(self.now(), clock=clock)
        _move(clock, ticket.sent + self.timeout)
        self.waiting.add(ticket)
        return ticket

    def chunk(self, ticket: Ticket) -> None:
        """Something arrived for ``ticket``: the server is answering it (and working for all waiting)."""
        now = self.now()
        if ticket.first is None:
            ticket.first = now
            self.waiting.discard(ticket)
            self.streaming.add(ticket)
        if self.previous is not None and self.previous is not ticket and self.previous in self.streaming:
            self.alternations += 1
            if self.alternations >= PARALLEL_SIGNS:
                self._judge("parallel")
        self.previous = ticket
        ticket.last = now
        _move(ticket.clock, now + self.timeout)
        self._worked(now)

    def done(self, ticket: Ticket, ended: bool, finish: str) -> None:
        """The request ended: ``ended`` when its stream ran to the end, ``finish`` the reason the server gave."""
        now = self.now()
        self.waiting.discard(ticket)
        self.streaming.discard(ticket)
        ticket.clock = None
        self.alternations = 0
        if ticket.first is None or not ended:
            return  # refused, failed or given up: nothing learned of the pace
        if self.cut_short(ticket, finish):
            self._judge("interrupts")
        else:
            self.replies += 1
            if self.verdict == "" and any(t.sent <= ticket.first for t in self.waiting):
                self.queue_signs += 1  # a request waited out this one's whole reply
                if self.queue_signs >= QUEUE_SIGNS:
                    self._judge("queues")
            self.gate.resize(self.limit())
        self._worked(now)

    def _worked(self, now: float) -> None:
        """The server works for us: the requests still waiting for their first chunk wait on."""
        for waiting in self.waiting:
            _move(waiting.clock, now + self.timeout)


def _move(clock: asyncio.Timeout | None, when: float) -> None:
    """A request's new deadline, unless its time is already up (it is being given up)."""
    if clock is not None and not clock.expired():
        clock.reschedule(when)
