"""The connection under Store: one transaction at a time, row helpers, a row as a Post."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import Any

import aiosqlite

from bot.models import Post, PostStatus
from bot.timefmt import from_utc_text

POST_COLUMNS = (
    "id, status, due_at, text, destination, destination_name, created_at, "
    "media_path, media_mime, sent_at, wa_message_id, last_error, repeat_rule, "
    "series_id"
)


class StoreBase:
    """The one connection every task shares, and the helpers the queries are written with."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # One connection is shared by every task: writes take turns so that one task's
        # statements never land inside another task's open transaction.
        self._write_lock = asyncio.Lock()
        self._last_error: tuple[str, str] | None = None  # also when it could not be saved
        self.commits = 0  # transactions committed so far: proof that the disk takes writes

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        async with self._write_lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self._db.in_transaction:  # SQLite may have rolled back by itself
                    await self._db.execute("ROLLBACK")
                raise
            try:
                await self._db.execute("COMMIT")
            except BaseException:
                # A disk-full COMMIT (SQLITE_FULL) is rolled back by SQLite (measured); any
                # failed COMMIT that is not would leave a transaction every BEGIN then refuses.
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise
            self.commits += 1

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def _record(
        self, post_id: int, stamp: str, before: str | None, after: str, reason: str | None
    ) -> None:
        """One row of a post's state history; called inside the change's transaction."""
        await self._db.execute(
            "INSERT INTO post_events (post_id, at, from_status, to_status, reason)"
            " VALUES (?, ?, ?, ?, ?)",
            (post_id, stamp, before, after, reason),
        )


def post_from_row(row: aiosqlite.Row) -> Post:
    return Post(
        id=row["id"],
        status=PostStatus(row["status"]),
        due_at=from_utc_text(row["due_at"]),
        text=row["text"],
        destination=row["destination"],
        destination_name=row["destination_name"],
        created_at=from_utc_text(row["created_at"]),
        media_path=row["media_path"],
        media_mime=row["media_mime"],
        sent_at=from_utc_text(row["sent_at"]) if row["sent_at"] else None,
        wa_message_id=row["wa_message_id"],
        last_error=row["last_error"],
        repeat_rule=row["repeat_rule"],
        series_id=row["series_id"],
    )
