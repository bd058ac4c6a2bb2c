"""Quiet hours: a daily window on the owner's wall clock in which nothing is sent.

"21:00-06:00" crosses midnight; "12:00-13:00" is within one day. The start is inside the
window, the end is not. Quiet or not is read from the local wall clock, so a DST change
moves the window with the clock; `window_end` returns the first instant (UTC) at which the
wall clock leaves the window, which on a spring-forward night may be the jump itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

OFF = "off"
OFF_WORDS = ("", "off", "mati", "tidak", "none")
USAGE = "21:00-06:00 (or 21.00-06.00, 21-6; 'off' for none)"

_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?"
# "\u2013"/"\u2014": en and em dash, which phone keyboards put for "-".
_RANGE = re.compile(rf"{_CLOCK}\s*(?:-|\u2013|\u2014|s/d|sampai)\s*{_CLOCK}", re.IGNORECASE)


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError("quiet hours start and end at the same time")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("quiet hours are wall-clock times, without a zone")

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    def format(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def is_quiet(self, moment: datetime, tz: ZoneInfo) -> bool:
        return self._contains(_local(moment, tz).time())

    def window_end(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """When the window holding `moment` ends, in UTC; `moment` itself when not quiet.

        UTC because arithmetic and comparison between datetimes sharing one ZoneInfo are
        wall-clock arithmetic, and a time in a repeated hour never equals one in another
        zone (PEP 495): a local result would give wrong waits across a DST change."""
        local = _local(moment, tz)
        after = moment.astimezone(UTC)
        if not self._contains(local.time()):
            return after
        day = local.date()
        if self.crosses_midnight and local.time() >= self.start:
            day += timedelta(days=1)
        wall = datetime.combine(day, self.end)
        for fold in (0, 1):  # fall back: a wall time seen twice; the first one after `moment`
            candidate = wall.replace(tzinfo=tz, fold=fold)
            instant = candidate.astimezone(UTC)
            if instant.astimezone(tz).replace(tzinfo=None) != wall:
                return _gap_end(after, wall, tz)  # spring forward skipped the end time
            if instant > after:
                return instant
        raise AssertionError(f"no end after {moment} for {self.format()} in {tz}")

    def _contains(self, clock: time) -> bool:
        if self.crosses_midnight:
            return clock >= self.start or clock < self.end
        return self.start <= clock < self.end


def parse(text: str) -> QuietHours | None:
    """JADWAL_QUIET_HOURS or the chat command's value; None for "off" / "mati" / empty.

    Raises ValueError (its message shows the accepted forms) for anything else."""
    cleaned = text.strip().lower()
    if cleaned in OFF_WORDS:
        return None
    match = _RANGE.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"{text!r}: write it as {USAGE}")
    start = _clock(match[1], match[2], text)
    end = _clock(match[3], match[4], text)
    if start == end:
        raise ValueError(f"{text!r}: start and end are the same time")
    return QuietHours(start, end)


def format_setting(value: QuietHours | None) -> str:
    """The value as parse() reads it back: '21:00-06:00' or 'off'."""
    return OFF if value is None else value.format()


def _clock(hours: str, minutes: str | None, text: str) -> time:
    hour, minute = int(hours), int(minutes or 0)
    if (hour, minute) == (24, 0):  # "22-24": until midnight
        return time(0, 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r}: {hours}:{minutes or '00'} is not a time of day")
    return time(hour, minute)


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware one")
    return moment.astimezone(tz)


def _gap_end(after: datetime, wall: datetime, tz: ZoneInfo) -> datetime:
    """The first instant after `after` whose wall time is past `wall`, which the clock
    skipped: the moment of the jump. zoneinfo gives no transition list, so search it: the
    wall time only grows across a gap, and with fold=1 (the offset after the jump) the
    skipped time maps before the jump, with fold=0 after it (PEP 495)."""
    low = max(after, wall.replace(tzinfo=tz, fold=1).astimezone(UTC))
    high = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)
