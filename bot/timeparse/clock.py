"""A clock as written, and the 24-hour time it means with the part of the day applied."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot import messages as m
from bot.timeparse.errors import Invalid


@dataclass(frozen=True)
class Clock:
    """A clock as written: "jam 8" is Clock(8); "8.30 pm" is Clock(8, 30, ampm="p")."""

    hour: int
    minute: int = 0
    second: int = 0
    ampm: str | None = None  # "a" or "p"
    # minutes added once the hour is placed: "setengah 8" (half before 8) is -30,
    # "jam 8 lewat 15" is +15, "jam 8 kurang seperempat" is -15
    offset: int = 0
    part: str | None = None  # a part of the day the words imply ("tengah malam")
    # an hour 1-12 written without a leading zero or am/pm: morning or evening? (bare hours)
    twelve: bool = False
    text: str = ""  # as written (folded, single spaces): "jam setengah 8"


# hour, minute, second (24-hour), and days after the named day ("jam 1 malam": 1)
Hms = tuple[int, int, int, int]


class Unclear(Invalid):
    """A clock that does not fit its words; `clock`/`parts` is the reading to propose."""

    def __init__(self, reason: str, clock: Clock | None = None, parts: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.clock = clock
        self.parts = list(parts)


def is_night(hour: int) -> bool:
    """23:00-03:59: a time people rarely mean when they write a bare hour."""
    return hour >= 23 or hour < 4


def part_name(hour: int) -> str:
    """The part of the day people would add to say `hour` (24-hour)."""
    if 4 <= hour <= 10:
        return "pagi"
    if 11 <= hour <= 14:
        return "siang"
    if 15 <= hour <= 17:
        return "sore"
    return "malam"


def clock_value(clock: Clock, parts: Sequence[str]) -> Hms:
    """The written clock as 24-hour time, with am/pm and the part of the day applied."""
    hour, minute, second = clock.hour, clock.minute, clock.second
    hhmm = f"{hour:02d}:{minute:02d}"
    distinct = list(dict.fromkeys(parts))
    if len(distinct) > 1:  # "pagi jam 5 subuh" is fine; "pagi jam 8 malam" is not
        readings: set[Hms | None] = set()
        for each in distinct:
            try:
                readings.add(clock_value(clock, [each]))
            except Unclear:
                readings.add(None)
        if len(readings) > 1 or None in readings:
            raise Unclear(m.TIME_PART_CONFLICT.format(first=distinct[0], second=distinct[1]))
        return clock_value(clock, distinct[:1])
    part = distinct[0] if distinct else None
    if abs(clock.offset) > 59:  # "jam 8 lewat 75"
        hhmm = f"{hour:02d}:{abs(clock.offset):02d}"
    elif clock.offset < 0 and hour == 0:  # "setengah 0"
        hhmm = f"{hhmm} {clock.offset} menit"
    if minute > 59 or second > 59 or abs(clock.offset) > 59 or (clock.offset < 0 and hour == 0):
        raise Unclear(m.TIME_IMPOSSIBLE_CLOCK.format(hhmm=hhmm))
    if clock.ampm is not None:
        if not 1 <= hour <= 12:
            raise Unclear(m.TIME_IMPOSSIBLE_CLOCK.format(hhmm=f"{hour} {clock.ampm}m"))
        hour = hour % 12 + (12 if clock.ampm == "p" else 0)
    if hour == 24 and minute == second == clock.offset == 0 and part is None:  # the day's end
        raise Unclear(m.TIME_IMPOSSIBLE_CLOCK.format(hhmm=hhmm), Clock(0), ["malam"])
    if hour > 23:
        raise Unclear(m.TIME_IMPOSSIBLE_CLOCK.format(hhmm=hhmm))
    shift = 0
    if part is not None:
        mapped = apply_part(part, hour)
        if mapped is None or (clock.ampm is not None and mapped[0] != hour):
            likely = hour if clock.ampm else likely_hour(part, hour)
            raise Unclear(
                m.TIME_PART_MISMATCH.format(hour=clock.hour, part=part),
                Clock(likely, minute, second, offset=clock.offset),
            )
        hour, shift = mapped
    if clock.offset:  # "setengah 12 malam" is 23:30 the same evening
        shift, rest = divmod(shift * 1440 + hour * 60 + minute + clock.offset, 1440)
        hour, minute = divmod(rest, 60)
    return hour, minute, second, shift


def apply_part(part: str, hour: int) -> tuple[int, int] | None:
    """(24-hour hour, days after the named day) that `hour` means in `part`, or None.

    "jam 7 malam" is 19:00; "jam 12 malam" and "jam 1 malam" are in the night after the
    named day; "siang jam 1" is 13:00. A 24-hour reading that fits the part is kept.
    """
    if part == "pagi":
        return (hour, 0) if 0 <= hour <= 11 else None
    if part == "subuh":
        return (hour, 0) if 3 <= hour <= 6 else None
    if part == "dini hari":
        return (hour, 0) if 0 <= hour <= 4 else (0, 0) if hour == 12 else None
    if part == "siang":
        if 10 <= hour <= 17:
            return hour, 0
        return (hour + 12, 0) if 1 <= hour <= 5 else None
    if part == "sore":
        if 15 <= hour <= 19:
            return hour, 0
        return (hour + 12, 0) if 3 <= hour <= 7 else None
    if part == "malam":
        if 17 <= hour <= 23:
            return hour, 0
        if 5 <= hour <= 11:
            return hour + 12, 0
        if hour == 12:
            return 0, 1
        return (hour, 1) if 0 <= hour <= 4 else None
    raise ValueError(part)


def likely_hour(part: str, hour: int) -> int:
    """The reading to propose when `hour` does not fit `part` ("jam 8 sore" -> 20)."""
    if part in ("pagi", "subuh", "dini hari") or hour >= 12:
        return hour % 24
    return hour + 12
