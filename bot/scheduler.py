"""Deliver posts when due. The database is the queue; APScheduler holds one timer.

One APScheduler date job is armed at the earliest pending post and re-armed whenever the
queue changes. The job only wakes a single worker task, which delivers the due posts one
by one, in order, paced, and applies the overdue policy: a post later than the grace
window is marked missed and the owner gets one summary, instead of a surprise post. While
the transport is not connected nothing is claimed: posts wait, they do not fail.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from loguru import logger

from bot.delivery import Outcome
from bot.models import Post, PostStatus
from bot.pacing import Pacer
from bot.series import queue_next_occurrences
from bot.store import Store

_JOB_ID = "next-due-post"
_BATCH = 100
_CONNECTION_POLL_S = 1.0


class PostScheduler:
    def __init__(
        self,
        store: Store,
        deliver: Callable[[Post], Awaitable[Outcome]],
        on_missed: Callable[[list[Post]], Awaitable[None]],
        grace: timedelta,
        clock: Callable[[], datetime],
        connected: Callable[[], bool] = lambda: True,
        pacing_s: tuple[float, float] = (0.0, 0.0),
        tz: Callable[[], ZoneInfo] = lambda: ZoneInfo("Asia/Jakarta"),
    ) -> None:
        self._tz = tz
        self._store = store
        self._deliver = deliver
        self._on_missed = on_missed
        self._grace = grace
        self._clock = clock
        self._connected = connected
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._timer = AsyncIOScheduler(timezone=UTC)
        # Since when the bot could send (started, or connection back). A post is missed only
        # if it fell due more than `grace` before that: lateness from the bot's own queue or
        # pacing while it runs never makes a post missed.
        self._available_since = clock()
        self.pacer = Pacer(*pacing_s, nap=self.nap)

    async def start(self) -> None:
        self._available_since = self._clock()
        self._timer.start()
        self._worker = asyncio.create_task(self._run(), name="post-scheduler")
        self._wake.set()

    def queue_changed(self) -> None:
        self._wake.set()

    def every(self, interval: timedelta, job: Callable[[], Awaitable[None]]) -> None:
        """Run `job` now and then every `interval` (housekeeping)."""
        self._timer.add_job(job, IntervalTrigger(seconds=interval.total_seconds()),
                            next_run_time=datetime.now(UTC), misfire_grace_time=None,
                            coalesce=True, max_instances=1)

    async def nap(self, seconds: float) -> bool:
        """Sleep, unless a shutdown comes first (then return False at once)."""
        try:
            async with asyncio.timeout(seconds):
                await self._stop.wait()
        except TimeoutError:
            return True
        return False

    async def stop(self, grace_seconds: float = 3.0) -> None:
        """Finish or release the post in hand, then stop; no new post is started.

        The grace is short: the whole process must be gone within bot.shutdown.STOP_LIMIT_S.
        A send cut off here stays 'sending' and is reported as uncertain at the next start.
        """
        self._stop.set()
        self._wake.set()
        if self._worker is not None:
            try:
                async with asyncio.timeout(grace_seconds):
                    await self._worker
            except TimeoutError:
                logger.warning("scheduler did not finish within {} s; cancelled", grace_seconds)
        if self._timer.running:
            self._timer.shutdown(wait=False)

    @property
    def _stopping(self) -> bool:
        return self._stop.is_set()

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self._drain()
                await self._arm()
            except Exception:
                logger.exception("scheduler pass failed; retrying in 5 s")
                await self.nap(5)
                self._wake.set()
            await self._wake.wait()

    async def _drain(self) -> None:
        missed: list[Post] = []
        try:
            while not self._stopping:
                await queue_next_occurrences(self._store, self._clock(), self._tz())
                batch = await self._store.due_posts(self._clock(), _BATCH)
                if not batch:
                    break
                for post in batch:
                    if not await self._handle(post, missed):
                        break
        finally:
            if missed:
                await self._on_missed(missed)
        await queue_next_occurrences(self._store, self._clock(), self._tz())

    async def _handle(self, post: Post, missed: list[Post]) -> bool:
        """Deliver or miss one due post; False to stop this pass (shutdown, no connection)."""
        if not self._connected():
            while not self._connected():
                if not await self.nap(_CONNECTION_POLL_S):
                    return False
            self._available_since = self._clock()
        if not await self.pacer.wait_turn() or self._stopping:
            return False
        if self._available_since - post.due_at > self._grace:
            if await self._store.transition(post.id, PostStatus.MISSED,
                                            expect=PostStatus.PENDING,
                                            reason="overdue beyond grace"):
                logger.warning("post #{} missed: due {}, grace {}", post.id,
                               post.due_at.isoformat(), self._grace)
                missed.append(post)
            return True
        outcome = await self._deliver(post)
        if outcome in (Outcome.SENT, Outcome.FAILED, Outcome.UNCERTAIN):  # something went out
            self.pacer.sent()
        if outcome is Outcome.WAITING:  # the link dropped mid-send: wait, then start over
            await self.nap(_CONNECTION_POLL_S)
            return False
        return outcome is not Outcome.STOPPED

    async def _arm(self) -> None:
        upcoming = await self._store.next_pending()
        if upcoming is None or self._stopping:
            if self._timer.get_job(_JOB_ID):
                self._timer.remove_job(_JOB_ID)
            return
        # The timer runs on the wall clock; the wait is measured on the injected clock, so a
        # test clock and the real one agree on how far away the post is.
        run_date = datetime.now(UTC) + max(upcoming.due_at - self._clock(), timedelta(0))
        # misfire_grace_time=None: APScheduler's 1 s default would silently drop a late
        # wake-up; lateness is judged by the grace policy above, never by the timer.
        self._timer.add_job(self._due, DateTrigger(run_date=run_date), id=_JOB_ID,
                            replace_existing=True, misfire_grace_time=None, coalesce=True)

    async def _due(self) -> None:
        self._wake.set()
