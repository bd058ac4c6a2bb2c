"""One month of deliveries as the calendar shows it: per local day, how many go to which
group; the month's local bounds in UTC; which days are busier than usual."""

from __future__ import annotations

import calendar
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

# A day is a clash when it holds at least this many deliveries and at least CLASH_FACTOR
# times the month's usual day (the median of the days that have any).
CLASH_MIN = 3
CLASH_FACTOR = 2.0

DayCounts = Sequence[tuple[str, int]]  # (group name, deliveries) on one day


def days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def day_starts(year: int, month: int, tz: ZoneInfo) -> list[datetime]:
    """Where each local day of the month begins, and where the next month begins: days+1
    aware moments (a day across a DST change is 23 or 25 hours long)."""
    days = [date(year, month, d) for d in range(1, days_in(year, month) + 1)]
    days.append(date(*next_month(year, month), 1))
    return [datetime.combine(d, time(0), tzinfo=tz) for d in days]


@dataclass(frozen=True)
class MonthPlan:
    """What goes out in one month. `today` is the owner's local date (any month: days
    before it are over), or None to mark no day as over."""

    year: int
    month: int
    today: date | None = None
    days: Mapping[int, DayCounts] = field(default_factory=dict)  # day of month -> counts
    posts: int = 0  # distinct posts; a post to three groups is one post, three deliveries

    def total_on(self, day: int) -> int:
        return sum(count for _, count in self.days.get(day, ()))

    @property
    def total(self) -> int:
        return sum(self.total_on(day) for day in self.days)

    def group_totals(self) -> list[tuple[str, int]]:
        """Every group of the month with its deliveries, most first (then by name)."""
        counts: Counter[str] = Counter()
        for day in self.days.values():
            for name, count in day:
                counts[name] += count
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def busiest(self) -> tuple[int, int] | None:
        """(day, deliveries) of the busiest day, the earliest of equals; None when empty."""
        totals = [(self.total_on(day), -day) for day in self.days if self.total_on(day)]
        if not totals:
            return None
        count, day = max(totals)
        return -day, count

    def is_over(self, day: int) -> bool:
        return self.today is not None and date(self.year, self.month, day) < self.today

    def empty_days_ahead(self) -> list[int]:
        """Days from today on (all of a future month) with nothing going out."""
        return [
            day
            for day in range(1, days_in(self.year, self.month) + 1)
            if not self.is_over(day) and not self.total_on(day)
        ]

    def clash_days(self) -> set[int]:
        """Days with clearly more deliveries than the month's usual day."""
        totals = {day: self.total_on(day) for day in self.days}
        busy = [t for t in totals.values() if t]
        if not busy:
            return set()
        limit = max(CLASH_MIN, CLASH_FACTOR * statistics.median(busy))
        return {day for day, t in totals.items() if t >= limit}
