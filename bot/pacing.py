"""At most one post per interval (with jitter) across the whole bot, in order, none dropped."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable

Nap = Callable[[float], Awaitable[bool]]  # sleep; False when cut short by a shutdown


class Pacer:
    def __init__(
        self,
        min_s: float,
        max_s: float,
        nap: Nap,
        monotonic: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._min = min_s
        self._max = max(max_s, min_s)
        self._nap = nap
        self._monotonic = monotonic
        self._rng = rng or random.Random()
        self._next_at = float("-inf")

    async def wait_turn(self) -> bool:
        """Wait until the next send may go; False if a shutdown cut the wait short."""
        wait = self._next_at - self._monotonic()
        if wait > 0:
            return await self._nap(wait)
        return True

    def sent(self) -> None:
        """Record a send: the next one waits a fresh random interval from now."""
        if self._max > 0:
            self._next_at = self._monotonic() + self._rng.uniform(self._min, self._max)
