"""Deliver posts when due. The database is the queue; one worker task waits for the next.

The worker waits for the earliest pending post on the wall clock, in slices of at most
RECHECK_S on the monotonic clock (asyncio's): a step of the system clock (NTP, resume from
suspend, a board without a real-time clock setting its time after boot) is noticed within
RECHECK_S, so a post goes out within about a second of its wall-clock time either way, and
never before it. A queue change wakes it at once. It delivers the due posts one by one, in
order, each post group by group (each group in its own pacing turn), and applies the overdue
policy: a post later than the grace window is marked missed in the groups it has not reached
and the owner gets one summary, instead of a surprise post. While the transport is
not connected nothing is claimed: posts wait, they do not fail. A pass that fails (the disk
is full, say) is retried with a bounded backoff and reported through bot.faults.

The due posts are read in batches, but each is decided on its row as stored when its turn
comes: the claim (bot.store.Store.claim_due) and the miss both check that it is still pending
and due, so an edit or a cancel made while a burst goes out, or a step of the clock back,
is what counts.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from loguru import logger

from bot.delivery import Outcome
from bot.faults import Abandoned, FaultKind, Faults, retry_delay
from bot.humantiming import start_jitter
from bot.models import Post, PostStatus
from bot.pacing import Pacer
from bot.quiethours import QuietHours
from bot.sendgate import Hold, HoldKind, SendGate
from bot.series import queue_next_occurrences
from bot.store import Store
from bot.waiting import event_or_timeout

_BATCH = 100
# How often a held post looks again (a hold ends early on /lanjut or /senyap, which wake it).
_HOLD_RECHECK_S = 30.0
_CONNECTION_POLL_S = 1.0
# How often the wall clock is read while a post is pending: the most a clock step can delay
# it. Measured: the idle console bot with 10,000 pending went from 0.04 % to 0.11 % of one
# core (a wake-up a second); with nothing pending it does not wake at all.
RECHECK_S = 1.0
# A forward jump of the wall clock against the monotonic one smaller than this is drift (NTP
# slews at most 0.5 ms a second), not a step.
STEP_MIN_S = 2.0

Sleep = Callable[[float], Awaitable[None]]


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
        faults: Faults | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        gate: SendGate | None = None,
        on_held: Callable[[Hold], Awaitable[None]] | None = None,
        on_late: Callable[[list[Post]], Awaitable[None]] | None = None,
        late_after: timedelta = timedelta(minutes=5),
        start_jitter_s: float = 0.0,
    ) -> None:
        """`gate`: what holds posts (a restriction pause, quiet hours, the caps;
        bot.sendgate); `on_held` is told whenever posts wait for quiet hours (it tells the
        owner once per window);
        `on_late` gets, once per catch-up, the posts that went out more than `late_after`
        after their time; `start_jitter_s`: a post due on a whole minute starts up to that
        many seconds after it (bot.humantiming.start_jitter)."""
        self._gate = gate
        self._on_held = on_held
        self._on_late = on_late
        self._late_after = late_after
        self._start_jitter_s = start_jitter_s
        # The end of the latest hold seen (bot.sendgate): a post held counts as due from
        # then on when the grace is applied (_due_in_effect).
        self._held_until: datetime | None = None
        self._late: dict[int, Post] = {}  # sent late in this pass, by post id
        self._tz = tz
        self._store = store
        self._deliver = deliver
        self._on_missed = on_missed
        self._grace = grace
        self._clock = clock
        self._connected = connected
        self._faults = faults or Faults()
        self._sleep = sleep  # on the monotonic clock, like `monotonic`
        self._monotonic = monotonic
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._timer = AsyncIOScheduler(timezone=UTC)  # housekeeping only (every())
        # Since when the bot could send (started, connection back, a fault over), on the
        # monotonic clock. A post is missed only if it fell due more than `grace` before
        # that: lateness from the bot's own queue or pacing while it runs never makes a post
        # missed, and a clock step within the grace does not either (see _available_since).
        self._available_at = monotonic()
        self._looked = (clock(), monotonic())  # both clocks at the last look (_available_since)
        self.pacer = Pacer(*pacing_s, nap=self.nap, monotonic=monotonic)

    async def start(self) -> None:
        self._available_at = self._monotonic()
        self._looked = (self._clock(), self._available_at)
        self._timer.start()
        self._worker = asyncio.create_task(self._run(), name="post-scheduler")
        self._wake.set()

    def queue_changed(self) -> None:
        self._wake.set()

    def every(self, interval: timedelta, job: Callable[[], Awaitable[None]]) -> None:
        """Run `job` now and then every `interval` (housekeeping)."""
        self._timer.add_job(
            job,
            IntervalTrigger(seconds=interval.total_seconds()),
            next_run_time=datetime.now(UTC),
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )

    async def nap(self, seconds: float) -> bool:
        """Sleep, unless a shutdown comes first (then return False at once)."""
        if not self._stopping:
            await event_or_timeout(self._sleep, seconds, self._stop)
        return not self._stopping

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

    def _available_since(self) -> datetime:
        """When the bot became able to send, on today's wall clock: now minus how long it
        has been able to (on the monotonic clock)."""
        now = self._look()
        return now - timedelta(seconds=self._monotonic() - self._available_at)

    def _look(self) -> datetime:
        """The wall clock now. A jump of it ahead of the monotonic clock since the last look,
        by more than the grace (a resume from suspend, during which the monotonic clock stands
        still; a clock days behind, on a board without a real-time clock, set right), is time
        the bot could not act in, as if it had been stopped: it is able again only from the
        last look, and what fell due more than the grace before that is missed, not sent."""
        now, monotonic = self._clock(), self._monotonic()
        looked_wall, looked_monotonic = self._looked
        self._looked = (now, monotonic)
        jump = (now - looked_wall).total_seconds() - (monotonic - looked_monotonic)
        if jump > max(self._grace.total_seconds(), STEP_MIN_S):
            logger.warning(
                "the wall clock jumped {:.0f} s ahead of the monotonic clock (resume "
                "from suspend, or the clock set right): posts due more than the "
                "grace ({}) before it are missed, not sent",
                jump,
                self._grace,
            )
            self._available_at = max(self._available_at, looked_monotonic)
        return now

    @property
    def _stopping(self) -> bool:
        return self._stop.is_set()

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            self._wake.clear()
            if failures:
                # Like a connection coming back: what fell due more than the grace before
                # this retry is reported missed, not sent hours late.
                self._available_at = self._monotonic()
            commits = self._store.commits
            try:
                await self._drain()
                upcoming = await self._store.next_pending()
            except Abandoned:
                return  # a shutdown came while a write was being retried
            except Exception as exc:
                failures += 1
                delay = retry_delay(failures)
                await self._faults.failed("scheduler pass", exc, delay)
                await self.nap(delay)  # new work waits too: it would meet the same fault
                continue
            if self._stopping:
                return  # a pass cut short by a shutdown shows nothing works again
            failures = 0
            # A fault is over only when what failed has worked: a whole pass ends a fault of
            # the pass; a storage fault ends with a write that landed (a pass that only read,
            # with nothing due, says nothing about a full disk).
            await self._faults.recovered(FaultKind.SCHEDULER)
            if self._store.commits != commits:
                await self._faults.recovered(FaultKind.STORAGE)
            await self._wait_for(upcoming.due_at if upcoming else None)

    async def _wait_for(self, due: datetime | None) -> None:
        """Until `due` on the wall clock, a queue change or a shutdown."""
        while not self._wake.is_set():
            if due is None:
                await self._wake.wait()
                return
            left = (due - self._look()).total_seconds()
            if left <= 0:
                return
            await event_or_timeout(self._sleep, min(left, RECHECK_S), self._wake)

    async def _drain(self) -> None:
        missed: list[Post] = []
        self._late.clear()
        try:
            while not self._stopping:
                await queue_next_occurrences(self._store, self._clock(), self._tz(), self._quiet())
                batch = await self._store.due_posts(self._clock(), _BATCH)
                if not batch:
                    break
                for post in batch:
                    if not await self._handle(post, missed):
                        break
        finally:
            if missed:
                # These posts are already 'missed': their summary must not be lost to a
                # failing write (a full disk), so it is retried until it is queued.
                await self._faults.until_written(
                    "the missed-posts summary", lambda: self._on_missed(missed), self.nap
                )
            if self._late and self._on_late is not None:
                late, on_late = list(self._late.values()), self._on_late
                await self._faults.until_written(
                    "the late-posts summary", lambda: on_late(late), self.nap
                )
        await queue_next_occurrences(self._store, self._clock(), self._tz(), self._quiet())

    async def _handle(self, post: Post, missed: list[Post]) -> bool:
        """Deliver or miss one due post, group by group; False to stop this pass (shutdown,
        no connection)."""
        while True:
            # The batch's copy may be older than an edit or a cancel: the stored row decides
            # which groups are still to go (and the claim checks it again).
            current = await self._store.get_post(post.id)
            if current is None or current.status is not PostStatus.PENDING:
                return True
            outcome = await self._handle_group(current, missed)
            if outcome in (Outcome.STOPPED, Outcome.WAITING):
                return False
            if outcome in (None, Outcome.SKIPPED):  # missed, or nothing more to send now
                return True

    async def _held_back(self, post: Post) -> bool:
        """Wait for the post's start (its jitter) and while the gate holds posts; False if a
        shutdown came first. The wait never makes a post missed: the bot is able to send all
        along (_available_since), it only chooses not to."""
        # Seeded by the post: the same start however often it is looked at (a restart too).
        start = start_jitter(post.due_at, random.Random(post.id), self._start_jitter_s)
        while post.due_at <= (now := self._look()) < start:  # a post not due is not held
            if not await self.nap(min((start - now).total_seconds(), RECHECK_S)):
                return False
        if self._gate is not None:
            await self._gate.note_drops()
        while self._gate is not None and (hold := self._gate.hold_for_post(self._look())):
            self._held_until = max(hold.until, self._held_until or hold.until)
            if hold.kind is HoldKind.QUIET:
                await self._tell_held(hold)
            # A queue change wakes the wait too: /lanjut and /senyap call it.
            self._wake.clear()
            left = (hold.until - self._clock()).total_seconds()
            await event_or_timeout(self._sleep, max(0.0, min(left, _HOLD_RECHECK_S)), self._wake)
            if self._stopping:
                return False
        return True

    def _due_in_effect(self, post: Post) -> datetime:
        """The time the grace is counted from: the post's own, or, for a post the gate held,
        the end of the hold (a post due in the quiet hours: the end of the window, known
        after a restart too). So a hold never makes a post missed, while a link that is
        down for longer than the grace after the hold ended does, as for any post."""
        due = post.due_at
        if self._gate is not None:
            due = self._gate.quiet_end(due) or due
        if self._held_until is not None and due < self._held_until:
            due = self._held_until
        return due

    def _quiet(self) -> QuietHours | None:
        return self._gate.quiet_hours if self._gate is not None else None

    async def _tell_held(self, hold: Hold) -> None:
        if self._on_held is not None:
            on_held = self._on_held
            await self._faults.until_written(
                "the quiet-hours notice", lambda: on_held(hold), self.nap
            )

    async def _handle_group(self, post: Post, missed: list[Post]) -> Outcome | None:
        """Deliver the post to its next pending group in that group's pacing turn, or miss
        the post's pending groups (None). STOPPED: a shutdown came first."""
        if not self._connected():
            while not self._connected():
                if not await self.nap(_CONNECTION_POLL_S):
                    return Outcome.STOPPED
            self._available_at = self._monotonic()
        if not await self.pacer.wait_turn() or self._stopping:
            return Outcome.STOPPED
        if not await self._held_back(post) or self._stopping:
            return Outcome.STOPPED
        cutoff = self._available_since() - self._grace
        # A post moved or cancelled meanwhile is not missed; the claim below sends it only
        # if still due.
        if self._due_in_effect(post) < cutoff:
            gone = await self._store.move(
                post.id,
                PostStatus.MISSED,
                expect=PostStatus.PENDING,
                due_before=cutoff,
                reason="overdue beyond grace",
                now=self._clock(),
            )
            if gone:
                current = await self._store.get_post(post.id) or post
                logger.warning(
                    "post #{} missed in {}: due {}, grace {}",
                    post.id,
                    ", ".join(d.name for d in gone),
                    current.due_at.isoformat(),
                    self._grace,
                )
                missed_ids = {d.id for d in gone}
                missed.append(
                    replace(
                        current, deliveries=[d for d in current.deliveries if d.id in missed_ids]
                    )
                )
                return None
        recoveries = self._faults.recoveries
        outcome = await self._deliver(post)
        if self._faults.recoveries != recoveries:  # its record waited for the disk
            self._available_at = self._monotonic()
        if outcome in (Outcome.SENT, Outcome.FAILED, Outcome.UNCERTAIN):  # something went out
            self.pacer.sent()
            if self._gate is not None:
                self._gate.sent(self._clock())
        if outcome is Outcome.SENT and self._clock() - post.due_at > self._late_after:
            self._late.setdefault(post.id, post)
        if outcome is Outcome.WAITING:  # the link dropped mid-send: wait, then start over
            await self.nap(_CONNECTION_POLL_S)
        return outcome
