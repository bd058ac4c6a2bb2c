"""bot.db faults on a real SQLite file: refused at open without leaving a thread behind,
and answered with a specific reply while the bot runs (the bot keeps running)."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from loguru import logger

from bot import messages as m
from bot import store as store_module
from bot.dbfaults import DatabaseProblem, Fault, fault_of, storage_fault
from bot.faults import advice, describe
from bot.migrations import MIGRATIONS
from bot.models import PostContent
from bot.store import Store
from tests.conftest import SATURDAY_EVENING, BotFactory, Clock
from tests.fakes import make_message

GROUP = "120363000000000001@g.us"
PAGE = 4096  # SQLite's default page size, which bot.db uses
THREAD_END_S = 2.0


def aiosqlite_threads() -> list[threading.Thread]:
    """aiosqlite's worker threads still alive (each is a non-daemon thread)."""
    alive = [t for t in threading.enumerate() if "_connection_worker_thread" in t.name]
    for thread in alive:
        thread.join(THREAD_END_S)
    return [t for t in alive if t.is_alive()]


async def make_db(path: Path, posts: int = 1) -> None:
    store = await Store.open(path)
    try:
        for i in range(posts):
            await store.add_post(
                SATURDAY_EVENING + timedelta(hours=i + 1),
                PostContent(f"post {i} " * 20),
                [(GROUP, "Grup Demo A")],
                now=SATURDAY_EVENING,
            )
    finally:
        await store.close()


def garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 20)


