"""A virtual clock for tests: `sleep` waits on virtual time, `advance` moves it.

The code under test gets `clock=vclock` and `sleep=vclock.sleep`. Nothing waits in real time
except tiny hand-offs to worker threads (asyncio.to_thread, run_coroutine_threadsafe), which
`settle()` lets finish before virtual time moves on.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

# Real seconds to wait for a worker thread to hand its result back to the loop.
HANDOFF_S = 0.002
# until(): real seconds given to work the clock cannot see before virtual time jumps.
UNSEEN_WORK_S = 0.1
# run(): real seconds to wait for unseen work before deciding nothing can wake the task.
UNSEEN_WAIT_S = 2.0
# settle() gives up (and raises) after this many real seconds without the loop going quiet.
SETTLE_LIMIT_S = 5.0

T = TypeVar("T")


class _DatabaseWork:
    """aiosqlite runs every query on its own thread (core.py Connection._execute puts it on
    the worker's queue and awaits a future the thread resolves with call_soon_threadsafe);
    the clock cannot see that thread, so while a query is in flight virtual time must not
    move. Counted by wrapping Connection._execute once per process (tests only)."""

    in_flight = 0
    _installed = False

    @classmethod
    def install(cls) -> None:
        if cls._installed:
            return
        import aiosqlite.core

        original = aiosqlite.core.Connection._execute

        async def counted(
            self: aiosqlite.core.Connection, fn: Any, *args: Any, **kwargs: Any
        ) -> Any:
            cls.in_flight += 1
            try:
                return await original(self, fn, *args, **kwargs)
            finally:
                cls.in_flight -= 1

        aiosqlite.core.Connection._execute = counted  # type: ignore[method-assign]
        cls._installed = True

    @classmethod
    def busy(cls) -> bool:
        return cls.in_flight > 0


class VirtualClock:
    """`vclock()` is virtual now (aware UTC); `await vclock.sleep(s)` waits virtual seconds."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None or start.utcoffset() != timedelta(0):
            raise ValueError("VirtualClock needs an aware UTC start")
        self._start = start
        self._t = 0.0  # virtual seconds since start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._busy_checks: list[Callable[[], bool]] = []
        _DatabaseWork.install()
        self.add_busy_check(_DatabaseWork.busy)

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=self._t)

    @property
    def elapsed(self) -> float:
        """Virtual seconds since the start."""
        return self._t

    async def sleep(self, seconds: float) -> None:
        """Suspend until virtual time reaches now + seconds; sleep(0) only yields."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._t + seconds, next(self._seq), waiter))
        await waiter  # a cancelled sleeper stays in the heap, marked done, and is skipped

    def pending(self) -> list[float]:
        """Seconds from now until each pending sleeper wakes, soonest first (for debugging)."""
        return sorted(due - self._t for due, _, waiter in self._sleepers if not waiter.done())

    def add_busy_check(self, check: Callable[[], bool]) -> None:
        """`check()` is true while some thread owes the loop a hand-off; settle() waits."""
        self._busy_checks.append(check)

    async def advance(self, seconds: float) -> None:
        """Move virtual time forward by `seconds`, waking each sleeper at its own deadline
        (in order) and letting the loop settle after each, including sleepers that the
        woken code starts along the way."""
        target = self._t + seconds
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            due, _, waiter = heapq.heappop(self._sleepers)
            if waiter.done():
                continue
            self._t = max(self._t, due)
            waiter.set_result(None)
            while self._sleepers and self._sleepers[0][0] <= self._t:  # same deadline
                _, _, other = heapq.heappop(self._sleepers)
                if not other.done():
                    other.set_result(None)
            await self.settle()
        self._t = max(self._t, target)
        await self.settle()

    async def until(
        self,
        predicate: Callable[[], bool | Awaitable[bool]],
        limit_s: float = 60.0,
        real_limit_s: float = 10.0,
    ) -> None:
        """Wait until `predicate()` holds, moving virtual time only when nothing else can
        happen first: work on threads the clock cannot see (aiosqlite's, say) gets real time
        (up to UNSEEN_WORK_S) before virtual time jumps to the next sleeper. AssertionError
        after limit_s virtual or real_limit_s real seconds."""

        async def holds() -> bool:
            result = predicate()
            return bool(await result) if inspect.isawaitable(result) else bool(result)

        give_up_at = self._t + limit_s
        give_up_real = time.monotonic() + real_limit_s
        while not await holds():
            waited = 0.0
            while waited < UNSEEN_WORK_S:
                await self.settle()
                if await holds():
                    return
                await asyncio.sleep(0.005)
                waited += 0.005
            if time.monotonic() > give_up_real:
                raise AssertionError(f"condition not met within {real_limit_s} real s")
            upcoming = [due for due, _, waiter in self._sleepers if not waiter.done()]
            if upcoming and min(upcoming) <= give_up_at:
                await self.advance(min(upcoming) - self._t)
            elif self._t >= give_up_at or not upcoming:
                raise AssertionError(
                    f"condition not met within {limit_s} virtual s "
                    f"(sleepers due in {self.pending()})"
                )
            else:
                await self.advance(give_up_at - self._t)

    async def run(self, awaitable: Awaitable[T], limit_s: float = 3600.0) -> T:
        """Await `awaitable`, moving virtual time from one sleeper's deadline to the next;
        TimeoutError if it is still pending after limit_s virtual seconds, or if nothing is
        left that could wake it."""
        created = not isinstance(awaitable, asyncio.Future)
        task = asyncio.ensure_future(awaitable)
        give_up = self._t + limit_s
        await self.settle()
        while not task.done():
            upcoming = [due for due, _, waiter in self._sleepers if not waiter.done()]
            if not upcoming or min(upcoming) > give_up:
                # Work the clock cannot see (a worker thread) may still finish the task or
                # start a sleeper: give it real time before giving up.
                deadline = time.monotonic() + UNSEEN_WAIT_S
                while time.monotonic() < deadline and not task.done():
                    await asyncio.sleep(0.01)
                    await self.settle()
                    upcoming = [due for due, _, w in self._sleepers if not w.done()]
                    if upcoming and min(upcoming) <= give_up:
                        break
                if task.done():
                    break
            if not upcoming or min(upcoming) > give_up:
                if created:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
                raise TimeoutError(
                    f"still pending after {self._t - give_up + limit_s:g} "
                    f"virtual s; sleepers due in {self.pending()}"
                )
            await self.advance(min(upcoming) - self._t)
        return task.result()

    async def settle(self) -> None:
        """Run the loop until it is quiet: no ready callbacks for a few passes, no thread
        mid-hand-off (busy checks), and nothing new after a short real wait."""
        loop = asyncio.get_running_loop()
        give_up = time.monotonic() + SETTLE_LIMIT_S
        quiet = 0
        while True:
            await asyncio.sleep(0)
            if any(check() for check in self._busy_checks):
                quiet = 0
                await asyncio.sleep(HANDOFF_S)  # real: a thread is about to call back
            elif _ready_count(loop) > 0:
                quiet = 0
            else:
                quiet += 1
                if quiet >= 5:
                    await asyncio.sleep(HANDOFF_S)  # real: late call_soon_threadsafe
                    if _ready_count(loop) == 0 and not any(c() for c in self._busy_checks):
                        return
                    quiet = 0
            if time.monotonic() > give_up:
                raise RuntimeError(
                    f"the event loop did not go quiet within {SETTLE_LIMIT_S} s "
                    "(a busy loop, or a thread that never hands back)"
                )


def _ready_count(loop: asyncio.AbstractEventLoop) -> int:
    """Callbacks ready to run (CPython's BaseEventLoop._ready); 0 if unknown."""
    ready = getattr(loop, "_ready", None)
    return len(ready) if ready is not None else 0


class WallClock:
    """The system clock: monotonic time plus whatever steps it took."""

    def __init__(self, monotonic: VirtualClock) -> None:
        self.monotonic = monotonic
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return self.monotonic() + self.offset

    def step(self, delta: timedelta) -> None:
        self.offset += delta
