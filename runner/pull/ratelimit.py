"""A client-side rate limit shared by every request of a pull.

Requests are spaced `1 / rate` seconds apart (no bursts), and a 429's
`Retry-After` pauses *all* of them, not only the one that was refused: the
server's limit is per key, so the other workers would be refused too. Small and
hand-written because no limiter library offers the shared pause.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class RateLimiter:
    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0  # the earliest time the next request may start

    async def acquire(self) -> None:
        # No await between reading and moving `_next`: one event loop, so no lock is needed.
        now = self._clock()
        start = max(now, self._next)
        self._next = start + self.interval
        if start > now:
            await self._sleep(start - now)

    def pause(self, seconds: float) -> None:
        """No request starts before `seconds` from now (a 429's Retry-After)."""
        self._next = max(self._next, self._clock() + seconds)
