"""A full disk (or any fault of a scheduler pass) delays posts, never silently: the owner is
told once while it lasts and once when it is over, /status shows it, the scheduler retries
with a bounded backoff, and what fell due longer than the grace ago is reported missed.

The scheduler runs as the App wires it, over a real Store whose commits fail as SQLite's do on
a full disk (tests/diskfull.py), with the virtual clock as both its wall and monotonic clock.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from loguru import logger

from bot import messages as m
from bot.delivery import Deliverer, Outcome
from bot.faults import MAX_RETRY_S, Faults
from bot.media import MediaStore
from bot.models import Post, PostContent, PostStatus, SentMessage
from bot.scheduler import PostScheduler
from bot.state import BotState
from bot.store import Store
from tests.conftest import BotFactory
from tests.diskfull import FullDisk, under_full_disk
from tests.fakes import GROUPS, OWNER_CHAT, FakeTransport, eventually
from tests.vclock import VirtualClock

DEMO_A = GROUPS[0]
START = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
STORAGE_NOTICE = m.FAULT_NOTICE.format(
    what=m.FAULT_NAMES["storage"], error=m.DISK_FULL, hint=m.FAULT_HINT_DISK
)
STORAGE_RECOVERED = m.FAULT_RECOVERED.format(what=m.FAULT_NAMES["storage"])


class Transport(FakeTransport):
    """Runs `after_post` once a post went out (to fill the disk right then, say)."""

    def __init__(self) -> None:
        super().__init__()
        self.after_post: Callable[[], None] = lambda: None

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        sent = await super().send_text(chat, text, post_id=post_id)
        if post_id is not None:
            self.after_post()
        return sent


class Rig:
    """Store, deliverer, faults and scheduler wired as bot.app.App does it. The monotonic
    clock is the virtual one; the wall clock is the virtual one plus `step`."""

    def __init__(self, store: Store, tmp_path: Path, grace: timedelta) -> None:
        self.store = store
        self.state = BotState(store, ZoneInfo("Asia/Jakarta"))
        self.disk: FullDisk = under_full_disk(store)
        self.clock = VirtualClock(START)
        self.step = timedelta(0)  # how far the wall clock was set away from the monotonic
        self.transport = Transport()
        self.told: list[str] = []  # every notice the owner got, queued or sent at once
        self.refused_at: list[float] = []  # virtual time of each refused commit
        self.disk.on_refuse = lambda: self.refused_at.append(self.clock.elapsed)
        faults = Faults(self._queue_notice, self._record_error, send_now=self._send_now)
        self.deliver_calls = 0
        self.scheduler = PostScheduler(
            store,
            self._deliver,
            self._missed,
            grace,
            self.wall,
            faults=faults,
            sleep=self.clock.sleep,
            monotonic=lambda: self.clock.elapsed,
        )
        self.deliverer = Deliverer(
            store,
            self.transport,
            MediaStore(tmp_path / "media"),
            self._queue_notice,
            self._record_error,
            self.wall,
            nap=self.scheduler.nap,
            faults=faults,
        )
        self.broken_passes = 0  # the next passes fail with a bug, not the disk

    def wall(self) -> datetime:
        return self.clock() + self.step

    async def _deliver(self, post: Post) -> Outcome:
        if self.broken_passes:
            self.broken_passes -= 1
            raise RuntimeError("a bug in a scheduler pass")
        return await self.deliverer.deliver(post)

    async def _queue_notice(self, text: str) -> None:  # App.notify_owner
        await self.store.add_notice(text, self.clock())
        self.told.append(text)

    async def _send_now(self, text: str) -> None:
        await self.transport.send_text(OWNER_CHAT, text)
        self.told.append(text)

    async def _record_error(self, text: str) -> None:  # App.record_error
        try:
            await self.state.record_error(text, self.wall())
        except Exception:
            logger.exception("could not record the last error")

    async def _missed(self, posts: list[Post]) -> None:
        await self._queue_notice("terlewat: " + " ".join(f"#{p.id}" for p in posts))

    def last_error(self) -> str | None:
        """The last error as /status shows it: kept in memory when the disk refused it."""
        last = self.state.last_error
        return last.text if last else None

    def attempts(self) -> list[float]:
        """When the scheduler tried again (one pass may refuse several commits at once)."""
        return sorted(set(self.refused_at))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.db")
    yield opened
    await opened.close()


async def status_of(store: Store, post_id: int) -> PostStatus:
    post = await store.get_post(post_id)
    assert post is not None
    return post.status


async def test_full_disk_is_told_once_retried_with_backoff_then_recovered(
    store: Store, tmp_path: Path
):
    rig = Rig(store, tmp_path, grace=timedelta(minutes=10))
    post = await store.add_post(
        START + timedelta(seconds=10), PostContent("Halo"), [(DEMO_A.jid, DEMO_A.name)]
    )
    await rig.scheduler.start()
    try:
        rig.disk.full = True
        await rig.clock.advance(300)
        # due at 10 s; then tried again after 1, 2, 4, 8, 16 s and every 30 s: bounded, and
        # never a retry without a wait
        tries = rig.attempts()
        assert tries[0] == 10.0
        gaps = [b - a for a, b in itertools.pairwise(tries)]
        assert gaps[:6] == [1.0, 2.0, 4.0, 8.0, 16.0, MAX_RETRY_S]
        assert set(gaps[5:]) == {MAX_RETRY_S} and len(tries) == 14
        assert rig.told == [STORAGE_NOTICE]  # fourteen failed passes, one notice
        assert rig.transport.replies() == [STORAGE_NOTICE]  # sent at once: the queue is on disk
        assert await status_of(store, post.id) is PostStatus.PENDING
        assert rig.transport.posts() == []
        assert rig.last_error() == "penyimpanan: disk penuh"

        rig.disk.full = False  # space freed at 300 s; the next try is at 310 s
        await rig.clock.advance(MAX_RETRY_S)
        assert [s.post_id for s in rig.transport.posts()] == [post.id]
        assert await status_of(store, post.id) is PostStatus.SENT
        assert rig.told == [STORAGE_NOTICE, STORAGE_RECOVERED]
        await rig.clock.advance(600)
        assert len(rig.transport.posts()) == 1 and len(rig.told) == 2
    finally:
        await rig.scheduler.stop()


async def test_post_delayed_beyond_the_grace_by_a_full_disk_is_reported_missed(
    store: Store, tmp_path: Path
):
    rig = Rig(store, tmp_path, grace=timedelta(minutes=2))
    late = await store.add_post(
        START + timedelta(seconds=10), PostContent("Telat"), [(DEMO_A.jid, DEMO_A.name)]
    )
    await rig.scheduler.start()
    try:
        rig.disk.full = True
        await rig.clock.advance(300)
        rig.disk.full = False
        on_time = await store.add_post(
            START + timedelta(seconds=320), PostContent("Tepat"), [(DEMO_A.jid, DEMO_A.name)]
        )
        await rig.clock.advance(60)
        assert [s.post_id for s in rig.transport.posts()] == [on_time.id]
        assert await status_of(store, late.id) is PostStatus.MISSED
        assert rig.told == [STORAGE_NOTICE, f"terlewat: #{late.id}", STORAGE_RECOVERED]
    finally:
        await rig.scheduler.stop()


async def test_a_failing_pass_that_is_not_the_disk_is_told_once_too(store: Store, tmp_path: Path):
    rig = Rig(store, tmp_path, grace=timedelta(minutes=10))
    rig.broken_passes = 3
    post = await store.add_post(START, PostContent("Halo"), [(DEMO_A.jid, DEMO_A.name)])
    await rig.scheduler.start()
    try:
        await rig.clock.advance(10)  # failed at 0, 1 and 3 s; worked at 7 s
        assert [s.post_id for s in rig.transport.posts()] == [post.id]
        notice = m.FAULT_NOTICE.format(
            what=m.FAULT_NAMES["scheduler"],
            error=m.UNEXPECTED_ERROR.format(name="RuntimeError"),
            hint="",
        )
        assert rig.told == [notice, m.FAULT_RECOVERED.format(what=m.FAULT_NAMES["scheduler"])]
        assert rig.last_error() == "penjadwal: kesalahan tak terduga (RuntimeError)"
    finally:
        await rig.scheduler.stop()


async def test_a_notice_whose_commit_fails_is_never_read_as_queued(store: Store):
    # The notice sender shares the connection: while a notice's transaction is open it must
    # not read that notice (it would send it, and the failed write would be retried: twice).
    disk = under_full_disk(store)
    disk.fail_next, disk.hold = 1, asyncio.Event()
    writing = asyncio.create_task(store.add_notice("Pemberitahuan", START))
    await disk.holding.wait()  # INSERT done, COMMIT about to fail
    reading = asyncio.create_task(store.unsent_notices())
    await asyncio.sleep(0.05)
    disk.hold.set()
    with pytest.raises(sqlite3.OperationalError):
        await writing
    assert await reading == []
    await store.add_notice("Pemberitahuan", START)
    assert [text for _, text in await store.unsent_notices()] == ["Pemberitahuan"]


# --- the running bot -----------------------------------------------------------------------


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.faults.FIRST_RETRY_S", 0.01)
    monkeypatch.setattr("bot.faults.MAX_RETRY_S", 0.05)
    monkeypatch.setattr("bot.app._NOTICE_RETRY_S", 0.02)


@pytest.mark.usefixtures("quick_retries")
async def test_running_bot_on_a_full_disk_tells_once_and_shows_it_in_status(start_bot: BotFactory):
    records: list[tuple[str, str]] = []
    sink = logger.add(
        lambda msg: records.append((msg.record["level"].name, msg.record["message"])),
        level="WARNING",
    )
    try:
        transport = FakeTransport()
        bot = await start_bot(transport=transport)
        await bot.say("/tujuan Grup Demo A")
        store = bot.app.store
        disk = under_full_disk(store)
        post = await store.add_post(
            datetime.now(UTC), PostContent("Halo"), [(DEMO_A.jid, DEMO_A.name)]
        )
        disk.full = True
        bot.services.queue_changed()
        await eventually(lambda: disk.refused >= 20)
        assert transport.replies()[1:] == [STORAGE_NOTICE]
        status = await bot.say("/status")
        assert "\nError terakhir: penyimpanan: disk penuh (" in status
        assert transport.posts() == []

        disk.full = False
        await eventually(lambda: transport.posts() and STORAGE_RECOVERED in transport.replies())
        assert [s.post_id for s in transport.posts()] == [post.id]
        assert transport.replies()[1:] == [STORAGE_NOTICE, status, STORAGE_RECOVERED]
        assert await status_of(store, post.id) is PostStatus.SENT
    finally:
        logger.remove(sink)
    errors = [text for level, text in records if level == "ERROR" and "scheduler pass" in text]
    assert len(errors) == 1 and "database or disk is full" in errors[0]
    assert any("still failing" in text for level, text in records if level == "WARNING")


# --- a fault is over only when what failed has worked again -------------------------------


async def test_stop_while_a_sent_record_waits_for_the_disk_tells_no_recovery(
    store: Store, tmp_path: Path
):
    rig = Rig(store, tmp_path, grace=timedelta(minutes=10))
    post = await store.add_post(
        START + timedelta(seconds=10), PostContent("Halo"), [(DEMO_A.jid, DEMO_A.name)]
    )
    rig.transport.after_post = lambda: setattr(rig.disk, "full", True)
    await rig.scheduler.start()
    await rig.clock.advance(20)  # sent at 10 s; its record refused since
    assert [s.post_id for s in rig.transport.posts()] == [post.id]
    assert rig.told == [STORAGE_NOTICE]
    await rig.scheduler.stop()  # the disk is still full
    assert rig.told == [STORAGE_NOTICE]
    assert rig.transport.replies() == [STORAGE_NOTICE]
    # left 'sending': the next start reports it as uncertain, never sends it again
    assert await status_of(store, post.id) is PostStatus.SENDING


async def test_a_pass_that_only_reads_does_not_end_a_full_disk(store: Store, tmp_path: Path):
    rig = Rig(store, tmp_path, grace=timedelta(minutes=10))
    post = await store.add_post(
        START + timedelta(seconds=10), PostContent("Halo"), [(DEMO_A.jid, DEMO_A.name)]
    )
    await rig.scheduler.start()
    try:
        rig.disk.full = True
        await rig.clock.advance(10)  # the claim is refused (and the notice's commit)
        assert rig.told == [STORAGE_NOTICE]
        refused = rig.disk.refused
        rig.step = -timedelta(minutes=2)  # the clock set back: the post is not due yet
        await rig.clock.advance(60)  # passes that find nothing due, so write nothing
        assert rig.disk.refused == refused
        assert rig.told == [STORAGE_NOTICE]  # not "recovered": the disk is still full

        rig.disk.full = False
        await rig.clock.advance(60 + 1)  # due again at 10 s on the stepped clock
        assert [s.post_id for s in rig.transport.posts()] == [post.id]
        assert rig.told == [STORAGE_NOTICE, STORAGE_RECOVERED]
    finally:
        await rig.scheduler.stop()


# --- what the owner is told about a damaged database --------------------------------------

PAGE = 4096  # SQLite's default page size, which bot.db uses


async def test_a_database_damaged_while_running_is_named_with_what_to_do(
    store: Store, tmp_path: Path
):
    path = tmp_path / "bot.db"
    post = await store.add_post(
        START + timedelta(seconds=10), PostContent("Halo"), [(DEMO_A.jid, DEMO_A.name)]
    )
    rig = Rig(store, tmp_path, grace=timedelta(minutes=10))
    # The pages of the posts table and its index are overwritten on disk; a commit by another
    # connection makes the bot's connection drop its page cache (WAL).
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        roots = [
            int(r[0])
            for r in other.execute(
                "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'posts' AND rootpage > 0"
            )
        ]
        with path.open("r+b") as db:
            for root in roots:
                db.seek((root - 1) * PAGE)
                db.write(b"\xff" * PAGE)
        other.execute("INSERT INTO settings (key, value) VALUES ('touch', '1')")
    finally:
        other.close()
    await rig.scheduler.start()
    try:
        await rig.clock.advance(20)
    finally:
        await rig.scheduler.stop()
    notice = m.FAULT_NOTICE.format(
        what=m.FAULT_NAMES["storage"],
        error=m.STORAGE_ERRORS["corrupt"],
        hint=m.FAULT_HINTS["corrupt"],
    )
    assert rig.told == [notice]
    assert "python -m bot restore" in notice and "kesalahan tak terduga" not in notice
    assert rig.last_error() == "penyimpanan: database rusak"
    assert rig.transport.posts() == [] and post.id == 1


async def test_faults_told_from_two_tasks_at_once_are_each_handed_over_once() -> None:
    """The scheduler and a delivery can report at the same moment; a hand-over that waits
    (the notice's database write) must not let the other task send or drop the same notice."""
    handed: list[str] = []
    release = asyncio.Event()

    async def notify(text: str) -> None:
        await release.wait()
        handed.append(text)

    faults = Faults(notify)
    full = sqlite3.OperationalError("database or disk is full")
    both = asyncio.gather(
        faults.failed("a scheduler pass", RuntimeError("boom"), 1.0),
        faults.failed("recording a sent post", full, 1.0),
    )
    await asyncio.sleep(0)
    release.set()
    await both
    assert len(handed) == 2 and len(set(handed)) == 2, handed
