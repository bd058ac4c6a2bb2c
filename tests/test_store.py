"""The SQLite store: schema, UTC storage, the state machine and its races, the instance lock."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.lockfile import AlreadyRunning, InstanceLock
from bot.migrations import MIGRATIONS
from bot.models import PostContent, PostStatus
from bot.store import Store

WIB = ZoneInfo("Asia/Jakarta")


async def test_schema_is_migrated_once_and_uses_wal(tmp_path: Path):
    path = tmp_path / "bot.db"
    store = await Store.open(path)
    await store.add_post(datetime(2026, 12, 1, 8, tzinfo=WIB), PostContent("x"), [("g@g.us", "G")])
    await store.close()
    store = await Store.open(path)  # reopening must not re-run or lose anything
    assert [p.text for p in await store.all_posts()] == ["x"]
    await store.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # stored as UTC text: 08:00 WIB is 01:00 UTC
        assert db.execute("SELECT due_at FROM posts").fetchone()[0] == "2026-12-01T01:00:00.000000Z"


async def test_naive_datetimes_are_refused(tmp_path: Path):
    store = await Store.open(tmp_path / "bot.db")
    with pytest.raises(ValueError, match="naive"):
        await store.add_post(datetime(2026, 12, 1, 8), PostContent("x"), [("g@g.us", "G")])  # noqa: DTZ001
    assert await store.all_posts() == []
    await store.close()


async def test_illegal_transition_is_a_bug(tmp_path: Path):
    store = await Store.open(tmp_path / "bot.db")
    post = await store.add_post(datetime.now(UTC), PostContent("x"), [("g@g.us", "G")])
    with pytest.raises(ValueError, match="illegal transition"):
        await store.move(post.id, PostStatus.SENT, expect=PostStatus.PENDING)
    assert await store.move(post.id, PostStatus.CANCELLED, expect=PostStatus.PENDING)
    # a cancelled post cannot be claimed for sending
    assert not await store.move(post.id, PostStatus.SENDING, expect=PostStatus.PENDING)
    await store.close()


async def test_cancel_racing_a_send_has_exactly_one_winner(tmp_path: Path):
    store = await Store.open(tmp_path / "bot.db")
    ids = [
        (await store.add_post(datetime.now(UTC), PostContent(f"p{n}"), [("g@g.us", "G")])).id
        for n in range(50)
    ]
    results = await asyncio.gather(
        *(
            store.move(i, target, expect=PostStatus.PENDING)
            for i in ids
            for target in (PostStatus.SENDING, PostStatus.CANCELLED)
        )
    )
    for n in range(50):
        assert bool(results[2 * n]) != bool(results[2 * n + 1])
    counts = await store.counts()
    assert counts[PostStatus.SENDING] + counts[PostStatus.CANCELLED] == 50
    assert counts[PostStatus.PENDING] == 0
    await store.close()


class _Undo(Exception):
    pass


async def test_a_read_waits_for_another_tasks_open_write_and_never_sees_it_rolled_back(
    tmp_path: Path,
):
    """One connection serves every task: a read made while another task's transaction is
    open would see its uncommitted rows (here: an edit then rolled back, as a full disk
    does). The read waits instead; the writing task itself reads its own rows at once."""
    store = await Store.open(tmp_path / "bot.db")
    post = await store.add_post(datetime.now(UTC), PostContent("asli"), [("g@g.us", "G")])
    reader: asyncio.Task[object] | None = None
    with contextlib.suppress(_Undo):
        async with store._transaction():
            await store._db.execute("UPDATE posts SET text = 'ubah' WHERE id = ?", (post.id,))
            own = await store.get_post(post.id)  # the writer's own read: no wait
            assert own is not None and own.content.text == "ubah"
            reader = asyncio.create_task(store.get_post(post.id))
            for _ in range(20):
                await asyncio.sleep(0)
            await asyncio.sleep(0.05)  # the database's thread has had time to answer
            assert not reader.done()
            raise _Undo
    assert reader is not None
    seen = await reader
    assert isinstance(seen, type(post)) and seen.content.text == "asli"
    await store.close()


async def test_due_posts_and_pages_are_in_time_order(tmp_path: Path):
    store = await Store.open(tmp_path / "bot.db")
    base = datetime(2026, 11, 21, 13, tzinfo=UTC)
    for minutes in (30, 10, 20):
        await store.add_post(
            base + timedelta(minutes=minutes), PostContent(str(minutes)), [("g@g.us", "G")]
        )
    assert [p.text for p in await store.due_posts(base + timedelta(minutes=20))] == ["10", "20"]
    assert [p.text for p in await store.pending_page(2, 1)] == ["20", "30"]
    upcoming = await store.next_pending()
    assert upcoming is not None and upcoming.text == "10"
    await store.close()


def test_instance_lock_refuses_a_second_holder_and_names_the_first(tmp_path: Path):
    path = tmp_path / "bot.lock"
    with InstanceLock(path):
        with pytest.raises(AlreadyRunning) as refused:
            InstanceLock(path).acquire()
        assert '"pid":' in refused.value.holder
    with InstanceLock(path):  # released on exit: can be taken again
        pass
