"""Posts that fall due together go out paced, one by one; each is sent as it is stored when its
turn comes. An edit or a move typed while the burst goes out is what counts, and a step of
the clock back holds back the posts of the burst that are no longer due.

The owner's commands go through the real dispatcher and handlers, the posts through the real
scheduler and deliverer over a real Store; the monotonic clock is the virtual one
(tests/vclock.py) and the wall clock is the virtual one plus steps the test takes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import handlers
from bot import messages as m
from bot.context import Services
from bot.delivery import Deliverer, Outcome
from bot.dispatcher import Dispatcher
from bot.media import MediaStore
from bot.models import Post, PostStatus
from bot.posts import PostService
from bot.scheduler import PostScheduler
from bot.sendgate import SendGate
from bot.settings import Settings
from bot.state import BotState
from bot.store import Store
from tests.fakes import OWNER, StampedTransport, make_message
from tests.vclock import VirtualClock, WallClock

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)  # Saturday 20:00 WIB
DUE = START + timedelta(minutes=5)  # "/jadwal 20:05"
PACING_S = 5.0
WITHIN_S = 1.0


class Rig:
    """Dispatcher, handlers, scheduler and deliverer wired as bot.app.App does it."""

    def __init__(self, store: Store, tmp_path: Path) -> None:
        self.store = store
        self.monotonic = VirtualClock(START)
        self.wall = WallClock(self.monotonic)
        self.transport = StampedTransport(self.wall)
        self.missed: list[int] = []
        settings = Settings(
            data_dir=tmp_path / "data",
            owners=(OWNER,),
            pacing_min_s=PACING_S,
            pacing_max_s=PACING_S,
        )
        media = MediaStore(tmp_path / "media")
        self.scheduler = PostScheduler(
            store,
            self._deliver,
            self._missed,
            settings.grace,
            self.wall,
            pacing_s=(PACING_S, PACING_S),
            tz=lambda: WIB,
            sleep=self.monotonic.sleep,
            monotonic=lambda: self.monotonic.elapsed,
        )
        self.deliverer = Deliverer(
            store,
            self.transport,
            media,
            self._unexpected,
            self._unexpected,
            self.wall,
            nap=self.scheduler.nap,
        )
        services = Services(
            store=store,
            media=media,
            settings=settings,
            state=BotState(store, WIB),
            started_at=self.wall(),
            version="test",
            clock=self.wall,
            queue_changed=self.scheduler.queue_changed,
            list_groups=self.transport.list_groups,
            connection=self.transport.connection,
            posts=PostService(store, self.wall, self.scheduler.queue_changed),
            gate=SendGate(settings.caps, lambda: None, lambda: WIB),
        )
        self.dispatcher = Dispatcher(
            services,
            handlers.all_commands(),
            self.transport.send_text,
            self.transport.send_image,
            self.transport.owner_chat,
            self.transport.self_id,
            self._unexpected,
        )

    async def _deliver(self, post: Post) -> Outcome:
        return await self.deliverer.deliver(post)

    async def _missed(self, posts: list[Post]) -> None:
        self.missed.extend(p.id for p in posts)

    async def _unexpected(self, text: str) -> None:
        raise AssertionError(f"no notice or error expected: {text}")

    async def say(self, text: str) -> str:
        """`text` typed by the owner now; the bot's one reply."""
        before = len(self.transport.replies())
        await self.dispatcher.dispatch(make_message(text, timestamp=self.wall()))
        replies = self.transport.replies()
        assert len(replies) == before + 1, replies[before:]
        return replies[-1]

    async def schedule_burst(self, count: int) -> None:
        await self.say("/tujuan Grup Demo A")
        for n in range(1, count + 1):
            assert f"#{n}" in await self.say(f"/jadwal 20:05 post {n} teks lama")

    async def first_out(self) -> None:
        """Until the first post of the burst went out (at 20:05:00)."""
        await self.monotonic.advance((DUE - self.wall()).total_seconds())
        await self.monotonic.until(lambda: len(self.transport.post_stamps) == 1)

    async def stored(self, post_id: int) -> Post:
        post = await self.store.get_post(post_id)
        assert post is not None
        return post


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    store = await Store.open(tmp_path / "bot.db")
    made = Rig(store, tmp_path)
    await made.scheduler.start()
    yield made
    await made.scheduler.stop()
    await store.close()


async def test_an_edit_typed_during_a_burst_is_what_goes_out(rig: Rig):
    await rig.schedule_burst(4)
    await rig.first_out()
    assert rig.wall() - DUE < timedelta(seconds=WITHIN_S)
    # Post 1 is out; 2, 3 and 4 wait their paced turns. The owner moves 3 and rewrites 4.
    assert (await rig.say("/ubah 3 20:30")).startswith("#3 dipindah")
    assert (await rig.say("/ubah 4 teks TEKS BARU")).startswith(m.TEXT_CHANGED.format(id=4))
    await rig.monotonic.advance(60)

    assert [(post_id, text) for post_id, text, _ in rig.transport.post_stamps] == [
        (1, "post 1 teks lama"),
        (2, "post 2 teks lama"),
        (4, "TEKS BARU"),
    ]
    moved = await rig.stored(3)
    assert moved.status is PostStatus.PENDING
    assert moved.due_at == datetime(2026, 11, 21, 20, 30, tzinfo=WIB)
    assert (await rig.stored(4)).status is PostStatus.SENT
    assert rig.missed == []
    # the moved post goes out at its new time, once
    await rig.monotonic.advance(25 * 60)
    assert len(rig.transport.post_stamps) == 4
    post_id, text, at = rig.transport.post_stamps[-1]
    assert (post_id, text) == (3, "post 3 teks lama")
    assert moved.due_at <= at < moved.due_at + timedelta(seconds=WITHIN_S)


async def test_a_cancel_typed_during_a_burst_holds(rig: Rig):
    await rig.schedule_burst(3)
    await rig.first_out()
    assert (await rig.say("/batal 2")).startswith("#2 dibatalkan")
    await rig.monotonic.advance(60)
    assert [post_id for post_id, _, _ in rig.transport.post_stamps] == [1, 3]
    assert (await rig.stored(2)).status is PostStatus.CANCELLED


async def test_a_step_back_of_the_clock_holds_back_the_rest_of_a_burst(rig: Rig):
    await rig.schedule_burst(3)
    await rig.first_out()
    rig.wall.step(-timedelta(minutes=10))  # NTP sets the clock back: it is 19:55 again
    await rig.monotonic.advance(9 * 60 + 50)
    assert [post_id for post_id, _, _ in rig.transport.post_stamps] == [1]
    assert [(await rig.stored(n)).status for n in (2, 3)] == [PostStatus.PENDING] * 2

    await rig.monotonic.advance(10 + PACING_S + WITHIN_S)
    assert [post_id for post_id, _, _ in rig.transport.post_stamps] == [1, 2, 3]
    second, third = (at for _, _, at in rig.transport.post_stamps[1:])
    assert DUE <= second < DUE + timedelta(seconds=WITHIN_S)
    assert third - second >= timedelta(seconds=PACING_S)
    assert rig.missed == []
