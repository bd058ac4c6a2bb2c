"""dateparser as a checked fallback, for phrases the grammar (bot.timeparse.grammar) does not
know.

Measured: dateparser silently returns the base time for "besok jam 8", fills a missing time
with 00:00 ("thursday"), reads "20h" as 16:00 and "12.25.2026" month first despite
DATE_ORDER. So nothing it says is taken on trust: the words tried (successively shorter
prefixes of the first line) must hold exactly one clock the grammar reads itself, and the
answer must agree with that clock, with every number, weekday and month name in the words, must
not move with the base time, and must be ahead. Otherwise the phrase stays unreadable.
"""

from __future__ import annotations

import functools
import re
import sys
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from bot.timeparse import lexicon as lx
from bot.timeparse.clock import clock_value
from bot.timeparse.clocks import clock_in
from bot.timeparse.errors import Invalid
from bot.timeparse.grammar import is_zone
from bot.timeparse.scan import fold

MAX_WORDS = 6  # longest prefix tried; each try is one dateparser call (~0.5 ms)
_RE_WORD = re.compile(r"\S+")
_RE_NUMERIC_DATE = re.compile(
    r"(?<![0-9])([0-9]{1,4})[./-]([0-9]{1,2})(?:[./-]([0-9]{2,4}))?"
    r"(?![0-9])"
)
_RE_NUMBER = re.compile(r"[0-9]+")
_RE_BARE_NUMBER = re.compile(r"(?<!\S)[0-9]+(?=[\s,]|$)")
_RE_NAME = re.compile(r"[a-z']+")
_PUNCTUATION = ",;:()!?\"'"
_RELATIVE = frozenset(lx.WEEKDAYS) | {
    "today",
    "tomorrow",
    "tonight",
    "besok",
    "lusa",
    "ini",
    "depan",
    "next",
    "this",
    "coming",
    "nanti",
}
_KNOWN = (
    _RELATIVE
    | frozenset(lx.MONTHS)
    | frozenset(lx.PART_WORDS)
    | {
        "at",
        "on",
        "of",
        "the",
        "jam",
        "pukul",
        "pkl",
        "pkl.",
        "tanggal",
        "tgl",
        "tgl.",
        "hari",
        "bulan",
        "tahun",
        "noon",
        "midnight",
        "tengah",
        "dini",
        "am",
        "pm",
        "a.m.",
        "p.m.",
        "-",
    }
)
_MOVE_BASE = timedelta(days=1, hours=1, minutes=1)
_RE_REPEAT = re.compile(r"(?:setiap|tiap|saban|every|each|daily)\b")
_LANGUAGES = ("id", "en")
_SETTINGS: dict[str, Any] = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "future",
    "RETURN_AS_TIMEZONE_AWARE": True,
}
_STRPTIME_FORMATS_KEPT = 64  # dateparser tries ~15 in turn


def read(
    phrase: str, now: datetime, tz: ZoneInfo, max_ahead: timedelta
) -> tuple[datetime, int] | None:
    """(moment, end of the time words in `phrase`), or None when nothing is trustworthy."""
    line = re.split(r"[\r\n]", phrase, maxsplit=1)[0]
    folded = fold(line)
    if _RE_REPEAT.match(folded):  # a repeat the grammar refused is never a one-off
        return None
    words = list(_RE_WORD.finditer(line))
    found: tuple[datetime, int] | None = None
    for count in range(min(len(words), MAX_WORDS), 0, -1):
        end = words[count - 1].end()
        when = _checked(line[:end], folded[:end], now, tz, max_ahead)
        if found is None:
            if when is None:
                continue
            following = words[count][0] if count < len(words) else ""
            if is_zone(fold(following)):
                return None  # "8pm UTC": a zone we would silently drop
            found = (when, end)
        elif when == found[0]:
            found = (when, end)  # a shorter prefix says the same: the word was filler
        else:
            break
    return found


