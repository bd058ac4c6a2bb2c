"""Read when a post should go out from the front of an Indonesian (or English) phrase.

One entry point, `parse_schedule(phrase, now, tz)`, returns the resolved moment and the rest
of the phrase (the post text), or a reason in Indonesian. Only what is matched exactly is
taken as time; everything after it is the post, untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.timefmt import format_local

_SEP = r"(?:\s+|$)"
_CLOCK = (r"(?:(?:jam|pukul|pkl\.?|at)\s*)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})"
          r"|(?:jam|pukul|pkl\.?)\s*(?P<hh>\d{1,2})")
_DAY_WORDS = {"hari ini": 0, "today": 0, "besok": 1, "tomorrow": 1, "lusa": 2}
_DAY = r"(?P<day>hari\s+ini|today|besok|tomorrow|lusa)"
_DMY = r"(?P<d>\d{1,2})[/-](?P<mo>\d{1,2})(?:[/-](?P<y>\d{4}))?"
_ISO = r"(?P<iy>\d{4})-(?P<imo>\d{2})-(?P<id>\d{2})"
_UNIT_WORD = (r"(?:detik|dtk|menit|mnt|jam|hari|seconds|second|secs|sec|minutes|minute|mins|min"
              r"|hours|hour|hrs|hr|days|day)\b")
_PART = rf"\d{{1,5}}\s*{_UNIT_WORD}"
_PARTS = rf"(?P<parts>{_PART}(?:\s+{_PART})*)"
_UNITS = {"detik": 1, "dtk": 1, "second": 1, "seconds": 1, "sec": 1, "secs": 1,
          "menit": 60, "mnt": 60, "minute": 60, "minutes": 60, "min": 60, "mins": 60,
          "jam": 3600, "hour": 3600, "hours": 3600, "hr": 3600, "hrs": 3600,
          "hari": 86400, "day": 86400, "days": 86400}

_RE_DURATION_IN = re.compile(rf"(?:dalam|in)\s+{_PARTS}(?:\s+lagi)?{_SEP}", re.I)
_RE_DURATION_LAGI = re.compile(rf"{_PARTS}\s+(?:lagi|from\s+now){_SEP}", re.I)
_RE_UNIT = re.compile(rf"(?P<n>\d{{1,5}})\s*(?P<unit>{_UNIT_WORD})", re.I)
_RE_DAY_CLOCK = re.compile(rf"{_DAY}(?:\s*,)?\s+(?:{_CLOCK}){_SEP}", re.I)
_RE_DAY_ONLY = re.compile(rf"{_DAY}{_SEP}", re.I)
_RE_DATE_CLOCK = re.compile(rf"(?:{_ISO}|{_DMY})(?:\s+|T)(?:{_CLOCK}){_SEP}", re.I)
_RE_DATE_ONLY = re.compile(rf"(?:{_ISO}|{_DMY}){_SEP}", re.I)
_RE_CLOCK = re.compile(rf"(?:{_CLOCK}){_SEP}", re.I)

# An explicit date that fell this many days ago is taken as a mistake, not as next year.
_ROLL_YEAR_AFTER = timedelta(days=30)
MAX_AHEAD = timedelta(days=366 * 5)


@dataclass(frozen=True)
class ParseResult:
    when: datetime | None
    text: str
    error: str | None = None
    repeat: str | None = None
    suggestion: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.when is not None and self.error is None


class _Invalid(Exception):
    def __init__(self, reason: str, suggestion: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion


def parse_schedule(phrase: str, now: datetime, tz: ZoneInfo) -> ParseResult:
    """Split `phrase` into (moment, post text). `now` must be timezone-aware."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    stripped = phrase.lstrip()
    local_now = now.astimezone(tz)
    try:
        found = _match(stripped, local_now, tz)
    except _Invalid as bad:
        return ParseResult(None, stripped, bad.reason, suggestion=bad.suggestion)
    if found is None:
        head = " ".join(stripped.split()[:3]) or "(kosong)"
        return ParseResult(None, stripped, m.TIME_UNREADABLE.format(head=head))
    when, end = found
    text = stripped[end:].lstrip()
    if _not_after(when, now):
        return ParseResult(None, text, m.TIME_PAST.format(when=format_local(when, tz)))
    if when.astimezone(UTC) - now.astimezone(UTC) > MAX_AHEAD:
        return ParseResult(None, text, m.TIME_TOO_FAR.format(when=format_local(when, tz)))
    return ParseResult(when, text)


