"""Admission control in front of the triager, per API key. The triager's worker serves its queue
in arrival order, so one client sending many expensive texts would fill the queue and every
other client would wait behind all of them. Here each key may have at most ``running`` requests
in the triager's queue at once (``CLAIMS_MAX_IN_FLIGHT_PER_KEY``); its further requests wait
here, in their own line, up to ``waiting`` of them (``CLAIMS_MAX_WAITING_PER_KEY``); one more
gets 429 with ``Retry-After`` at once. Another key's claim therefore waits for at most
``running`` texts of each busy key, however many that key sent."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import HTTPException, status


class Admission:
    """Per-key lines in front of the triager. Used from the event loop only (no lock needed)."""

    def __init__(self, running: int, waiting: int, retry_after_seconds: int = 2) -> None:
        self.running = running
        self.waiting = waiting
        self.retry_after_seconds = retry_after_seconds
        self._held: Counter[int] = Counter()  # running + waiting, per key
        self._lines: dict[int, asyncio.Semaphore] = {}

    def held(self, key_id: int) -> int:
        return self._held[key_id]

    @asynccontextmanager
    async def slot(self, key_id: int) -> AsyncIterator[None]:
        """Waits for one of ``key_id``'s running slots and holds it while the block runs; 429 when
        the key's line is full."""
        if self._held[key_id] >= self.running + self.waiting:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"this API key has {self._held[key_id]} requests in flight (limit "
                f"{self.running + self.waiting}); retry when answers come back",
                headers={"Retry-After": str(self.retry_after_seconds)},
            )
        line = self._lines.setdefault(key_id, asyncio.Semaphore(self.running))
        self._held[key_id] += 1
        try:
            async with line:
                yield
        finally:
            self._held[key_id] -= 1
            if self._held[key_id] == 0:
                del self._held[key_id]
                del self._lines[key_id]
