"""The words of time phrases (Indonesian and English) and what each one means.

Pure data plus small lookups, shared by the grammar (bot.timegrammar), the resolver
(bot.timeparse), the repeat rules (bot.repeat) and the dateparser fallback (bot.timefallback).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.timefmt import format_local

# Lower-casing that keeps every offset: the four non-ASCII letters that re.IGNORECASE would
# match to ASCII ones become those letters (U+0130 would otherwise lower to two characters),
# and typographic apostrophes become "'".
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k",
                       "\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})


def fold(text: str) -> str:
    """Lower-case `text` for matching; the result has the same length, offset for offset."""
    return text.translate(_FOLD).lower()


class Invalid(Exception):
    """A phrase that names a time we will not guess at: the reason, and maybe a proposal."""

    def __init__(self, reason: str, suggestion: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion


def propose(reason: str, suggestion: datetime | None, tz: ZoneInfo,
            rule: str | None = None) -> Invalid:
    """`reason`, and the likely reading when there is one: '... Maksudnya Minggu, 22 Nov ...?'

    For a repeating post, `rule` is the proposed rule in words and `suggestion` its first time.
    """
    if suggestion is None:
        return Invalid(reason)
    when = format_local(suggestion, tz)
    if rule is not None:
        when = m.TIME_SUGGEST_RULE.format(rule=rule, when=when)
    return Invalid(reason + m.TIME_SUGGEST.format(when=when), suggestion)


class Unclear(Invalid):
    """A clock that does not fit its words; `clock`/`parts` is the reading to propose."""

    def __init__(self, reason: str, clock: Clock | None = None,
                 parts: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.clock = clock
        self.parts = list(parts)


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


# hour, minute, second (24-hour), and days after the named day ("jam 1 malam": 1)
Hms = tuple[int, int, int, int]


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
            raise Unclear(m.TIME_PART_MISMATCH.format(hour=clock.hour, part=part),
                          Clock(likely, minute, second, offset=clock.offset))
        hour, shift = mapped
    if clock.offset:  # "setengah 12 malam" is 23:30 the same evening
        shift, rest = divmod(shift * 1440 + hour * 60 + minute + clock.offset, 1440)
        hour, minute = divmod(rest, 60)
    return hour, minute, second, shift


WEEKDAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "jumaat": 4,
    "sabtu": 5, "minggu": 6, "ahad": 6,
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
# Longest first, so that an alternation never stops at a prefix ("thu" inside "thursday").
WEEKDAY_RX = "|".join(sorted(WEEKDAYS, key=len, reverse=True))

MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "pebruari": 2, "february": 2,
    "feb": 2, "peb": 2, "maret": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5,
    "may": 5, "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}
MONTH_RX = "|".join(sorted(MONTHS, key=len, reverse=True))
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
               "September", "Oktober", "November", "Desember")

# Relative days: offset from today. "nanti" (later today) and "tonight" are handled apart.
REL_DAYS = {"hari ini": 0, "today": 0, "besok": 1, "tomorrow": 1, "lusa": 2, "nanti": 0,
            "tonight": 0}

# Parts of the day, with the hour a part means when no clock is written (for proposals).
PARTS = {"pagi": "pagi", "morning": "pagi", "subuh": "subuh", "dini hari": "dini hari",
         "siang": "siang", "afternoon": "siang", "sore": "sore", "petang": "sore",
         "evening": "malam", "malam": "malam", "night": "malam", "tonight": "malam"}
PART_RX = r"dini[^\S\r\n]+hari|(?:pagi|siang|sore|petang|malam)(?:[^\S\r\n]+hari)?" \
          r"|subuh|morning|afternoon|evening|night"
DEFAULT_HOUR = {"pagi": 8, "subuh": 5, "dini hari": 3, "siang": 12, "sore": 16, "malam": 19}


def part_key(word: str) -> str:
    """'Malam  hari' -> 'malam'; 'evening' -> 'malam'."""
    words = word.split()
    if len(words) == 2 and words[1] == "hari" and words[0] != "dini":
        words = words[:1]
    return PARTS[" ".join(words)]


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


ZONES = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura",
         "utc": "UTC", "gmt": "UTC"}
# Zones without daylight saving time (a repeat rule can be moved between them by an offset).
FIXED_ZONES = frozenset({"Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura",
                         "UTC"})


def zone(word: str) -> ZoneInfo:
    return ZoneInfo(ZONES[word])


# Duration units in seconds. re.IGNORECASE is not used; phrases are folded first.
UNITS = {"detik": 1, "dtk": 1, "second": 1, "seconds": 1, "sec": 1, "secs": 1,
         "menit": 60, "mnt": 60, "minute": 60, "minutes": 60, "min": 60, "mins": 60,
         "jam": 3600, "hour": 3600, "hours": 3600, "hr": 3600, "hrs": 3600,
         "hari": 86400, "day": 86400, "days": 86400,
         "minggu": 604800, "pekan": 604800, "week": 604800, "weeks": 604800}
UNIT_RX = "|".join(sorted(UNITS, key=len, reverse=True))
# "sejam", "setengah jam": one-word amounts.
ONE_WORD_AMOUNTS = {"sejam": 3600, "semenit": 60, "sehari": 86400, "seminggu": 604800,
                    "sepekan": 604800, "setengah jam": 1800}
