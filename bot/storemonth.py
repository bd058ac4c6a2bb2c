"""One month's deliveries per local day and group, for /kalender: the query Store takes
from here."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.models import OPEN, PostStatus
from bot.monthplan import MonthPlan, day_starts
from bot.storebase import StoreBase, status_list
from bot.timefmt import to_utc_text

# What the calendar counts: deliveries waiting or on their way, and those that went out (so a
# day that is over shows what was sent). Failed, missed, uncertain and cancelled ones are not.
COUNTED = OPEN | {PostStatus.SENT}
# A post whose status (summed up from its deliveries) is one of these may have a counted
# delivery; listing them lets SQLite read posts by their (status, due_at) index.
_POSTS = status_list(set(PostStatus) - {PostStatus.CANCELLED})


class MonthStore(StoreBase):
    async def month_plan(self, year: int, month: int, tz: ZoneInfo, today: date) -> MonthPlan:
        """The counted deliveries of `month` per day and group, days being local to `tz`
        (their bounds turned into UTC, so a day across a DST change keeps its own length)."""
        starts = [to_utc_text(moment) for moment in day_starts(year, month, tz)]
        days = ", ".join("(?, ?, ?)" for _ in starts[1:])
        bounds = [v for day in range(1, len(starts)) for v in (day, *starts[day - 1 : day + 1])]
        rows = await self._all(
            f"WITH days (day, starts, ends) AS (VALUES {days})"
            " SELECT days.day, d.destination, MAX(d.destination_name), COUNT(*)"
            # CROSS JOIN keeps this order: each day reads its own posts by their
            # (status, due_at) index, then their deliveries.
            " FROM days CROSS JOIN posts p CROSS JOIN deliveries d"
            " WHERE p.due_at >= days.starts AND p.due_at < days.ends AND d.post_id = p.id"
            f" AND p.status IN {_POSTS} AND d.status IN {status_list(COUNTED)}"
            " GROUP BY days.day, d.destination ORDER BY days.day, d.destination",
            bounds,
        )
        posts = await self._one(
            f"SELECT COUNT(*) FROM posts p WHERE p.status IN {_POSTS}"
            " AND p.due_at >= ? AND p.due_at < ? AND EXISTS (SELECT 1 FROM deliveries d"
            f" WHERE d.post_id = p.id AND d.status IN {status_list(COUNTED)})",
            (starts[0], starts[-1]),
        )
        # A group renamed during the month is still one group: shown by its latest name.
        names: dict[str, str] = {}
        for _day, jid, name, _ in sorted(rows, key=lambda r: r[0]):
            names[jid] = name or names.get(jid) or jid
        by_day: dict[int, list[tuple[str, int]]] = {}
        for day, jid, _, count in rows:
            by_day.setdefault(int(day), []).append((names[jid], int(count)))
        return MonthPlan(
            year,
            month,
            today,
            {day: tuple(c) for day, c in by_day.items()},
            int(posts[0] if posts else 0),
        )
