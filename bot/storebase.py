"""The connection under Store: one transaction at a time, row helpers, rows as Posts, and the
one way a delivery changes state (with its event row and the post's status summed up)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import aiosqlite

from bot.models import (
    RETRYABLE,
    TRANSITIONS,
    Delivery,
    MediaKind,
    Post,
    PostStatus,
    aggregate_status,
)
from bot.timefmt import from_utc_text, to_utc_text

POST_COLUMNS = (
    "id, status, due_at, text, created_at, media_path, media_mime, media_kind, "
    "media_filename, repeat_rule, series_id, mention_all, poll"
)
DELIVERY_COLUMNS = (
    "id, post_id, position, destination, destination_name, status, updated_at, sent_at, "
    "wa_message_id, last_error"
)
_IN_CHUNK = 500  # ids per "IN (...)": far below SQLite's limit on bound parameters
# The columns of a pending post the owner may change (bot.posts.PostService).
_EDITABLE = frozenset(
    {
        "text",
        "mention_all",
        "due_at",
        "repeat_rule",
        "media_path",
        "media_mime",
        "media_kind",
        "media_filename",
    }
)
# A content edit (text, media) only of a post none of whose groups has it yet: a group that got
# it keeps what it got, and the post shows what went out.
_UNDELIVERED = (
    "NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.post_id = posts.id"
    f" AND d.status != '{PostStatus.PENDING.value}')"
)


class Row(Protocol):
    """A row by column name: sqlite3.Row (aiosqlite's too)."""

    def __getitem__(self, key: str, /) -> Any: ...


@dataclass(frozen=True)
class Edited:
    """What an edit of pending posts did."""

    changed: list[int]  # the posts changed
    # Pending posts a content edit left as they are: some of their groups already have them.
    held: list[int]


def status_list(statuses: Iterable[PostStatus]) -> str:
    """A status group (bot.models) as SQL: "('failed','missed')", in a fixed order."""
    return "(" + ",".join(f"'{s.value}'" for s in sorted(statuses)) + ")"


class StoreBase:
    """The one connection every task shares, and the helpers the queries are written with."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # One connection is shared by every task: writes take turns so that one task's
        # statements never land inside another task's open transaction, and another task's
        # reads wait for it to end (_reading): on this connection they would see its writes
        # before they are committed, or writes then rolled back (a full disk).
        self._write_lock = asyncio.Lock()
        self._writer: asyncio.Task[Any] | None = None  # the task whose transaction is open
        self.commits = 0  # transactions committed so far: proof that the disk takes writes

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        async with self._write_lock:
            await self._db.execute("BEGIN IMMEDIATE")
            self._writer = asyncio.current_task()
            try:
                try:
                    yield
                except BaseException:
                    if self._db.in_transaction:  # SQLite may have rolled back by itself
                        await self._db.execute("ROLLBACK")
                    raise
                try:
                    await self._db.execute("COMMIT")
                except BaseException:
                    # A disk-full COMMIT (SQLITE_FULL) is rolled back by SQLite (measured);
                    # any failed COMMIT that is not would leave a transaction every BEGIN then
                    # refuses.
                    if self._db.in_transaction:
                        await self._db.execute("ROLLBACK")
                    raise
                self.commits += 1
            finally:
                self._writer = None

    @contextlib.asynccontextmanager
    async def _reading(self) -> AsyncIterator[None]:
        """For a read: at once within the reading task's own transaction, else after any
        other task's open one has ended."""
        if self._writer is not None and self._writer is asyncio.current_task():
            yield
            return
        async with self._write_lock:
            yield

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._reading(), self._db.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._reading(), self._db.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def _record(
        self,
        post_id: int,
        stamp: str,
        before: str | None,
        after: str,
        reason: str | None,
        delivery_id: int | None = None,
    ) -> None:
        """One row of a post's state history (a delivery's, with `delivery_id`); called
        inside the change's transaction."""
        await self._db.execute(
            "INSERT INTO post_events (post_id, at, from_status, to_status, reason, delivery_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (post_id, stamp, before, after, reason, delivery_id),
        )

    async def _posts(self, rows: Sequence[aiosqlite.Row]) -> list[Post]:
        """Post rows with their deliveries (read in a few queries, not one per post)."""
        ids = [int(r["id"]) for r in rows]
        found: list[aiosqlite.Row] = []
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            found += await self._all(
                f"SELECT {DELIVERY_COLUMNS} FROM deliveries"
                f" WHERE post_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        return posts_from_rows(rows, found)

    async def _post(self, row: aiosqlite.Row | None) -> Post | None:
        return (await self._posts([row]))[0] if row is not None else None

    async def _move(
        self,
        post_id: int,
        to: PostStatus,
        allowed: set[PostStatus],
        stamp: str,
        reason: str | None,
        *,
        delivery_id: int | None = None,
        wa_message_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> list[Delivery]:
        """Inside a transaction: move the post's deliveries (or the one with `delivery_id`)
        that are in one of `allowed` to `to`, each with its event row, then sum up the post's
        status. Returns them as they were before the move."""
        for source in allowed:
            if to not in TRANSITIONS[source]:
                raise ValueError(f"illegal transition {source} -> {to}")
        marks = ",".join("?" * len(allowed))
        only = [delivery_id] if delivery_id is not None else []
        rows = await self._all(
            f"SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE post_id = ?"
            f" AND status IN ({marks})" + (" AND id = ?" if only else "") + " ORDER BY position",
            (post_id, *allowed, *only),
        )
        moved = [delivery_from_row(r) for r in rows]
        for delivery in moved:
            await self._db.execute(
                "UPDATE deliveries SET status = ?, updated_at = ?,"
                " last_error = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE last_error END,"
                " wa_message_id = COALESCE(?, wa_message_id),"
                " sent_at = COALESCE(?, sent_at)"
                " WHERE id = ?",
                (
                    to,
                    stamp,
                    to in RETRYABLE,
                    reason,
                    to is PostStatus.SENT,  # delivered: an earlier failure's reason is over
                    wa_message_id,
                    to_utc_text(sent_at) if sent_at else None,
                    delivery.id,
                ),
            )
            await self._record(post_id, stamp, delivery.status, to, reason, delivery.id)
        if moved:
            await self._settle(post_id, stamp)
        return moved

    async def _edit_pending(
        self,
        values: Mapping[str, object],
        reason: str,
        now: datetime,
        *,
        post_ids: Iterable[int] = (),
        series_id: int | None = None,
        content: bool = False,
    ) -> Edited:
        """Set `values` (columns of posts) on those of `post_ids`, or of the series' pending
        occurrences (read in the same transaction), that are still pending, each recorded as
        an event, in one transaction. A `content` edit (what the groups see: text, media)
        changes only posts none of whose groups has left pending: the others are held."""
        assert set(values) <= _EDITABLE, set(values) - _EDITABLE
        stamp = to_utc_text(now)
        assignments = ", ".join(f"{column} = ?" for column in values)
        condition = "id = ? AND status = ?" + (f" AND {_UNDELIVERED}" if content else "")
        changed: list[int] = []
        held: list[int] = []
        async with self._transaction():
            if series_id is not None:
                post_ids = await self._pending_in_series(series_id)
            for post_id in post_ids:
                cursor = await self._db.execute(
                    f"UPDATE posts SET {assignments}, updated_at = ? WHERE {condition}",
                    (*values.values(), stamp, post_id, PostStatus.PENDING),
                )
                if cursor.rowcount == 1:
                    changed.append(post_id)
                    await self._record(
                        post_id, stamp, PostStatus.PENDING, PostStatus.PENDING, reason
                    )
                elif content and await self._one(
                    "SELECT 1 FROM posts WHERE id = ? AND status = ?",
                    (post_id, PostStatus.PENDING),
                ):
                    held.append(post_id)
        return Edited(changed, held)

    async def _pending_in_series(self, series_id: int) -> list[int]:
        rows = await self._all(
            "SELECT id FROM posts WHERE series_id = ? AND status = ? ORDER BY due_at, id",
            (series_id, PostStatus.PENDING),
        )
        return [int(r[0]) for r in rows]

    async def _settle(self, post_id: int, stamp: str) -> None:
        """The post's status summed up from its deliveries: in the transaction of every
        change of a delivery, and only here."""
        rows = await self._all("SELECT status FROM deliveries WHERE post_id = ?", (post_id,))
        status = aggregate_status(PostStatus(r[0]) for r in rows)
        await self._db.execute(
            "UPDATE posts SET status = ?, updated_at = ? WHERE id = ?", (status, stamp, post_id)
        )


def delivery_from_row(row: Row) -> Delivery:
    return Delivery(
        id=row["id"],
        position=row["position"],
        destination=row["destination"],
        destination_name=row["destination_name"],
        status=PostStatus(row["status"]),
        updated_at=from_utc_text(row["updated_at"]),
        sent_at=from_utc_text(row["sent_at"]) if row["sent_at"] else None,
        wa_message_id=row["wa_message_id"],
        last_error=row["last_error"],
    )


def post_from_row(row: Row, deliveries: Iterable[Delivery] = ()) -> Post:
    kind = row["media_kind"]
    return Post(
        id=row["id"],
        status=PostStatus(row["status"]),
        due_at=from_utc_text(row["due_at"]),
        text=row["text"],
        created_at=from_utc_text(row["created_at"]),
        media_path=row["media_path"],
        media_mime=row["media_mime"],
        media_kind=MediaKind(kind) if kind else None,
        media_filename=row["media_filename"],
        repeat_rule=row["repeat_rule"],
        series_id=row["series_id"],
        deliveries=sorted(deliveries, key=lambda d: d.position),
        mention_all=bool(row["mention_all"]),  # NULL in a database from before version 5
        poll=row["poll"],
    )


def posts_from_rows(post_rows: Iterable[Row], delivery_rows: Iterable[Row]) -> list[Post]:
    """Posts (in the order of `post_rows`) each with its deliveries from `delivery_rows`:
    the one place rows become Posts (the store's, and the read-only queue's)."""
    by_post: dict[int, list[Delivery]] = {}
    for row in delivery_rows:
        by_post.setdefault(int(row["post_id"]), []).append(delivery_from_row(row))
    return [post_from_row(row, by_post.get(int(row["id"]), ())) for row in post_rows]
