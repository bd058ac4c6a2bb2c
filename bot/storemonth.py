"""One month's deliveries per local day and group, for /kalender: the query Store takes
from here."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.models import OPEN, PostStatus
from bot.monthplan import MonthPlan, day_starts
from bot.repeat import RepeatRule
from bot.storebase import POST_COLUMNS, StoreBase, status_list
from bot.timefmt import to_utc_text

# What the calendar counts: deliveries waiting or on their way, and those that went out (so a
# day that is over shows what was sent). Failed, missed, uncertain and cancelled ones are not.
COUNTED = OPEN | {PostStatus.SENT}
# A post whose status (summed up from its deliveries) is one of these may have a counted
# delivery; listing them lets SQLite read posts by their (status, due_at) index.
_POSTS = status_list(set(PostStatus) - {PostStatus.CANCELLED})
# (day of month, group jid, group name, deliveries): one row of the month per day and group.
Row = tuple[int, str, str | None, int]


class MonthStore(StoreBase):
    async def month_plan(self, year: int, month: int, tz: ZoneInfo, today: date) -> MonthPlan:
        """The counted deliveries of `month` per day and group, days being local to `tz`
        (their bounds turned into UTC, so a day across a DST change keeps its own length).
        A repeating series counts, besides its queued occurrence, every later one its rule
        gives within the month, to the groups of the queued one."""
        moments = day_starts(year, month, tz)
        starts = [to_utc_text(moment) for moment in moments]
        days = ", ".join("(?, ?, ?)" for _ in starts[1:])
        bounds = [v for day in range(1, len(starts)) for v in (day, *starts[day - 1 : day + 1])]
        queued = await self._all(
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
        ahead, ahead_posts = await self._series_ahead(moments[0], moments[-1], tz)
        rows: list[Row] = [(int(r[0]), r[1], r[2], int(r[3])) for r in queued] + ahead
        # A group renamed during the month is still one group: shown by its latest name.
        names: dict[str, str] = {}
        for _day, jid, name, _ in sorted(rows, key=lambda r: r[0]):
            names[jid] = name or names.get(jid) or jid
        by_day: dict[int, dict[str, int]] = {}
        for day, jid, _, count in rows:
            counts = by_day.setdefault(day, {})
            counts[jid] = counts.get(jid, 0) + count
        return MonthPlan(
            year,
            month,
            today,
            {
                day: tuple((names[jid], counts[jid]) for jid in sorted(counts))
                for day, counts in sorted(by_day.items())
            },
            int(posts[0] if posts else 0) + ahead_posts,
        )

    async def _series_ahead(
        self, start: datetime, end: datetime, tz: ZoneInfo
    ) -> tuple[list[Row], int]:
        """The occurrences in [start, end) that series will queue after their queued one (one
        row per occurrence and group), and how many occurrences that is. A series counts from
        its last occurrence while that one is waiting or on its way; a stopped series (a
        group of it cancelled) or one with an unreadable rule adds nothing, as it queues
        nothing more."""
        found = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts WHERE id IN"
            " (SELECT MAX(id) FROM posts WHERE series_id IS NOT NULL GROUP BY series_id)"
            f" AND status IN {status_list(OPEN)} AND repeat_rule IS NOT NULL AND due_at < ?",
            (to_utc_text(end),),
        )
        if not found:
            return [], 0
        # bot.series reads from the Store this class is part of: loaded with its first use.
        from bot.series import slot_of

        rows: list[Row] = []
        occurrences = 0
        first = start - timedelta(microseconds=1)  # next_after is strictly after
        for post in await self._posts(found):
            if post.repeat_rule is None or any(
                d.status is PostStatus.CANCELLED for d in post.deliveries
            ):
                continue
            try:
                rule = RepeatRule.from_text(post.repeat_rule)
            except ValueError:
                continue
            # As bot.series queues them: each next one after the later of due time and slot.
            moment = max(post.due_at, slot_of(rule, post, tz), first)
            per_day: Counter[int] = Counter()
            while (moment := rule.next_after(moment, tz)) < end:
                per_day[moment.astimezone(tz).day] += 1
            occurrences += per_day.total()
            rows += [
                (d, jid, name, n) for d, n in per_day.items() for jid, name in post.destinations
            ]
        return rows, occurrences
