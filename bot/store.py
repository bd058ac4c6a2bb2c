"""The queue and settings in one SQLite file (WAL). Times are stored as UTC text.

Store is assembled from bot.storebase (connection, transactions, rows) and
bot.storeseries (repeating series, the queue as shown, restore)."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
from loguru import logger

from bot.datadir import emptied_database
from bot.dbfaults import QUICK_CHECK, DatabaseProblem, refuse_unusable
from bot.migrations import MIGRATIONS
from bot.models import TRANSITIONS, Post, PostStatus
from bot.storebase import POST_COLUMNS as _POST_COLUMNS
from bot.storebase import post_from_row as _post
from bot.storeseries import SeriesStore
from bot.timefmt import from_utc_text, to_utc_text

# How long a statement waits for another connection's write lock before "database is locked".
BUSY_TIMEOUT_MS = 5000


class Store(SeriesStore):
    """Posts, notices and settings; the series queries come from SeriesStore."""

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (or create) bot.db, refusing one that is damaged or from a newer version.

        Raises DatabaseProblem; whatever fails, the connection is closed again (aiosqlite's
        worker thread is not a daemon: left open, it keeps the process alive at exit).
        """
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if (emptied := emptied_database(path)) is not None:
            raise emptied
        new = not await asyncio.to_thread(path.exists)
        try:
            db = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as error:  # aiosqlite has already stopped its thread
            raise DatabaseProblem.from_error(path, error) from error
        try:
            db.row_factory = aiosqlite.Row
            await db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            store = cls(db)
            await store._migrate(path)
            return store
        except BaseException as error:
            with contextlib.suppress(Exception):
                await db.close()
            if new:  # no half-made (0-byte) bot.db left for the next start to refuse
                for leftover in ("", "-wal", "-shm", "-journal"):
                    with contextlib.suppress(OSError):
                        path.with_name(path.name + leftover).unlink()
            if isinstance(error, sqlite3.Error):
                raise DatabaseProblem.from_error(path, error) from error
            raise

    async def close(self) -> None:
        await self._db.close()

    async def _migrate(self, path: Path) -> None:
        # Read before anything is written: a newer version's file is left as it is.
        row = await self._one("PRAGMA user_version")
        current = int(row[0]) if row else 0
        refuse_unusable(path, version=current)
        await self._db.execute("PRAGMA journal_mode=WAL")
        # FULL, not NORMAL: in WAL mode NORMAL lets an OS crash or power cut undo the last
        # commits, among them "claimed for sending", and the post would be sent twice.
        await self._db.execute("PRAGMA synchronous=FULL")
        await self._db.execute("PRAGMA foreign_keys=ON")
        if current:
            refuse_unusable(path, findings=[str(r[0]) for r in await self._all(QUICK_CHECK)])
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            async with self._transaction():
                for statement in filter(str.strip, script.split(";")):
                    await self._db.execute(statement)
                await self._db.execute(f"PRAGMA user_version={version}")
            logger.info("database schema migrated to version {}", version)

    # --- posts -------------------------------------------------------------------------

    async def add_post(
        self,
        due_at: datetime,
        text: str,
        destination: str,
        destination_name: str,
        media_path: str | None = None,
        media_mime: str | None = None,
        now: datetime | None = None,
        repeat_rule: str | None = None,
        series_id: int | None = None,
    ) -> Post:
        """Queue a post; a repeating one starts its own series unless `series_id` is given."""
        stamp = to_utc_text(now or datetime.now(UTC))
        async with self._transaction():
            cursor = await self._db.execute(
                "INSERT INTO posts (status, due_at, text, destination, destination_name,"
                " media_path, media_mime, created_at, updated_at, repeat_rule, series_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    PostStatus.PENDING,
                    to_utc_text(due_at),
                    text,
                    destination,
                    destination_name,
                    media_path,
                    media_mime,
                    stamp,
                    stamp,
                    repeat_rule,
                    series_id,
                ),
            )
            post_id = cursor.lastrowid
            assert post_id is not None
            if repeat_rule is not None and series_id is None:
                await self._db.execute("UPDATE posts SET series_id = id WHERE id = ?", (post_id,))
            await self._record(post_id, stamp, None, PostStatus.PENDING, "created")
        post = await self.get_post(post_id)
        assert post is not None
        return post

    async def get_post(self, post_id: int) -> Post | None:
        row = await self._one(f"SELECT {_POST_COLUMNS} FROM posts WHERE id = ?", (post_id,))
        return _post(row) if row else None

    async def transition(
        self,
        post_id: int,
        to: PostStatus,
        *,
        expect: PostStatus | Iterable[PostStatus],
        reason: str | None = None,
        wa_message_id: str | None = None,
        sent_at: datetime | None = None,
        due_at: datetime | None = None,
        now: datetime | None = None,
        due_before: datetime | None = None,
    ) -> bool:
        """Move a post from one of `expect` to `to`, committed with its event row; with
        `due_before`, only while the post (as stored now) falls due before that moment.

        Returns False (and changes nothing) when the post is not in an expected state, so a
        race (a cancel against a send) has exactly one winner.
        """
        allowed = {expect} if isinstance(expect, PostStatus) else set(expect)
        for source in allowed:
            if to not in TRANSITIONS[source]:
                raise ValueError(f"illegal transition {source} -> {to}")
        stamp = to_utc_text(now or datetime.now(UTC))
        marks = ",".join("?" * len(allowed))
        async with self._transaction():
            due = [to_utc_text(due_before)] if due_before else []
            row = await self._one(
                f"SELECT status FROM posts WHERE id = ? AND status IN ({marks})"
                + (" AND due_at < ?" if due else ""),
                (post_id, *allowed, *due),
            )
            if row is None:
                return False
            await self._db.execute(
                "UPDATE posts SET status = ?, updated_at = ?,"
                " last_error = CASE WHEN ? IN ('failed','missed','uncertain') THEN ?"
                "                   ELSE last_error END,"
                " wa_message_id = COALESCE(?, wa_message_id),"
                " sent_at = COALESCE(?, sent_at),"
                " due_at = COALESCE(?, due_at)"
                " WHERE id = ?",
                (
                    to,
                    stamp,
                    to,
                    reason,
                    wa_message_id,
                    to_utc_text(sent_at) if sent_at else None,
                    to_utc_text(due_at) if due_at else None,
                    post_id,
                ),
            )
            await self._record(post_id, stamp, row["status"], to, reason)
        return True

    async def claim_due(self, post_id: int, now: datetime) -> Post | None:
        """Claim a post for sending (pending -> sending, committed with its event row) if it
        is, as stored now, still pending and due by `now`; return it as claimed (its current
        text, media and destination), or None. An edit committed before the claim is what
        goes out; one after it finds the post no longer pending."""
        stamp = to_utc_text(now)
        async with self._transaction():
            row = await self._one(
                f"SELECT {_POST_COLUMNS} FROM posts WHERE id = ? AND status = 'pending'"
                " AND due_at <= ?",
                (post_id, stamp),
            )
            if row is None:
                return None
            await self._db.execute(
                "UPDATE posts SET status = 'sending', updated_at = ? WHERE id = ?", (stamp, post_id)
            )
            await self._record(post_id, stamp, PostStatus.PENDING, PostStatus.SENDING, "due")
        return replace(_post(row), status=PostStatus.SENDING)

    async def pending_page(self, limit: int, offset: int) -> list[Post]:
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE status = 'pending'"
            " ORDER BY due_at, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_post(r) for r in rows]

    async def due_posts(self, until: datetime, limit: int = 100) -> list[Post]:
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE status = 'pending' AND due_at <= ?"
            " ORDER BY due_at, id LIMIT ?",
            (to_utc_text(until), limit),
        )
        return [_post(r) for r in rows]

    async def next_pending(self) -> Post | None:
        row = await self._one(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE status = 'pending'"
            " ORDER BY due_at, id LIMIT 1"
        )
        return _post(row) if row else None

    async def posts_with_status(self, status: PostStatus) -> list[Post]:
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE status = ? ORDER BY due_at, id", (status,)
        )
        return [_post(r) for r in rows]

    async def all_posts(self) -> list[Post]:
        rows = await self._all(f"SELECT {_POST_COLUMNS} FROM posts ORDER BY id")
        return [_post(r) for r in rows]

    async def media_in_use(self, since: datetime) -> set[str]:
        """Media of posts that may still be sent, or that changed state after `since`."""
        rows = await self._all(
            "SELECT DISTINCT media_path FROM posts WHERE media_path IS NOT NULL AND"
            " (status IN ('pending','sending','failed','missed','uncertain') OR updated_at >= ?)",
            (to_utc_text(since),),
        )
        return {str(r[0]) for r in rows}

    async def history_page(self, limit: int, offset: int) -> tuple[list[Post], int]:
        """Finished posts (sent, failed, missed, uncertain), most recently changed first."""
        finished = "('sent','failed','missed','uncertain')"
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE status IN {finished}"
            " ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        total = await self._one(f"SELECT COUNT(*) FROM posts WHERE status IN {finished}")
        return [_post(r) for r in rows], int(total[0]) if total else 0

    async def update_text(self, post_id: int, text: str, now: datetime) -> bool:
        """Change a pending post's text (recorded as an event); False if not pending."""
        return await self._edit_pending(post_id, "text", text, "text changed by owner", now)

    async def reschedule(
        self, post_id: int, due_at: datetime, reason: str, now: datetime | None = None
    ) -> bool:
        """Move a pending post to `due_at` (recorded as an event); False if not pending."""
        return await self._edit_pending(
            post_id, "due_at", to_utc_text(due_at), reason, now or datetime.now(UTC)
        )

    async def _edit_pending(
        self, post_id: int, column: str, value: str, reason: str, now: datetime
    ) -> bool:
        assert column in ("text", "due_at")
        stamp = to_utc_text(now)
        async with self._transaction():
            cursor = await self._db.execute(
                f"UPDATE posts SET {column} = ?, updated_at = ?"
                " WHERE id = ? AND status = 'pending'",
                (value, stamp, post_id),
            )
            if cursor.rowcount != 1:
                return False
            await self._record(post_id, stamp, PostStatus.PENDING, PostStatus.PENDING, reason)
        return True

    async def counts(self) -> dict[PostStatus, int]:
        rows = await self._all("SELECT status, COUNT(*) FROM posts GROUP BY status")
        found = {PostStatus(r[0]): int(r[1]) for r in rows}
        return {status: found.get(status, 0) for status in PostStatus}

    async def events(self, post_id: int) -> list[tuple[datetime, str | None, str, str | None]]:
        rows = await self._all(
            "SELECT at, from_status, to_status, reason FROM post_events"
            " WHERE post_id = ? ORDER BY id",
            (post_id,),
        )
        return [(from_utc_text(r[0]), r[1], r[2], r[3]) for r in rows]

    # --- notices to the owner ---------------------------------------------------------

    async def add_notice(self, text: str, now: datetime) -> None:
        async with self._transaction():
            await self._db.execute(
                "INSERT INTO notices (created_at, text) VALUES (?, ?)", (to_utc_text(now), text)
            )

    async def unsent_notices(self) -> list[tuple[int, str]]:
        # Not while a write is open: this connection would see a notice whose COMMIT may
        # still fail (disk full), and it would be sent once read and again when retried.
        async with self._write_lock:
            rows = await self._all("SELECT id, text FROM notices WHERE sent_at IS NULL ORDER BY id")
        return [(int(r[0]), str(r[1])) for r in rows]

    async def notice_sent(self, notice_id: int, now: datetime) -> None:
        async with self._transaction():
            await self._db.execute(
                "UPDATE notices SET sent_at = ? WHERE id = ?", (to_utc_text(now), notice_id)
            )

    # --- settings ----------------------------------------------------------------------

    async def get_setting(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def record_error(self, text: str, at: str) -> None:
        """Keep `text` (at `at`, local time) as the last error. It is kept in memory too, so
        /status shows it even when the database cannot take the write (disk full)."""
        self._last_error = (text, at)
        await self.set_settings({"last_error": text, "last_error_at": at})

    async def last_error(self) -> tuple[str, str | None] | None:
        """The last error and when (this run's, else the one saved by an earlier run)."""
        if self._last_error is not None:
            return self._last_error
        text = await self.get_setting("last_error")
        return (text, await self.get_setting("last_error_at")) if text else None

    async def set_settings(self, values: dict[str, str]) -> None:
        async with self._transaction():
            await self._db.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )
