"""The queue and settings in one SQLite file (WAL). Times are stored as UTC text.

Store is assembled from bot.storebase (connection, transactions, rows) and
bot.storeseries (repeating series, the queue as shown, restore)."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
from loguru import logger

from bot.datadir import emptied_database
from bot.dbfaults import QUICK_CHECK, DatabaseProblem, refuse_unusable
from bot.migrations import MIGRATIONS
from bot.models import FINISHED, MAY_BE_SENT, Delivery, MediaKind, Post, PostContent, PostStatus
from bot.storebase import DELIVERY_COLUMNS, POST_COLUMNS, Edited, posts_from_rows, status_list
from bot.storemonth import MonthStore
from bot.storeseries import SeriesStore
from bot.storestats import StatsStore
from bot.timefmt import from_utc_text, to_utc_text

# How long a statement waits for another connection's write lock before "database is locked".
BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class PostEvent:
    """One row of a post's state history."""

    at: datetime
    before: str | None
    after: str
    reason: str | None
    group: str | None  # the group's name for a delivery's change; None for the whole post


class Store(SeriesStore, MonthStore, StatsStore):
    """Posts, notices and settings; the series, month and API queries come from SeriesStore,
    MonthStore and StatsStore."""

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
        content: PostContent,
        destinations: Sequence[tuple[str, str]],
        *,
        now: datetime | None = None,
        repeat_rule: str | None = None,
        series_id: int | None = None,
    ) -> Post:
        """Queue a post carrying `content` to `destinations` ((jid, name) each, in the order
        they are sent); a repeating one starts its own series unless `series_id` is given. A
        post with media and no kind is an image (the only kind there was before kinds)."""
        if not destinations:
            raise ValueError("a post needs at least one destination")
        if len({jid for jid, _ in destinations}) != len(destinations):
            raise ValueError("a destination is named twice")
        media_kind = content.media_kind
        if content.media_path is not None and media_kind is None:
            media_kind = MediaKind.IMAGE
        stamp = to_utc_text(now or datetime.now(UTC))
        async with self._transaction():
            # posts.destination and .destination_name are no longer read (see migration 4).
            cursor = await self._db.execute(
                "INSERT INTO posts (status, due_at, text, destination, destination_name,"
                " media_path, media_mime, media_kind, media_filename, created_at, updated_at,"
                " repeat_rule, series_id, mention_all, poll)"
                " VALUES (?, ?, ?, '', '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    PostStatus.PENDING,
                    to_utc_text(due_at),
                    content.text,
                    content.media_path,
                    content.media_mime,
                    media_kind,
                    content.media_filename,
                    stamp,
                    stamp,
                    repeat_rule,
                    series_id,
                    int(content.mention_all),
                    content.poll,
                ),
            )
            post_id = cursor.lastrowid
            assert post_id is not None
            await self._db.executemany(
                "INSERT INTO deliveries (post_id, position, destination, destination_name,"
                " status, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (post_id, position, jid, name, PostStatus.PENDING, stamp)
                    for position, (jid, name) in enumerate(destinations)
                ],
            )
            if repeat_rule is not None and series_id is None:
                await self._db.execute("UPDATE posts SET series_id = id WHERE id = ?", (post_id,))
            await self._record(post_id, stamp, None, PostStatus.PENDING, "created")
        post = await self.get_post(post_id)
        assert post is not None
        return post

    async def get_post(self, post_id: int) -> Post | None:
        return await self._post(
            await self._one(f"SELECT {POST_COLUMNS} FROM posts WHERE id = ?", (post_id,))
        )

    async def move(
        self,
        post_id: int,
        to: PostStatus,
        *,
        expect: PostStatus | Iterable[PostStatus],
        reason: str | None = None,
        delivery_id: int | None = None,
        wa_message_id: str | None = None,
        sent_at: datetime | None = None,
        due_at: datetime | None = None,
        now: datetime | None = None,
        due_before: datetime | None = None,
    ) -> list[Delivery]:
        """Move the post's deliveries that are in one of `expect` (or only the one with
        `delivery_id`) to `to`, committed with their event rows and the post's status; with
        `due_at`, the post moves to that time; with `due_before`, only while the post (as
        stored now) falls due before that moment.

        Returns the deliveries moved, as they were before; none (and nothing changed) when
        none was in an expected state, so a race (a cancel against a send) has one winner.
        """
        allowed = {expect} if isinstance(expect, PostStatus) else set(expect)
        stamp = to_utc_text(now or datetime.now(UTC))
        async with self._transaction():
            if due_before is not None:
                row = await self._one(
                    "SELECT 1 FROM posts WHERE id = ? AND due_at < ?",
                    (post_id, to_utc_text(due_before)),
                )
                if row is None:
                    return []
            moved = await self._move(
                post_id,
                to,
                allowed,
                stamp,
                reason,
                delivery_id=delivery_id,
                wa_message_id=wa_message_id,
                sent_at=sent_at,
            )
            if moved and due_at is not None:
                await self._db.execute(
                    "UPDATE posts SET due_at = ? WHERE id = ?", (to_utc_text(due_at), post_id)
                )
        return moved

    async def claim_due(self, post_id: int, now: datetime) -> Post | None:
        """Claim the post's next group for sending (its first pending delivery, pending ->
        sending, committed with its event row) if the post is, as stored now, still pending
        and due by `now`; return the post as claimed (its current text and media) with that
        one delivery, or None. An edit committed before the claim is what goes out; one
        after it finds no delivery pending or the post no longer due."""
        stamp = to_utc_text(now)
        async with self._transaction():
            row = await self._one(
                f"SELECT {POST_COLUMNS} FROM posts WHERE id = ? AND status = ? AND due_at <= ?",
                (post_id, PostStatus.PENDING, stamp),
            )
            post = await self._post(row)
            if post is None:
                return None
            waiting = post.with_status(PostStatus.PENDING)
            if not waiting:
                # Pending with no group pending: rows not written by this store. Summed up
                # again, it is no longer pending, so the scheduler does not pick it again.
                logger.warning(
                    "post #{} was pending with no group pending; status summed up again", post_id
                )
                await self._settle(post_id, stamp)
                return None
            claimed = waiting[0]
            await self._move(
                post_id,
                PostStatus.SENDING,
                {PostStatus.PENDING},
                stamp,
                "due",
                delivery_id=claimed.id,
            )
        return replace(
            post,
            status=PostStatus.SENDING,
            deliveries=[replace(claimed, status=PostStatus.SENDING, updated_at=now)],
        )

    async def pending_page(self, limit: int, offset: int) -> list[Post]:
        rows = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts WHERE status = ?"
            " ORDER BY due_at, id LIMIT ? OFFSET ?",
            (PostStatus.PENDING, limit, offset),
        )
        return await self._posts(rows)

    async def due_posts(self, until: datetime, limit: int = 100) -> list[Post]:
        rows = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts WHERE status = ? AND due_at <= ?"
            " ORDER BY due_at, id LIMIT ?",
            (PostStatus.PENDING, to_utc_text(until), limit),
        )
        return await self._posts(rows)

    async def count_due(self, until: datetime) -> int:
        """How many pending posts are due by `until` (what a hold keeps waiting, /status)."""
        row = await self._one(
            "SELECT COUNT(*) FROM posts WHERE status = ? AND due_at <= ?",
            (PostStatus.PENDING, to_utc_text(until)),
        )
        return int(row[0]) if row else 0

    async def next_pending(self) -> Post | None:
        return await self._post(
            await self._one(
                f"SELECT {POST_COLUMNS} FROM posts WHERE status = ? ORDER BY due_at, id LIMIT 1",
                (PostStatus.PENDING,),
            )
        )

    async def posts_with_status(self, status: PostStatus) -> list[Post]:
        rows = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts WHERE status = ? ORDER BY due_at, id", (status,)
        )
        return await self._posts(rows)

    async def all_posts(self) -> list[Post]:
        rows = await self._all(f"SELECT {POST_COLUMNS} FROM posts ORDER BY id")
        deliveries = await self._all(f"SELECT {DELIVERY_COLUMNS} FROM deliveries")
        return posts_from_rows(rows, deliveries)

    async def media_in_use(self, since: datetime) -> set[str]:
        """Media of posts that may still be sent, or that changed state after `since`."""
        rows = await self._all(
            "SELECT DISTINCT media_path FROM posts WHERE media_path IS NOT NULL AND"
            f" (status IN {status_list(MAY_BE_SENT)} OR updated_at >= ?)",
            (to_utc_text(since),),
        )
        return {str(r[0]) for r in rows}

    async def history_page(self, limit: int, offset: int) -> tuple[list[Post], int]:
        """Posts finished (sent, failed, missed, uncertain) in at least one of their groups,
        the others maybe still waiting: most recently changed first."""
        finished = status_list(FINISHED)
        listed = f"WHERE id IN (SELECT post_id FROM deliveries WHERE status IN {finished})"
        rows = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts {listed}"
            " ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        total = await self._one(f"SELECT COUNT(*) FROM posts {listed}")
        return await self._posts(rows), int(total[0]) if total else 0

    async def missed_since(self, since: datetime) -> list[Post]:
        """Posts with groups marked missed since `since` (what the last missed-posts
        summaries listed), each with only those groups, oldest due first."""
        rows = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts WHERE id IN (SELECT post_id FROM deliveries"
            " WHERE status = ? AND updated_at >= ?) ORDER BY due_at, id",
            (PostStatus.MISSED, to_utc_text(since)),
        )
        return [
            replace(
                post,
                deliveries=[
                    d
                    for d in post.deliveries
                    if d.status is PostStatus.MISSED and d.updated_at >= since
                ],
            )
            for post in await self._posts(rows)
        ]

    async def update_text(
        self, post_id: int, text: str, now: datetime, *, mention_all: bool
    ) -> Edited:
        """New text (and whether it mentions every member) for a pending post none of whose
        groups has it yet, recorded as an event."""
        return await self._edit_pending(
            {"text": text, "mention_all": int(mention_all)},
            "text changed by owner",
            now,
            post_ids=[post_id],
            content=True,
        )

    async def replace_media(
        self,
        post_ids: Sequence[int],
        media_path: str,
        media_mime: str,
        media_kind: MediaKind,
        media_filename: str | None,
        now: datetime,
    ) -> Edited:
        """New media for those of `post_ids` still pending and none of whose groups has them
        yet (recorded as an event)."""
        values = {
            "media_path": media_path,
            "media_mime": media_mime,
            "media_kind": media_kind.value,
            "media_filename": media_filename,
        }
        return await self._edit_pending(
            values, "media replaced by owner", now, post_ids=post_ids, content=True
        )

    async def reschedule(
        self, post_id: int, due_at: datetime, reason: str, now: datetime | None = None
    ) -> bool:
        """Move a pending post (its groups still waiting) to `due_at` (recorded as an event);
        False if not pending."""
        edited = await self._edit_pending(
            {"due_at": to_utc_text(due_at)}, reason, now or datetime.now(UTC), post_ids=[post_id]
        )
        return bool(edited.changed)

    async def counts(self) -> dict[PostStatus, int]:
        rows = await self._all("SELECT status, COUNT(*) FROM posts GROUP BY status")
        found = {PostStatus(r[0]): int(r[1]) for r in rows}
        return {status: found.get(status, 0) for status in PostStatus}

    async def events(self, post_id: int) -> list[tuple[datetime, str | None, str, str | None]]:
        """A post's state history: (at, from, to, reason) each, oldest first."""
        return [(e.at, e.before, e.after, e.reason) for e in await self.post_events(post_id)]

    async def post_events(self, post_id: int) -> list[PostEvent]:
        """A post's state history, oldest first, each with the group it was about (None for
        the post as a whole: created, moved, text changed)."""
        rows = await self._all(
            "SELECT e.at, e.from_status, e.to_status, e.reason, d.destination,"
            " d.destination_name FROM post_events e"
            " LEFT JOIN deliveries d ON d.id = e.delivery_id"
            " WHERE e.post_id = ? ORDER BY e.id",
            (post_id,),
        )
        return [
            PostEvent(from_utc_text(r[0]), r[1], r[2], r[3], (r[5] or r[4]) if r[4] else None)
            for r in rows
        ]

    # --- notices to the owner ---------------------------------------------------------

    async def add_notice(self, text: str, now: datetime) -> None:
        async with self._transaction():
            await self._db.execute(
                "INSERT INTO notices (created_at, text) VALUES (?, ?)", (to_utc_text(now), text)
            )

    async def unsent_notices(self) -> list[tuple[int, str]]:
        # Read after any open write (StoreBase._reading): this connection would see a notice
        # whose COMMIT may still fail (disk full), sent once read and again when retried.
        rows = await self._all("SELECT id, text FROM notices WHERE sent_at IS NULL ORDER BY id")
        return [(int(r[0]), str(r[1])) for r in rows]

    async def sent_since(self, since: datetime) -> list[datetime]:
        """When each post (per group) and notice sent since `since` went out: what the send
        caps count, read at start so that they hold across a restart."""
        rows = await self._all(
            "SELECT sent_at FROM deliveries WHERE sent_at >= ?"
            " UNION ALL SELECT sent_at FROM notices WHERE sent_at >= ?",
            (to_utc_text(since), to_utc_text(since)),
        )
        return [from_utc_text(r[0]) for r in rows]

    async def notice_sent(self, notice_id: int, now: datetime) -> None:
        async with self._transaction():
            await self._db.execute(
                "UPDATE notices SET sent_at = ? WHERE id = ?", (to_utc_text(now), notice_id)
            )

    # --- the bot's replies that name a post (a reply to one acts on that post) ----------

    async def remember_reply(self, message_id: str, post_id: int, at: datetime) -> None:
        """The bot's message `message_id` confirmed or showed post `post_id` (a series: its
        id)."""
        async with self._transaction():
            await self._db.execute(
                "INSERT INTO bot_replies (message_id, post_id, at) VALUES (?, ?, ?)"
                " ON CONFLICT (message_id) DO UPDATE SET post_id = excluded.post_id,"
                " at = excluded.at",
                (message_id, post_id, to_utc_text(at)),
            )

    async def replied_post(self, message_id: str) -> int | None:
        """The post the bot's message `message_id` named; None for any other message."""
        row = await self._one("SELECT post_id FROM bot_replies WHERE message_id = ?", (message_id,))
        return int(row[0]) if row else None

    async def forget_replies(self, before: datetime) -> int:
        """Drop what is remembered of the bot's replies sent before `before`; how many."""
        async with self._transaction():
            cursor = await self._db.execute(
                "DELETE FROM bot_replies WHERE at < ?", (to_utc_text(before),)
            )
        return int(cursor.rowcount)

    # --- settings (what they mean: bot.state) --------------------------------------------

    async def settings(self) -> dict[str, str]:
        return {str(r[0]): str(r[1]) for r in await self._all("SELECT key, value FROM settings")}

    async def get_setting(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def set_settings(self, values: Mapping[str, str | None]) -> None:
        """Write `values` in one transaction; a key given None is removed."""
        async with self._transaction():
            await self._db.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [(k, v) for k, v in values.items() if v is not None],
            )
            await self._db.executemany(
                "DELETE FROM settings WHERE key = ?",
                [(k,) for k, v in values.items() if v is None],
            )
