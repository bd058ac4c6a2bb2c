"""A step of the system clock (NTP correcting it, resume from suspend, a board without a
real-time clock setting its time after boot) moves when posts are due, not how long the bot
sleeps: after a step either way a post goes out within a second of its wall-clock time, and
never before it. A step forward larger than the grace is time the bot could not act in (a
suspend): what fell due more than the grace before it is missed, however long the bot was up.

The scheduler's monotonic clock is the virtual one (tests/vclock.py); its wall clock is the
virtual one plus an offset the test steps, as the system clock steps under a running process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery import Deliverer, Outcome
from bot.media import MediaStore
from bot.models import Post, PostContent
from bot.scheduler import PostScheduler
from bot.store import Store
from tests.fakes import GROUPS, StampedTransport
from tests.vclock import VirtualClock, WallClock

DEMO_A = GROUPS[0]
START = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
WITHIN_S = 1.0  # how late a post may be after a step of the clock
GRACE = timedelta(hours=3)


class Rig:
    def __init__(self, store: Store, tmp_path: Path) -> None:
        self.store = store
        self.monotonic = VirtualClock(START)
        self.wall = WallClock(self.monotonic)
        self.transport = StampedTransport(self.wall)

        self.missed: list[int] = []

        async def nobody(_: object) -> None:
            raise AssertionError("no notice expected")

        async def on_missed(posts: list[Post]) -> None:
            self.missed.extend(p.id for p in posts)

        self.scheduler = PostScheduler(
            store,
            self._deliver,
            on_missed,
            GRACE,
            self.wall,
            sleep=self.monotonic.sleep,
            monotonic=lambda: self.monotonic.elapsed,
        )
        self.deliverer = Deliverer(
            store,
            self.transport,
            MediaStore(tmp_path / "media"),
            nobody,
            nobody,
            self.wall,
            nap=self.scheduler.nap,
        )

    async def _deliver(self, post: Post) -> Outcome:
        return await self.deliverer.deliver(post)

    async def add(self, due: datetime) -> Post:
        post = await self.store.add_post(due, PostContent("Halo"), [(DEMO_A.jid, DEMO_A.name)])
        self.scheduler.queue_changed()
        return post


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    store = await Store.open(tmp_path / "bot.db")
    made = Rig(store, tmp_path)
    await made.scheduler.start()
    yield made
    await made.scheduler.stop()
    await store.close()


@pytest.mark.parametrize("step", [timedelta(minutes=59, seconds=50), timedelta(hours=2)])
async def test_forward_step_sends_a_post_whose_time_came_within_a_second(rig: Rig, step: timedelta):
    due = START + timedelta(hours=1)
    post = await rig.add(due)
    await rig.monotonic.advance(0.5)
    rig.wall.step(step)  # the wall clock is now past (or 9.5 s before) the post's time
    stepped_at = rig.wall()
    await rig.monotonic.advance(10 + WITHIN_S)
    assert [p for p, _, _ in rig.transport.stamped] == [post.id]
    sent = rig.transport.stamped[0][2]
    assert sent >= due
    assert sent - max(due, stepped_at) <= timedelta(seconds=WITHIN_S)


async def test_forward_step_beyond_the_grace_makes_the_post_missed_not_sent(rig: Rig):
    # The clock was two days behind when the bot started (a board without a real-time
    # clock) and is then set right: the post fell due while the bot was really not running.
    post = await rig.add(START + timedelta(hours=1))
    await rig.monotonic.advance(0.5)
    rig.wall.step(timedelta(days=2))
    await rig.monotonic.advance(WITHIN_S)
    assert rig.transport.stamped == []
    assert rig.missed == [post.id]


async def test_backward_step_sends_nothing_early_and_then_on_time(rig: Rig):
    due = START + timedelta(seconds=60)
    post = await rig.add(due)
    await rig.monotonic.advance(30)
    rig.wall.step(-timedelta(minutes=10))  # the post is now 10 min 30 s away on the wall
    await rig.monotonic.advance(600)  # long past its monotonic deadline: nothing may go
    assert rig.transport.stamped == []
    await rig.monotonic.advance(30 + WITHIN_S)
    assert [p for p, _, _ in rig.transport.stamped] == [post.id]
    sent = rig.transport.stamped[0][2]
    assert due <= sent <= due + timedelta(seconds=WITHIN_S)


async def test_without_a_step_a_post_is_sent_at_its_time(rig: Rig):
    due = START + timedelta(minutes=2, seconds=0.25)
    await rig.add(due)
    await rig.monotonic.advance(121)
    assert [at for _, _, at in rig.transport.stamped] == [due]


async def test_resume_after_a_long_uptime_misses_what_fell_due_beyond_the_grace(rig: Rig):
    # Ten days up, then suspended for eight hours: the monotonic clock stands still during a
    # suspend, the wall clock does not. What fell due more than the grace (3 h) before the
    # bot could act again is missed, as after a stop; the rest goes out.
    await rig.monotonic.advance(10 * 86400)  # nothing pending: the scheduler sleeps
    now = rig.wall()
    posts = {hours: await rig.add(now + timedelta(hours=hours)) for hours in (1, 2, 3, 4, 6, 7)}
    await rig.monotonic.advance(0.5)
    rig.wall.step(timedelta(hours=8))
    await rig.monotonic.advance(WITHIN_S)
    assert sorted(rig.missed) == [posts[h].id for h in (1, 2, 3, 4)]
    assert [p for p, _, _ in rig.transport.stamped] == [posts[h].id for h in (6, 7)]


async def test_a_forward_step_within_the_grace_after_a_long_uptime_sends_everything(rig: Rig):
    await rig.monotonic.advance(10 * 86400)
    now = rig.wall()
    posts = [await rig.add(now + timedelta(minutes=minutes)) for minutes in (10, 60, 150)]
    await rig.monotonic.advance(0.5)
    rig.wall.step(timedelta(hours=2, minutes=55))  # all of them within the grace (3 h)
    await rig.monotonic.advance(WITHIN_S)
    assert rig.missed == []
    assert [p for p, _, _ in rig.transport.stamped] == [p.id for p in posts]
