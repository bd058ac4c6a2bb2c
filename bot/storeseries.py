"""Repeating series (one id for all occurrences), the queue as the owner sees it, and
restoring a backup: the queries Store takes from here."""

from __future__ import annotations

from datetime import datetime

from bot.models import FINISHED, Post, PostStatus
from bot.storebase import POST_COLUMNS as _POST_COLUMNS
from bot.storebase import Edited, StoreBase, status_list
from bot.timefmt import to_utc_text

_PENDING = status_list({PostStatus.PENDING})
# Pending posts as the owner sees them: a repeating series once, by its soonest occurrence.
_QUEUE = (
    f"FROM posts p WHERE status IN {_PENDING} AND (series_id IS NULL OR id ="
    f" (SELECT q.id FROM posts q WHERE q.series_id = p.series_id AND q.status IN {_PENDING}"
    " ORDER BY q.due_at, q.id LIMIT 1))"
)


class SeriesStore(StoreBase):
    async def series_needing_next(self) -> list[Post]:
        """The last occurrence of every series whose last occurrence is over and not
        stopped (no group of it cancelled: only stopping a series cancels one of its
        occurrences): each needs its next occurrence queued."""
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts p WHERE id IN"
            " (SELECT MAX(id) FROM posts WHERE series_id IS NOT NULL GROUP BY series_id)"
            f" AND status IN {status_list(FINISHED)} AND NOT EXISTS (SELECT 1 FROM deliveries d"
            f" WHERE d.post_id = p.id AND d.status IN {status_list({PostStatus.CANCELLED})})"
        )
        return await self._posts(rows)

    async def series_posts(self, series_id: int) -> list[Post]:
        """Every occurrence of a series, first first: an occurrence's place is its number."""
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE series_id = ? ORDER BY id", (series_id,)
        )
        return await self._posts(rows)

    async def queue_page(self, limit: int, offset: int) -> tuple[list[Post], int]:
        """The queue as the owner sees it, soonest first: pending posts, each series once
        (its soonest pending occurrence). Also how many entries there are in all."""
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} {_QUEUE} ORDER BY due_at, id LIMIT ? OFFSET ?", (limit, offset)
        )
        total = await self._one(f"SELECT COUNT(*) {_QUEUE}")
        return await self._posts(rows), int(total[0]) if total else 0

    async def stop_series(self, series_id: int, now: datetime) -> list[int]:
        """Cancel every pending occurrence of a series (their groups still pending) in one
        transaction, so no next one is queued; returns their ids."""
        stamp = to_utc_text(now)
        async with self._transaction():
            ids = await self._pending_in_series(series_id)
            for post_id in ids:
                await self._move(
                    post_id,
                    PostStatus.CANCELLED,
                    {PostStatus.PENDING},
                    stamp,
                    "series stopped by owner",
                )
        return ids

    async def update_series_text(
        self, series_id: int, text: str, now: datetime, *, mention_all: bool
    ) -> Edited:
        """New text (and whether it mentions every member) for a series' pending occurrences
        none of whose groups has them yet (the following ones are copied from them)."""
        return await self._edit_pending(
            {"text": text, "mention_all": int(mention_all)},
            "text changed by owner",
            now,
            series_id=series_id,
            content=True,
        )

    async def update_series_rule(
        self, series_id: int, rule: str, reason: str, now: datetime
    ) -> list[int]:
        """Store a new form of a series' rule on its pending occurrences (the following ones
        are copied from them); returns their ids."""
        edited = await self._edit_pending({"repeat_rule": rule}, reason, now, series_id=series_id)
        return edited.changed

    async def restore_posts(self, posts: list[Post], now: datetime) -> None:
        """Put back the posts of a backup (ids, states, times, groups, series and rules kept)
        in one transaction, each with a "restored" event; NotEmpty if the database has
        posts. A post's status is summed up from its deliveries, as always."""
        stamp = to_utc_text(now)
        async with self._transaction():
            held = await self._one("SELECT COUNT(*) FROM posts")
            if held and int(held[0]):
                raise NotEmpty(int(held[0]))
            for post in posts:
                changed = to_utc_text(post.sent_at or post.created_at)
                await self._db.execute(
                    "INSERT INTO posts (id, status, due_at, text, destination, destination_name,"
                    " created_at, updated_at, media_path, media_mime, media_kind, media_filename,"
                    " repeat_rule, series_id, mention_all, poll)"
                    " VALUES (?, ?, ?, ?, '', '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        post.id,
                        post.status,
                        to_utc_text(post.due_at),
                        post.text,
                        to_utc_text(post.created_at),
                        changed,
                        post.media_path,
                        post.media_mime,
                        post.media_kind,
                        post.media_filename,
                        post.repeat_rule,
                        post.series_id,
                        int(post.mention_all),
                        post.poll,
                    ),
                )
                await self._db.executemany(
                    "INSERT INTO deliveries (post_id, position, destination, destination_name,"
                    " status, updated_at, sent_at, wa_message_id, last_error)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            post.id,
                            position,
                            d.destination,
                            d.destination_name,
                            d.status,
                            to_utc_text(d.sent_at or post.created_at),
                            to_utc_text(d.sent_at) if d.sent_at else None,
                            d.wa_message_id,
                            d.last_error,
                        )
                        for position, d in enumerate(post.deliveries)
                    ],
                )
                await self._settle(post.id, changed)
                await self._record(post.id, stamp, None, post.status, "restored from backup")


class NotEmpty(Exception):
    """A backup is restored only into a database without posts."""

    def __init__(self, count: int) -> None:
        super().__init__(f"the database already holds {count} posts")
        self.count = count