def truncated(path: Path) -> None:
    with path.open("r+b") as db:
        db.truncate(path.stat().st_size // 2)


def damaged_page(path: Path) -> None:
    """A page in the middle overwritten: page 1 (header, schema) is intact."""
    pages = path.stat().st_size // PAGE
    with path.open("r+b") as db:
        db.seek(PAGE * (pages // 2))
        db.write(b"\xff" * PAGE)


@pytest.mark.parametrize("damage", [garbage, truncated, damaged_page])
async def test_a_damaged_database_is_refused_and_the_connection_closed(
    tmp_path: Path, damage: object
) -> None:
    path = tmp_path / "data" / "bot.db"
    await make_db(path, posts=300)
    assert callable(damage)
    damage(path)
    assert aiosqlite_threads() == []
    with pytest.raises(DatabaseProblem) as refused:
        await Store.open(path)
    assert refused.value.fault is Fault.CORRUPT and refused.value.permanent
    message = str(refused.value)
    assert str(path) in message and "python -m bot restore" in message
    assert "\n" not in message
    # aiosqlite's worker is not a daemon thread: left open it would keep the process alive.
    assert aiosqlite_threads() == []


async def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.db"
    await make_db(path)
    newer = len(MIGRATIONS) + 1
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={newer}")
    db.close()
    before = path.read_bytes()
    files = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(DatabaseProblem) as refused:
        await Store.open(path)
    assert f"schema version {newer}" in str(refused.value)
    assert f"knows up to {len(MIGRATIONS)}" in str(refused.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == files
    assert aiosqlite_threads() == []


async def test_the_connection_syncs_fully(tmp_path: Path) -> None:
    """FULL: a commit ("claimed for sending") survives an OS crash; NORMAL may lose it."""
    store = await Store.open(tmp_path / "bot.db")
    try:
        row = await store._one("PRAGMA synchronous")
        assert row is not None and row[0] == 2  # 0 OFF, 1 NORMAL, 2 FULL
        row = await store._one("PRAGMA journal_mode")
        assert row is not None and row[0] == "wal"
    finally:
        await store.close()


def test_fault_of_reads_sqlite_result_codes(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    garbage(path)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        db = sqlite3.connect(path)
        try:
            db.execute("SELECT * FROM sqlite_master")
        finally:
            db.close()
    assert fault_of(caught.value) is Fault.CORRUPT
    assert fault_of(ValueError("database is locked")) is None
    assert fault_of(sqlite3.ProgrammingError("closed")) is None


def sqlite_error(path: Path, fault: Fault) -> sqlite3.Error:
    """The error SQLite itself raises for `fault` on a real file."""
    with contextlib.closing(sqlite3.connect(path)) as setup:
        setup.executescript("CREATE TABLE IF NOT EXISTS t (x TEXT)")
    connections: list[sqlite3.Connection] = []

    def connect(uri: str = "") -> sqlite3.Connection:
        db = sqlite3.connect(f"file:{path}{uri}", uri=True, timeout=0, isolation_level=None)
        connections.append(db)
        return db

    try:
        if fault is Fault.LOCKED:
            connect().execute("BEGIN IMMEDIATE")  # another program holds the write lock
            connect().execute("BEGIN IMMEDIATE")
        elif fault is Fault.READ_ONLY:
            connect("?mode=ro").execute("INSERT INTO t VALUES ('x')")
        elif fault is Fault.FULL:
            db = connect()
            db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
            db.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
        elif fault is Fault.CORRUPT:
            garbage(path)
            connect().execute("SELECT * FROM sqlite_master")
    except sqlite3.Error as error:
        return error
    finally:
        for db in connections:
            db.close()
    raise AssertionError(f"SQLite raised nothing for {fault}")


@pytest.mark.parametrize("fault", [Fault.LOCKED, Fault.READ_ONLY, Fault.FULL, Fault.CORRUPT])
def test_a_storage_fault_is_named_with_what_to_do(tmp_path: Path, fault: Fault) -> None:
    error = sqlite_error(tmp_path / "x.db", fault)
    assert storage_fault(error) is fault
    assert describe(error) == m.STORAGE_ERRORS[fault]
    assert advice(error) == m.FAULT_HINTS[fault] and advice(error).strip()
    assert type(error).__name__ not in describe(error)


def test_os_errors_of_a_full_or_read_only_disk_are_storage_faults(tmp_path: Path) -> None:
    assert storage_fault(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))) is Fault.FULL
    assert storage_fault(OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))) is Fault.FULL
    assert storage_fault(OSError(errno.EROFS, os.strerror(errno.EROFS))) is Fault.READ_ONLY
    assert describe(OSError(errno.ENOSPC, "x")) == m.DISK_FULL
    with pytest.raises(FileNotFoundError) as missing:
        (tmp_path / "nope").read_bytes()
    assert storage_fault(missing.value) is None
    assert storage_fault(ValueError("database or disk is full")) is None
    assert describe(ValueError("x")) == m.UNEXPECTED_ERROR.format(name="ValueError")
    assert advice(ValueError("x")) == ""


# --- while the bot runs ------------------------------------------------------------------


@pytest.fixture
def errors() -> Iterator[list[str]]:
    seen: list[str] = []
    sink = logger.add(lambda message: seen.append(str(message)), level="ERROR")
    yield seen
    logger.remove(sink)


async def test_a_locked_database_gets_a_specific_reply_and_the_bot_goes_on(
    start_bot: BotFactory, monkeypatch: pytest.MonkeyPatch, errors: list[str]
) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 100)
    bot = await start_bot(clock=Clock(SATURDAY_EVENING))
    await bot.say("/tujuan Grup Demo A")
    other = sqlite3.connect(bot.app.settings.db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        reply = await bot.say("/jadwal besok 08:00 Selamat pagi")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert reply == m.STORAGE_FAULT["locked"].format(name="jadwal")
    assert [line for line in errors if "database is locked" in line], errors
    assert await bot.app.store.all_posts() == []
    # The lock is gone: the same command works, in the same running bot.
    assert "#1" in await bot.say("/jadwal besok 08:00 Selamat pagi")
    assert len(await bot.app.store.all_posts()) == 1


async def test_damage_found_while_running_gets_a_specific_reply(
    start_bot: BotFactory, errors: list[str]
) -> None:
    bot = await start_bot(clock=Clock(SATURDAY_EVENING))
    path = bot.app.settings.db_path
    await bot.say("/tujuan Grup Demo A")
    assert "#1" in await bot.say("/jadwal besok 08:00 Selamat pagi")
    # Post #1's history fills the last pages of the file; then those pages are damaged on
    # disk, and a commit by another connection makes the bot drop its page cache (WAL).
    # Closed at the end (Python 3.13 warns of a connection left to the garbage collector).
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.executemany(
            "INSERT INTO post_events (post_id, at, to_status, reason) VALUES (1, ?, 'pending', ?)",
            [(datetime.now(UTC).isoformat(), "x" * 1000)] * 200,
        )
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = path.stat().st_size // PAGE
        with path.open("r+b") as db:
            db.seek(PAGE * (pages - 40))
            db.write(b"\xff" * PAGE * 40)
        other.execute("INSERT INTO settings (key, value) VALUES ('touch', '1')")
    other.close()
    before = len(bot.transport.replies())
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(make_message("/lihat 1", timestamp=SATURDAY_EVENING))
    # /lihat shows the post itself first, then its history, which is where the damage is.
    assert bot.transport.replies()[before:] == [
        "Selamat pagi",
        m.STORAGE_FAULT["corrupt"].format(name="lihat"),
    ]
    assert [line for line in errors if "malformed" in line], errors
    status = await bot.say("/status")
    assert status not in (m.GENERIC_ERROR, *m.STORAGE_FAULT.values()), status