def _checked(
    text: str, folded: str, now: datetime, tz: ZoneInfo, max_ahead: timedelta
) -> datetime | None:
    words = [word.strip(_PUNCTUATION) or word for word in folded.split()]
    if not all(word in _KNOWN or any(c.isdigit() for c in word) for word in words):
        return None  # only date words are given to dateparser: it skips words it does not know
    clock = clock_in(folded)
    if clock is None:
        return None
    expr, start, end = clock
    assert expr.clock is not None
    if expr.clock.twelve and not expr.parts:
        return None  # "at 9:00": morning or evening is the grammar's question, not a guess
    try:
        hour, minute, second, shift = clock_value(expr.clock, expr.parts)
    except Invalid:
        return None
    when = _parse(text, now, tz)
    if (
        when is None
        or shift
        or (when.hour, when.minute, when.second) != (hour, minute, second)
        or not now < when <= now + max_ahead
        or not _agrees(folded[:start] + " " + folded[end:], when)
    ):
        return None
    # Does the answer follow the base time? Move the base and ask again.
    moved = _parse(text, now + _MOVE_BASE, tz)
    if moved is None or moved.time() != when.time():
        return None
    if moved.date() != when.date() and not _RELATIVE & set(words):
        return None  # "jan 8am": the day of the month came from the base, not the words
    return when


def _agrees(words: str, when: datetime) -> bool:
    """Every date number, weekday and month named outside the clock matches `when`
    (`words` is the folded prefix with the clock cut out)."""
    for mt in _RE_NUMERIC_DATE.finditer(words):
        day, month, year = mt[1], int(mt[2]), mt[3]
        if len(day) == 4:  # year first: 2026/12/25
            day, year = year, day
        if day is None or (int(day), month) != (when.day, when.month):
            return False
        if year is not None and int(year) != (when.year if len(year) == 4 else when.year % 100):
            return False
    rest = _RE_NUMERIC_DATE.sub(" ", words)
    names = _RE_NAME.findall(rest)
    if _RE_BARE_NUMBER.search(rest) and not set(names) & set(lx.MONTHS):
        return False  # "5 08:00": a lone number is not a date without its month
    for number in map(int, _RE_NUMBER.findall(rest)):
        if not (number == when.year or number == when.day):
            return False
    for name in names:
        if name in lx.WEEKDAYS and lx.WEEKDAYS[name] != when.weekday():
            return False
        if name in lx.MONTHS and lx.MONTHS[name] != when.month:
            return False
    return True


def _parse(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    settings = {
        **_SETTINGS,
        "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
        "TIMEZONE": tz.key,
    }
    try:
        found = _dateparser().parse(text, languages=list(_LANGUAGES), settings=settings)
    except Exception:  # a fallback must never take the parse down with it
        return None
    if not isinstance(found, datetime):
        return None
    if found.tzinfo is None:
        return found.replace(tzinfo=tz)
    return found.astimezone(UTC).astimezone(tz)  # in our zone object, for zoneinfo's DST


@functools.cache
def _dateparser() -> ModuleType:
    """dateparser, imported on first use (0.1 s, and most phrases never get here), with its
    copy of strptime keeping the formats it compiles.

    dateparser reads a clock by trying ~15 strptime formats in turn, on its own copy of the
    standard library's _strptime (dateparser/utils/strptime.py, patch_strptime, registered as
    sys.modules["strptime_patched"]). That module keeps 5 compiled formats and drops them all
    when a sixth comes (Lib/_strptime.py, _CACHE_MAX_SIZE), so nearly every try compiled its
    format again: 7,500 of 9,500 tries in the parse bench's fallback phrases, ~10 % of their
    time. Only dateparser's copy is changed, and only how many compiled formats it keeps.
    """
    import dateparser

    patched = sys.modules.get("strptime_patched")
    kept = getattr(patched, "_CACHE_MAX_SIZE", None)
    if patched is not None and isinstance(kept, int) and kept < _STRPTIME_FORMATS_KEPT:
        patched._CACHE_MAX_SIZE = _STRPTIME_FORMATS_KEPT  # type: ignore[attr-defined]
    return dateparser
