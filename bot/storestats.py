"""What the HTTP API reads beyond what the chat commands need: a page of posts in any state,
deliveries by state, failures and lateness (bot/api: GET /posts and /metrics). Read-only: the
queries Store takes from here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import RETRYABLE, Post, PostStatus
from bot.storebase import POST_COLUMNS, StoreBase, status_list

# The upper bounds (seconds) of the lateness histogram's buckets: a post due on the minute
# goes out within seconds unless held (pacing, caps, quiet hours, a lost connection).
LATENESS_BUCKETS: tuple[float, ...] = (1, 5, 15, 30, 60, 300, 900, 3600, 7200)


@dataclass(frozen=True)
class Lateness:
    """Seconds from a post's due time to each group's send, over every send kept."""

    buckets: tuple[tuple[float, int], ...]  # (upper bound, sends at most that late)
    count: int
    total_s: float


class StatsStore(StoreBase):
    async def posts_page(
        self, state: PostStatus | None, limit: int, offset: int
    ) -> tuple[list[Post], int]:
        """Posts (in `state`, else all) by due time, then id; and how many there are in all."""
        where, params = ("WHERE status = ?", [state.value]) if state else ("", [])
        rows = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts {where} ORDER BY due_at, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        total = await self._one(f"SELECT COUNT(*) FROM posts {where}", params)
        return await self._posts(rows), int(total[0]) if total else 0

    async def deliveries_by_state(self) -> dict[PostStatus, int]:
        rows = await self._all("SELECT status, COUNT(*) FROM deliveries GROUP BY status")
        found = {PostStatus(r[0]): int(r[1]) for r in rows}
        return {status: found.get(status, 0) for status in PostStatus}

    async def failures(self) -> dict[PostStatus, int]:
        """How many times a group's send ended failed, missed or uncertain, ever (a send
        retried and failed again counts twice)."""
        rows = await self._all(
            "SELECT to_status, COUNT(*) FROM post_events WHERE delivery_id IS NOT NULL"
            f" AND to_status IN {status_list(RETRYABLE)} GROUP BY to_status"
        )
        found = {PostStatus(r[0]): int(r[1]) for r in rows}
        return {status: found.get(status, 0) for status in sorted(RETRYABLE)}

    async def lateness(self, bounds: Sequence[float] = LATENESS_BUCKETS) -> Lateness:
        late = "MAX(0.0, (julianday(d.sent_at) - julianday(p.due_at)) * 86400.0)"
        counts = ", ".join(
            f"SUM(CASE WHEN {late} <= {float(b)!r} THEN 1 ELSE 0 END)" for b in bounds
        )
        row = await self._one(
            f"SELECT COUNT(*), TOTAL({late}), {counts} FROM deliveries d"
            " JOIN posts p ON p.id = d.post_id WHERE d.status = ? AND d.sent_at IS NOT NULL",
            [PostStatus.SENT.value],
        )
        assert row is not None  # an aggregate always gives one row
        return Lateness(
            tuple((b, int(row[2 + i] or 0)) for i, b in enumerate(bounds)),
            int(row[0]),
            float(row[1]),
        )
