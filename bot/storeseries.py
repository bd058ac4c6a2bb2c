"""Repeating series (one id for all occurrences), the queue as the owner sees it, and
restoring a backup: the queries Store takes from here."""

from __future__ import annotations

from datetime import datetime

from bot.models import Post, PostStatus
from bot.storebase import POST_COLUMNS as _POST_COLUMNS
from bot.storebase import StoreBase
from bot.storebase import post_from_row as _post
from bot.timefmt import to_utc_text

# Pending posts as the owner sees them: a repeating series once, by its soonest occurrence.
_QUEUE = (
    "FROM posts p WHERE status = 'pending' AND (series_id IS NULL OR id ="
    " (SELECT q.id FROM posts q WHERE q.series_id = p.series_id AND q.status = 'pending'"
    " ORDER BY q.due_at, q.id LIMIT 1))"
)


class SeriesStore(StoreBase):
    async def series_needing_next(self) -> list[Post]:
        """The last occurrence of every series whose last occurrence is over but not
        cancelled: each needs its next occurrence queued."""
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE id IN"
            " (SELECT MAX(id) FROM posts WHERE series_id IS NOT NULL GROUP BY series_id)"
            " AND status IN ('sent','failed','missed','uncertain')"
        )
        return [_post(r) for r in rows]

    async def series_posts(self, series_id: int) -> list[Post]:
        """Every occurrence of a series, first first: an occurrence's place is its number."""
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE series_id = ? ORDER BY id", (series_id,)
        )
        return [_post(r) for r in rows]

    async def queue_page(self, limit: int, offset: int) -> tuple[list[Post], int]:
        """The queue as the owner sees it, soonest first: pending posts, each series once
        (its soonest pending occurrence). Also how many entries there are in all."""
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} {_QUEUE} ORDER BY due_at, id LIMIT ? OFFSET ?", (limit, offset)
        )
        total = await self._one(f"SELECT COUNT(*) {_QUEUE}")
        return [_post(r) for r in rows], int(total[0]) if total else 0

    async def stop_series(self, series_id: int, now: datetime) -> list[int]:
        """Cancel every pending occurrence of a series in one transaction, so no next one is
        queued; returns their ids."""
        stamp = to_utc_text(now)
        async with self._transaction():
            ids = await self._pending_in_series(series_id)
            for post_id in ids:
                await self._db.execute(
                    "UPDATE posts SET status = 'cancelled', updated_at = ? WHERE id = ?",
                    (stamp, post_id),
                )
                await self._record(
                    post_id,
                    stamp,
                    PostStatus.PENDING,
                    PostStatus.CANCELLED,
                    "series stopped by owner",
                )
        return ids

    async def update_series_text(self, series_id: int, text: str, now: datetime) -> list[int]:
        """Change the text of a series' pending occurrences (the following ones are copied
        from them); returns their ids."""
        return await self._edit_series(series_id, "text", text, "text changed by owner", now)

    async def update_series_rule(
        self, series_id: int, rule: str, reason: str, now: datetime
    ) -> list[int]:
        """Store a new form of a series' rule on its pending occurrences (the following ones
        are copied from them); returns their ids."""
        return await self._edit_series(series_id, "repeat_rule", rule, reason, now)

    async def _edit_series(
        self, series_id: int, column: str, value: str, reason: str, now: datetime
    ) -> list[int]:
        assert column in ("text", "repeat_rule")
        stamp = to_utc_text(now)
        async with self._transaction():
            ids = await self._pending_in_series(series_id)
            for post_id in ids:
                await self._db.execute(
                    f"UPDATE posts SET {column} = ?, updated_at = ? WHERE id = ?",
                    (value, stamp, post_id),
                )
                await self._record(post_id, stamp, PostStatus.PENDING, PostStatus.PENDING, reason)
        return ids

    async def restore_posts(self, posts: list[Post], now: datetime) -> None:
        """Put back the posts of a backup (ids, states, times, series and rules kept) in one
        transaction, each with a "restored" event; NotEmpty if the database has posts."""
        stamp = to_utc_text(now)
        async with self._transaction():
            held = await self._one("SELECT COUNT(*) FROM posts")
            if held and int(held[0]):
                raise NotEmpty(int(held[0]))
            for post in posts:
                changed = to_utc_text(post.sent_at or post.created_at)
                await self._db.execute(
                    f"INSERT INTO posts ({_POST_COLUMNS}, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        post.id,
                        post.status,
                        to_utc_text(post.due_at),
                        post.text,
                        post.destination,
                        post.destination_name,
                        to_utc_text(post.created_at),
                        post.media_path,
                        post.media_mime,
                        to_utc_text(post.sent_at) if post.sent_at else None,
                        post.wa_message_id,
                        post.last_error,
                        post.repeat_rule,
                        post.series_id,
                        changed,
                    ),
                )
                await self._record(post.id, stamp, None, post.status, "restored from backup")

    async def _pending_in_series(self, series_id: int) -> list[int]:
        rows = await self._all(
            "SELECT id FROM posts WHERE series_id = ? AND status = 'pending' ORDER BY due_at, id",
            (series_id,),
        )
        return [int(r[0]) for r in rows]


class NotEmpty(Exception):
    """A backup is restored only into a database without posts."""

    def __init__(self, count: int) -> None:
        super().__init__(f"the database already holds {count} posts")
        self.count = count
