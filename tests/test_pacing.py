"""At most one send per interval (with jitter) across the bot: a burst goes out in order,
paced, none dropped, none twice; the first send does not wait."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import PostContent, PostStatus
from bot.pacing import Pacer
from bot.settings import Settings
from bot.store import Store
from tests.conftest import BotFactory
from tests.fakes import GROUPS, eventually

DEMO_A = GROUPS[0]


class FakeClock:
    """A monotonic clock that only the recorded naps (and the test) move."""

    def __init__(self) -> None:
        self.now = 500.0
        self.naps: list[float] = []
        self.cut_short = False

    def __call__(self) -> float:
        return self.now

    async def nap(self, seconds: float) -> bool:
        self.naps.append(seconds)
        if self.cut_short:
            return False
        self.now += seconds
        return True


async def burst(pacer: Pacer, clock: FakeClock, count: int, send_s: float) -> list[float]:
    """Send `count` posts back to back through `pacer`; return when each one went."""
    sent_at: list[float] = []
    for _ in range(count):
        assert await pacer.wait_turn()
        sent_at.append(clock.now)
        clock.now += send_s  # the send itself takes a little time
        pacer.sent()
    return sent_at


async def test_pacer_spaces_a_burst_of_100_within_the_interval():
    clock = FakeClock()
    pacer = Pacer(3.0, 6.0, clock.nap, monotonic=clock, rng=random.Random(4))
    sent_at = await burst(pacer, clock, 100, send_s=0.25)
    assert sent_at[0] == 500.0  # the first send does not wait
    gaps = [b - a for a, b in itertools.pairwise(sent_at)]
    assert len(gaps) == 99
    # the interval runs from the end of one send to the start of the next
    intervals = [gap - 0.25 for gap in gaps]
    assert all(3.0 - 1e-9 <= i <= 6.0 + 1e-9 for i in intervals), intervals
    assert clock.naps == pytest.approx(intervals)
    # jitter: the intervals are not all alike, and they use the whole range
    assert min(intervals) < 3.5 and max(intervals) > 5.5
    assert 99 * 3.25 <= sent_at[-1] - sent_at[0] <= 99 * 6.25


async def test_pacer_first_send_does_not_wait_and_a_slow_send_needs_no_wait():
    clock = FakeClock()
    pacer = Pacer(3.0, 6.0, clock.nap, monotonic=clock, rng=random.Random(1))
    assert await pacer.wait_turn() and clock.naps == []
    pacer.sent()
    clock.now += 10.0  # a send (or a quiet spell) longer than the interval
    assert await pacer.wait_turn() and clock.naps == []


async def test_pacer_wait_cut_short_by_shutdown_reports_it():
    clock = FakeClock()
    pacer = Pacer(3.0, 3.0, clock.nap, monotonic=clock)
    assert await pacer.wait_turn()
    pacer.sent()
    clock.cut_short = True
    assert not await pacer.wait_turn()
    assert clock.naps == [3.0]


async def test_pacing_off_never_waits():
    clock = FakeClock()
    pacer = Pacer(0.0, 0.0, clock.nap, monotonic=clock)
    sent_at = await burst(pacer, clock, 50, send_s=0.0)
    assert clock.naps == [] and sent_at == [500.0] * 50


async def test_max_below_min_is_treated_as_min():
    clock = FakeClock()
    pacer = Pacer(2.0, 1.0, clock.nap, monotonic=clock)
    await burst(pacer, clock, 5, send_s=0.0)
    assert clock.naps == [2.0] * 4


# --- end to end: the real scheduler, small real intervals ----------------------------------


async def test_burst_of_100_due_together_goes_out_paced_in_order_once(
    start_bot: BotFactory, settings: Settings
):
    paced = replace(settings, pacing_min_s=0.002, pacing_max_s=0.004)
    due = datetime.now(UTC) - timedelta(seconds=1)
    store = await Store.open(paced.db_path)
    ids = [
        (await store.add_post(due, PostContent(f"post {n:03d}"), [(DEMO_A.jid, DEMO_A.name)])).id
        for n in range(100)
    ]
    await store.close()

    bot = await start_bot(settings_=paced)
    transport = bot.transport
    await wait_for(lambda: len(transport.posts()) >= 100)
    await asyncio.sleep(0.1)
    sent = transport.posts()
    assert [s.post_id for s in sent] == ids  # all, in order, none twice
    assert [s.text for s in sent] == [f"post {n:03d}" for n in range(100)]
    gaps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(sent)]
    # Sent.at has microsecond resolution: allow one tick of truncation
    assert min(gaps) >= 0.002 - 1e-6, sorted(gaps)[:5]
    assert transport.replies() == []
    statuses = {p.id: p.status for p in await bot.app.store.all_posts()}
    assert set(statuses.values()) == {PostStatus.SENT}


async def test_posts_due_in_a_burst_keep_due_order_not_insertion_order(
    start_bot: BotFactory, settings: Settings
):
    paced = replace(settings, pacing_min_s=0.002, pacing_max_s=0.004)
    base = datetime.now(UTC) - timedelta(seconds=10)
    store = await Store.open(paced.db_path)
    # inserted newest-due first: ids run against the due order
    for n in reversed(range(20)):
        await store.add_post(
            base + timedelta(milliseconds=n * 10),
            PostContent(f"p{n:02d}"),
            [(DEMO_A.jid, DEMO_A.name)],
        )
    await store.close()
    bot = await start_bot(settings_=paced)
    await wait_for(lambda: len(bot.transport.posts()) >= 20)
    await asyncio.sleep(0.05)
    assert [s.text for s in bot.transport.posts()] == [f"p{n:02d}" for n in range(20)]


async def test_pacing_delay_alone_never_turns_a_post_into_missed(
    start_bot: BotFactory, settings: Settings
):
    # The bot is up and connected the whole time; the posts are only late because the burst
    # queues behind the pacing. The grace policy is for posts that fell due while the bot was
    # down; the pacing "never drops one".
    paced = replace(settings, pacing_min_s=0.05, pacing_max_s=0.06, grace=timedelta(seconds=0.3))
    bot = await start_bot(settings_=paced)
    due = datetime.now(UTC) + timedelta(seconds=0.2)
    ids = [
        (await bot.app.store.add_post(due, PostContent(f"q{n}"), [(DEMO_A.jid, DEMO_A.name)])).id
        for n in range(12)
    ]
    bot.services.queue_changed()
    deadline = asyncio.get_running_loop().time() + 3
    while await bot.app.store.posts_with_status(PostStatus.PENDING):
        assert asyncio.get_running_loop().time() < deadline, "burst never finished"
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    statuses = [p.status for p in await bot.app.store.all_posts()]
    assert statuses == [PostStatus.SENT] * 12, statuses
    assert [s.post_id for s in bot.transport.posts()] == ids
    assert bot.transport.replies() == []


async def wait_for(predicate: Callable[[], object], limit: float = 10.0) -> None:
    await eventually(predicate, limit)