def _match(s: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, int] | None:
    for pattern in (_RE_DURATION_IN, _RE_DURATION_LAGI):
        if mt := pattern.match(s):
            seconds = sum(int(u["n"]) * _unit_seconds(u["unit"])
                          for u in _RE_UNIT.finditer(mt["parts"]))
            if seconds <= 0:
                raise _Invalid(m.TIME_ZERO_DURATION)
            # Elapsed time: add in UTC, so a DST change in `tz` does not shift the result.
            try:
                when = (now.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(tz)
            except OverflowError:  # thousands of years ahead
                far = " ".join(mt["parts"].split())
                raise _Invalid(m.TIME_TOO_FAR.format(when=far)) from None
            return when, mt.end()
    if mt := _RE_DAY_CLOCK.match(s):
        offset = _DAY_WORDS[" ".join(mt["day"].lower().split())]
        day = now.date() + timedelta(days=offset)
        when = _at(day, _clock(mt), tz)
        if offset == 0 and _not_after(when, now):
            hhmm = f"{when:%H:%M}"
            raise _Invalid(m.TIME_PAST_TODAY.format(hhmm=hhmm), when + timedelta(days=1))
        return when, mt.end()
    if mt := _RE_DATE_CLOCK.match(s):
        return _explicit_date(mt, now, tz), mt.end()
    if mt := _RE_CLOCK.match(s):
        clock = _clock(mt)
        when = _at(now.date(), clock, tz)
        if _not_after(when, now):
            when = _at(now.date() + timedelta(days=1), clock, tz)
        return when, mt.end()
    if _RE_DAY_ONLY.match(s) or _RE_DATE_ONLY.match(s):
        raise _Invalid(m.TIME_MISSING_CLOCK)
    return None


def _not_after(when: datetime, now: datetime) -> bool:
    """`when <= now` as instants (same-tzinfo comparison ignores `fold` in a repeated hour)."""
    return when.astimezone(UTC) <= now.astimezone(UTC)


def _unit_seconds(word: str) -> int:
    # re.I also matches U+017F (long s) for 's' and U+0130 for 'i', which .lower() keeps.
    return next(v for k, v in _UNITS.items() if re.fullmatch(k, word, re.I))


def _clock(mt: re.Match[str]) -> time:
    hour = int(mt["h"] if mt["h"] is not None else mt["hh"])
    minute = int(mt["mi"]) if mt["mi"] is not None else 0
    if hour > 23 or minute > 59:
        raise _Invalid(m.TIME_IMPOSSIBLE_CLOCK.format(hhmm=f"{hour:02d}:{minute:02d}"))
    return time(hour, minute)


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def _explicit_date(mt: re.Match[str], now: datetime, tz: ZoneInfo) -> datetime:
    if mt["iy"] is not None:
        year, month, day = int(mt["iy"]), int(mt["imo"]), int(mt["id"])
        explicit_year = True
    else:
        day, month = int(mt["d"]), int(mt["mo"])
        explicit_year = mt["y"] is not None
        year = int(mt["y"]) if explicit_year else now.year
    clock = _clock(mt)
    impossible = m.TIME_IMPOSSIBLE_DATE.format(date=f"{day:02d}/{month:02d}")
    try:
        when = _at(date(year, month, day), clock, tz)
    except ValueError:
        if explicit_year or (month, day) != (2, 29):
            raise _Invalid(impossible) from None
        # 29/02 in a year without one: judge by where it would fall (1 March); next year's
        # 29/02 is meant only once that is long past, like any other date.
        when = _at(date(year, 3, 1), clock, tz)
        if not (_not_after(when, now) and now - when > _ROLL_YEAR_AFTER):
            raise _Invalid(impossible) from None
    if not explicit_year and _not_after(when, now) and now - when > _ROLL_YEAR_AFTER:
        try:
            when = _at(date(year + 1, month, day), clock, tz)
        except ValueError:  # 29/02 with no leap year next
            raise _Invalid(impossible) from None
    return when
