"""A full disk under a real Store: its commits fail the way SQLite's do.

Measured with SQLite 3.40.1 on a tmpfs filled to the last byte (WAL, the Store's own
transactions): BEGIN IMMEDIATE, INSERT and UPDATE succeed (they only touch the page cache);
COMMIT, which writes the WAL, raises sqlite3.OperationalError("database or disk is full")
(SQLITE_FULL: the unix VFS returns it for a write cut short by ENOSPC), and by then SQLite
has rolled the transaction back itself (in_transaction is False). Reads keep working. Once
space is free again the same connection commits normally.

FullDisk wraps the Store's aiosqlite connection and does exactly that at COMMIT; everything
else goes to the real connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

from bot.store import Store

SQLITE_FULL = "database or disk is full"


class FullDisk:
    def __init__(self, db: Any) -> None:
        self._db = db
        self.full = False
        self.fail_next = 0  # this many COMMITs fail, then the disk has room again
        self.refused = 0  # COMMITs refused so far
        self.on_refuse: Callable[[], None] = lambda: None  # e.g. note the (virtual) time
        self.hold: asyncio.Event | None = None  # when set: refuse only once this is set
        self.holding = asyncio.Event()  # a refused COMMIT waits for `hold`

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def execute(self, sql: str, parameters: Any = None) -> Any:
        if sql == "COMMIT" and (self.full or self.fail_next > 0):
            return self._refuse()
        return self._db.execute(sql) if parameters is None else self._db.execute(sql, parameters)

    async def _refuse(self) -> None:
        self.fail_next = max(0, self.fail_next - 1)
        if self.hold is not None:  # the writing is slow: others run meanwhile
            self.holding.set()
            await self.hold.wait()
        await self._db.execute("ROLLBACK")  # what SQLite has done by itself at this point
        self.refused += 1
        self.on_refuse()
        raise sqlite3.OperationalError(SQLITE_FULL)


def under_full_disk(store: Store) -> FullDisk:
    """Put `store` on a disk that can be filled (FullDisk.full) and freed again."""
    disk = FullDisk(store._db)
    setattr(store, "_db", disk)  # noqa: B010 - the connection is private; this is its disk
    return disk
