"""A repeating post's rule: which days at what clock, or a fixed interval; described, stored
and its occurrences computed.

A calendar rule is wall-clock time in the zone it was written in (`zone`, an IANA key), so a
series keeps its moment when the owner changes the bot's zone with /zona; rules stored before
rules kept a zone have none and follow the bot's current zone. It agrees with APScheduler's
CronTrigger(timezone=zone): `cron_kwargs()` builds that trigger and `next_after()` gives the
same answer without it. An interval rule is a fixed step of elapsed time from its first
occurrence (`start`), whatever the zone.

Stored as compact JSON (`to_text`): format 3 for a rule on the last day of the month (format 2
plus "last"), format 2 for every other rule, so a version of the bot that predates format 3
refuses a month-end rule (and stops that series) rather than reading it as every day. Formats
2 and 1 (no zone, one day of the month, no interval) are still read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import messages as m
from bot.timefmt import WEEKDAYS, ZONE_NAMES, format_duration, from_utc_text, to_utc_text

WORKDAYS = frozenset(range(5))
MIN_INTERVAL_MINUTES = 15  # the most often a series may post
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FORMAT_VERSION = 2
_MONTH_END_VERSION = 3


@dataclass(frozen=True, kw_only=True)
class RepeatRule:
    """Every day (no weekdays, no days of the month), on some weekdays (0 = Monday), on some
    days of the month, on the last day of each month (`month_end`: 31 Jan, 28 or 29 Feb,
    30 Nov ...), or every `every_minutes` minutes from `start`.

    A monthly rule on the 29th-31st skips the months without that day, as cron does.
    """

    weekdays: frozenset[int] | None = None
    days_of_month: frozenset[int] | None = None
    hour: int = 0
    minute: int = 0
    every_minutes: int | None = None
    start: datetime | None = None  # an interval's first occurrence (aware; kept in UTC)
    zone: str | None = None  # IANA key the clock is read in; None: the bot's current zone
    month_end: bool = False  # the last day of each month

    def __post_init__(self) -> None:
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValueError(f"no such time {self.hour}:{self.minute}")
        if self.weekdays is not None:
            if not self.weekdays or not self.weekdays <= frozenset(range(7)):
                raise ValueError(f"bad weekdays {sorted(self.weekdays)}")
            if self.days_of_month is not None:
                raise ValueError("weekdays and days of the month together")
            if len(self.weekdays) == 7:  # every day of the week is every day
                object.__setattr__(self, "weekdays", None)
        if self.month_end and (self.weekdays is not None or self.days_of_month is not None):
            raise ValueError("the last day of the month with other days")
        if self.days_of_month is not None and (
            not self.days_of_month or not self.days_of_month <= frozenset(range(1, 32))
        ):
            raise ValueError(f"bad days of the month {sorted(self.days_of_month)}")
        if self.zone is not None:
            try:
                ZoneInfo(self.zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"no such zone {self.zone!r}") from None
        if (self.every_minutes is None) != (self.start is None):
            raise ValueError("an interval needs both its step and its start")
        if self.every_minutes is not None and self.start is not None:
            if self.every_minutes < 1 or self.weekdays or self.days_of_month or self.month_end:
                raise ValueError(f"bad interval {self.every_minutes} minutes")
            if self.start.tzinfo is None:
                raise ValueError("start must be timezone-aware")
            object.__setattr__(self, "start", self.start.astimezone(UTC))

    def describe(self, display: ZoneInfo | None = None) -> str:
        """Indonesian, for replies and /antrian: 'setiap Senin dan Kamis 16:00'. With the
        zone times are shown in (`display`), a rule written in another zone names its own:
        'setiap hari 08:00 WIB'."""
        if self.every_minutes is not None:
            every = format_duration(timedelta(minutes=self.every_minutes))
            return m.REPEAT_INTERVAL.format(every="jam" if every == "1 jam" else every)
        hhmm = f"{self.hour:02d}:{self.minute:02d}" + self._zone_words(display)
        if self.month_end:
            return m.REPEAT_MONTH_END.format(hhmm=hhmm)
        if self.days_of_month is not None:
            days = _joined([str(d) for d in sorted(self.days_of_month)])
            skipped = _joined([str(d) for d in sorted(self.days_of_month) if d > 28])
            if skipped:
                return m.REPEAT_MONTHLY_SKIP.format(day=days, hhmm=hhmm, skipped=skipped)
            return m.REPEAT_MONTHLY.format(day=days, hhmm=hhmm)
        if self.weekdays is None:
            return m.REPEAT_DAILY.format(hhmm=hhmm)
        if self.weekdays == WORKDAYS:
            return m.REPEAT_WORKDAYS.format(hhmm=hhmm)
        return m.REPEAT_WEEKDAYS.format(
            days=_joined([WEEKDAYS[d] for d in sorted(self.weekdays)]), hhmm=hhmm
        )

    def _zone_words(self, display: ZoneInfo | None) -> str:
        if display is None or self.zone is None:
            return ""
        mine, shown = _label(self.zone), _label(display.key)
        return "" if mine == shown else f" {mine}"

    def to_text(self) -> str:
        """Compact, stable JSON for storage: '{"days":null,"every":null,"hour":16,...}'."""
        data: dict[str, object] = {
            "v": _FORMAT_VERSION,
            "hour": self.hour,
            "minute": self.minute,
            "weekdays": sorted(self.weekdays) if self.weekdays else None,
            "days": sorted(self.days_of_month) if self.days_of_month else None,
            "every": self.every_minutes,
            "start": to_utc_text(self.start) if self.start else None,
            "zone": self.zone,
        }
        if self.month_end:
            data.update(v=_MONTH_END_VERSION, last=True)
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str) -> RepeatRule:
        """Inverse of to_text (format 3 or 2, or format 1); ValueError for anything else."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError) as bad:
            raise ValueError(f"not a repeat rule: {text!r}") from bad
        if not isinstance(data, dict) or data.get("v") not in (1, 2, 3):
            raise ValueError(f"not a repeat rule: {text!r}")
        try:
            return cls._from_v1(data) if data["v"] == 1 else cls._from_dict(data)
        except (KeyError, TypeError, ValueError) as bad:
            raise ValueError(f"not a repeat rule: {text!r}") from bad

    @classmethod
    def _from_v1(cls, data: dict[str, Any]) -> RepeatRule:
        day = data["day"]
        return cls(
            weekdays=_int_set(data["weekdays"]),
            days_of_month=frozenset({_int(day)}) if day is not None else None,
            hour=_int(data["hour"]),
            minute=_int(data["minute"]),
        )

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> RepeatRule:
        every, start, zone = data["every"], data["start"], data["zone"]
        if not (zone is None or isinstance(zone, str)) or not (
            start is None or isinstance(start, str)
        ):
            raise ValueError("bad zone or start")
        if data["v"] == _MONTH_END_VERSION and data["last"] is not True:
            raise ValueError("format 3 is the last day of the month")
        return cls(
            weekdays=_int_set(data["weekdays"]),
            days_of_month=_int_set(data["days"]),
            hour=_int(data["hour"]),
            minute=_int(data["minute"]),
            every_minutes=_int(every) if every is not None else None,
            start=from_utc_text(start) if start is not None else None,
            zone=zone,
            month_end=data["v"] == _MONTH_END_VERSION,
        )

    def zone_in(self, tz: ZoneInfo) -> ZoneInfo:
        """The zone the rule's clock is read in; `tz` (the bot's) for rules without one."""
        return ZoneInfo(self.zone) if self.zone else tz

    def cron_kwargs(self) -> dict[str, int | str]:
        """Arguments for apscheduler.triggers.cron.CronTrigger (add timezone=zone_in(tz))."""
        if self.every_minutes is not None:
            raise ValueError("an interval is not a cron rule")
        kwargs: dict[str, int | str] = {"hour": self.hour, "minute": self.minute, "second": 0}
        if self.weekdays is not None:
            kwargs["day_of_week"] = ",".join(CRON_DAYS[d] for d in sorted(self.weekdays))
        if self.month_end:  # apscheduler/triggers/cron/expressions.py LastDayOfMonthExpression
            kwargs["day"] = "last"
        if self.days_of_month is not None:
            days = sorted(self.days_of_month)
            kwargs["day"] = days[0] if len(days) == 1 else ",".join(map(str, days))
        return kwargs

    def occurs_on(self, day: date) -> bool:
        if self.month_end:
            return (day + timedelta(days=1)).day == 1
        if self.weekdays is not None:
            return day.weekday() in self.weekdays
        return self.days_of_month is None or day.day in self.days_of_month

    def next_after(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """The first occurrence strictly after `moment` (aware), as a datetime in `tz`."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        after = moment.astimezone(UTC)
        if self.start is not None and self.every_minutes is not None:
            step = timedelta(minutes=self.every_minutes)
            steps = 0 if after < self.start else (after - self.start) // step + 1
            return (self.start + steps * step).astimezone(tz)
        zone = self.zone_in(tz)
        day = moment.astimezone(zone).date()
        clock = time(self.hour, self.minute)
        for _ in range(62 * 2):  # the 31st: at most two months without one in a row
            if self.occurs_on(day):
                candidate = datetime.combine(day, clock, tzinfo=zone)
                instant = candidate.astimezone(UTC)
                if instant > after:  # a clock a DST change skips is read as cron does
                    return instant.astimezone(tz)
            day += timedelta(days=1)
        raise AssertionError(f"no occurrence of {self} after {moment}")  # pragma: no cover

    def latest_not_after(self, moment: datetime) -> datetime | None:
        """An interval's last occurrence at or before `moment` (None before its start)."""
        assert self.start is not None and self.every_minutes is not None
        after = moment.astimezone(UTC)
        if after < self.start:
            return None
        return self.start + (after - self.start) // timedelta(
            minutes=self.every_minutes
        ) * timedelta(minutes=self.every_minutes)


def _label(zone: str) -> str:
    return ZONE_NAMES.get(zone, zone)


def _joined(words: list[str]) -> str:
    """['Senin', 'Rabu', 'Jumat'] -> 'Senin, Rabu dan Jumat'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " dan " + words[-1]


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"not an integer: {value!r}")
    return value


def _int_set(values: object) -> frozenset[int] | None:
    if values is None:
        return None
    if not isinstance(values, list):
        raise ValueError(f"not a list: {values!r}")
    return frozenset(_int(v) for v in values)
