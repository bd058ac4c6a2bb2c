"""/jadwal while the disk is full gets the disk-full reply (messages.STORAGE_FAULT), not the
generic apology, and the bot goes on once there is room.

The fault is SQLite's own: `PRAGMA max_page_count` caps the file at its current size, so the
write that needs a new page fails with SQLITE_FULL ("database or disk is full", extended
code 13), the error a full disk gives (tests/diskfull.py). tests/diskfull.FullDisk raises
sqlite3.OperationalError by hand, without the `sqlite_errorcode` that the dispatcher reads
(bot.dbfaults.fault_of), so it cannot stand in here.
"""

from __future__ import annotations

import sqlite3

from bot import messages as m
from bot.dbfaults import Fault, fault_of
from tests.conftest import Bot

LONG_TEXT = "Pengumuman rapat wali murid hari Senin. " * 200  # needs pages the file lacks


async def fill_database(bot: Bot) -> None:
    store = bot.app.store
    row = await store._one("PRAGMA page_count")
    assert row is not None
    await store._one(f"PRAGMA max_page_count = {int(row[0])}")


async def test_jadwal_on_a_full_disk_gets_the_disk_full_reply(bot_with_target: Bot) -> None:
    bot = bot_with_target
    await fill_database(bot)
    reply = await bot.say(f"/jadwal besok 08:00 {LONG_TEXT}")
    assert reply == m.STORAGE_FAULT[Fault.FULL].format(name="jadwal")
    assert await bot.app.store.all_posts() == []

    await bot.app.store._one("PRAGMA max_page_count = 1073741823")  # space freed
    assert "#1" in await bot.say(f"/jadwal besok 08:00 {LONG_TEXT}")
    assert len(await bot.app.store.all_posts()) == 1


def test_the_cap_fails_as_a_full_disk_does() -> None:
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE TABLE t (x TEXT)")
        db.execute("PRAGMA max_page_count = 2")
        try:
            db.execute("INSERT INTO t VALUES (?)", (LONG_TEXT,))
        except sqlite3.OperationalError as exc:
            error = exc
        else:
            raise AssertionError("the capped database took the row")
    finally:
        db.close()
    assert str(error) == "database or disk is full" and error.sqlite_errorname == "SQLITE_FULL"
    assert fault_of(error) is Fault.FULL
