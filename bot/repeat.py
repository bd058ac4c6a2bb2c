"""A repeating post's rule: which days, at what local time; described, stored and scheduled.

The rule is wall-clock time in the bot's timezone, like APScheduler's CronTrigger(timezone=tz):
`cron_kwargs()` builds that trigger and `next_after()` gives the same answer without it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.timewords import CRON_DAYS, WEEKDAY_NAMES

WORKDAYS = frozenset(range(5))
_FORMAT_VERSION = 1


@dataclass(frozen=True, kw_only=True)
class RepeatRule:
    """Every day (no weekdays, no day of month), on some weekdays (0 = Monday), or monthly.

    A monthly rule on the 29th-31st skips the months without that day, as cron does.
    """

    weekdays: frozenset[int] | None = None
    day_of_month: int | None = None
    hour: int = 0
    minute: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValueError(f"no such time {self.hour}:{self.minute}")
        if self.weekdays is not None:
            if not self.weekdays or not self.weekdays <= frozenset(range(7)):
                raise ValueError(f"bad weekdays {sorted(self.weekdays)}")
            if self.day_of_month is not None:
                raise ValueError("weekdays and a day of the month together")
            if len(self.weekdays) == 7:  # every day of the week is every day
                object.__setattr__(self, "weekdays", None)
        if self.day_of_month is not None and not 1 <= self.day_of_month <= 31:
            raise ValueError(f"no day {self.day_of_month} in any month")

    def describe(self) -> str:
        """Indonesian, for replies and /antrian: 'setiap Senin dan Kamis 16:00'."""
        hhmm = f"{self.hour:02d}:{self.minute:02d}"
        if self.day_of_month is not None:
            template = m.REPEAT_MONTHLY if self.day_of_month <= 28 else m.REPEAT_MONTHLY_SKIP
            return template.format(day=self.day_of_month, hhmm=hhmm)
        if self.weekdays is None:
            return m.REPEAT_DAILY.format(hhmm=hhmm)
        if self.weekdays == WORKDAYS:
            return m.REPEAT_WORKDAYS.format(hhmm=hhmm)
        names = [WEEKDAY_NAMES[d] for d in sorted(self.weekdays)]
        days = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " dan " + names[-1]
        return m.REPEAT_WEEKDAYS.format(days=days, hhmm=hhmm)

    def to_text(self) -> str:
        """Compact, stable JSON for storage: '{"day":null,"hour":16,...}'."""
        return json.dumps({"v": _FORMAT_VERSION, "hour": self.hour, "minute": self.minute,
                           "weekdays": sorted(self.weekdays) if self.weekdays else None,
                           "day": self.day_of_month}, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str) -> RepeatRule:
        """Inverse of to_text; ValueError for anything it did not write."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError) as bad:
            raise ValueError(f"not a repeat rule: {text!r}") from bad
        if not isinstance(data, dict) or data.get("v") != _FORMAT_VERSION:
            raise ValueError(f"not a repeat rule: {text!r}")
        hour, minute, weekdays, day = (data.get(k) for k in ("hour", "minute", "weekdays", "day"))
        if not (isinstance(hour, int) and isinstance(minute, int) and _is_int(hour)
                and _is_int(minute) and (day is None or _is_int(day))
                and (weekdays is None or (isinstance(weekdays, list)
                                          and all(_is_int(d) for d in weekdays)))):
            raise ValueError(f"not a repeat rule: {text!r}")
        return cls(weekdays=frozenset(weekdays) if weekdays is not None else None,
                   day_of_month=day, hour=hour, minute=minute)

    def cron_kwargs(self) -> dict[str, int | str]:
        """Arguments for apscheduler.triggers.cron.CronTrigger (add timezone=the bot's tz)."""
        kwargs: dict[str, int | str] = {"hour": self.hour, "minute": self.minute, "second": 0}
        if self.weekdays is not None:
            kwargs["day_of_week"] = ",".join(CRON_DAYS[d] for d in sorted(self.weekdays))
        if self.day_of_month is not None:
            kwargs["day"] = self.day_of_month
        return kwargs

    def occurs_on(self, day: date) -> bool:
        if self.weekdays is not None:
            return day.weekday() in self.weekdays
        return self.day_of_month is None or day.day == self.day_of_month

    def next_after(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """The first occurrence strictly after `moment` (aware), as a datetime in `tz`."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        after = moment.astimezone(UTC)
        day = moment.astimezone(tz).date()
        clock = time(self.hour, self.minute)
        for _ in range(62 * 2):  # the 31st: at most two months without one in a row
            if self.occurs_on(day):
                candidate = datetime.combine(day, clock, tzinfo=tz)
                if candidate.astimezone(UTC) > after:
                    return candidate
            day += timedelta(days=1)
        raise AssertionError(f"no occurrence of {self} after {moment}")  # pragma: no cover


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
