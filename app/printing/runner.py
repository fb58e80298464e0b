"""Render parts in this process and in render processes at the same time, results in order.

With N allowed processes (procpool.allowed()), N - 1 render processes are started and this
process is the N-th. Parts wait in one queue, in document order; each render process is handed
the first waiting part as soon as it is free (never more than one part at a time, so nothing
sits in its queue out of reach), and this process, while the part it needs next is being
rendered elsewhere, renders the first waiting part itself. Every process stays busy until the
end, and a render process fewer means its memory is not needed (this process is warm already: it
laid out the probe). With N = 1 every part is rendered here, in order.
"""
from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from . import procpool
from .parts import Part, PartResult, render_part

__all__ = ["Runner", "Ticket"]


@dataclass(eq=False)
class Ticket:
    part: Part
    future: Future | None = None  # set when a render process was handed the part
    result: PartResult | None = field(default=None, repr=False)
    taken: bool = False  # handed to a render process or being rendered here
    dropped: bool = False


class Runner:
    def __init__(self, processes: int):
        self.processes = max(1, processes)
        self._pool = self.executor = None
        self._lock = threading.Lock()
        self._waiting: list[Ticket] = []
        self._busy: set[Future] = set()
        if self.processes > 1:
            try:
                self._pool = procpool.pool(self.processes - 1)
                self.executor = self._pool.__enter__()
            except Exception:  # noqa: BLE001 - no render processes: everything is rendered here
                self._pool = self.executor = None

    def submit(self, part: Part) -> Ticket:
        ticket = Ticket(part)
        with self._lock:
            self._waiting.append(ticket)
        self._hand_out()
        return ticket

    def _take(self) -> Ticket | None:
        """The first waiting part, now taken (call with the lock held)."""
        while self._waiting:
            ticket = self._waiting.pop(0)
            if not ticket.dropped:
                ticket.taken = True
                return ticket
        return None

    def _hand_out(self, _done: Future | None = None) -> None:
        """Give each free render process the first waiting part (also called when one finishes)."""
        with self._lock:
            if _done is not None:
                self._busy.discard(_done)
            while self.executor is not None and len(self._busy) < self.processes - 1:
                ticket = self._take()
                if ticket is None:
                    break
                try:
                    ticket.future = self.executor.submit(render_part, ticket.part)
                except (BrokenProcessPool, RuntimeError, OSError):
                    ticket.taken = False
                    self._waiting.insert(0, ticket)
                    self.executor = None  # closed by close(); the rest is rendered here
                    break
                self._busy.add(ticket.future)
                ticket.future.add_done_callback(self._hand_out)

    def _here(self, ticket: Ticket) -> None:
        ticket.result = render_part(ticket.part)

    def result(self, ticket: Ticket) -> PartResult:
        """The result of ``ticket``; meanwhile this process renders the first waiting parts."""
        while ticket.result is None:
            with self._lock:
                mine = self._take()
            if mine is not None:
                self._here(mine)
                continue
            if ticket.future is None:  # taken but not handed out: the pool is gone
                self._here(ticket)
                break
            wait([ticket.future], return_when=FIRST_COMPLETED)
            try:
                ticket.result = ticket.future.result()
            except (BrokenProcessPool, OSError):  # the render processes died: render it here
                self.executor = None
                self._here(ticket)
        return ticket.result

    def drop(self, tickets) -> None:
        """Parts no longer needed: not rendered if not started yet."""
        with self._lock:
            for ticket in tickets:
                ticket.dropped = True
                if ticket.future is not None:
                    ticket.future.cancel()
            self._waiting = [t for t in self._waiting if not t.dropped]

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool, self.executor = self._pool, None, None
            pool.__exit__(None, None, None)
