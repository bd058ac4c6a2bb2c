"""The scanner under the time grammar: one word (token) at a time, and what it has found.

A token ends at white space, a comma, the end of the text, or a full stop, colon or semicolon
followed by white space ("jam 7 malam: Rapat"). Words inside one expression are separated by
spaces or tabs (optionally a comma), never by a line break: a new line always starts the post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.timeparse.clock import Clock

H = r"[^\S\r\n]"  # horizontal white space
END = r"(?=[\s,]|[.:;](?:\s|$)|$)"  # where a token may end
_RE_SEP = re.compile(rf"{H}*,{H}*|{H}+")
_RE_SPACE = re.compile(rf"{H}+")

# Lower-casing that keeps every offset: the four non-ASCII letters that re.IGNORECASE would
# match to ASCII ones become those letters (U+0130 would otherwise lower to two characters),
# and typographic apostrophes become "'".
_FOLD = str.maketrans(
    {
        "\u0130": "i",
        "\u0131": "i",
        "\u017f": "s",
        "\u212a": "k",
        "\u2019": "'",
        "\u2018": "'",
        "`": "'",
        "\u02bc": "'",
    }
)


def fold(text: str) -> str:
    """Lower-case `text` for matching; the result has the same length, offset for offset."""
    return text.translate(_FOLD).lower()


def rx(pattern: str) -> re.Pattern[str]:
    """A token pattern: `pattern`, then the end of a word."""
    return re.compile(f"(?:{pattern}){END}")


@dataclass
class Expr:
    """The pieces of a time expression, as written; `end` is where it ends in the phrase."""

    end: int = 0
    duration: int | None = None  # seconds
    duration_text: str = ""
    rel_days: int | None = None  # days after today: "besok" is 1
    later_today: bool = False  # "nanti"
    weekday: int | None = None
    weekday_mod: str | None = None  # "ini" or "depan"
    minggu_depan: bool = False  # "minggu depan" without "hari": Sunday, or next week?
    weekend: bool = False  # "akhir pekan" for one post: Saturday or Sunday? (asked)
    date: tuple[int, int | None, int | None] | None = None  # day, month, year
    iso: bool = False
    month_rel: tuple[int, int] | None = None  # (months after this one, day; 0 = the last)
    month_words: bool = False  # the day was named with "bulan" ("awal bulan", "bulan depan")
    parts: list[str] = field(default_factory=list)
    clock: Clock | None = None
    zone: str | None = None
    other_zone: str | None = None  # a zone word we do not know, as written
    bare_hour: int | None = None  # "besok 8": a number where the clock should be
    then_day: Expr | None = None  # a day written after a bare clock: "19:00 besok ..."
    # The same phrase read without a capitalised part of the day after the clock, which may
    # start the post instead ("jam 7 Pagi ini ..."): preferred when it names the same moment.
    alt: Expr | None = None
    problem: str | None = None  # read, but refused with this reason (no proposal)
    refused: bool = False  # looks like time but is not readable: no fallback either
    repeat: bool = False
    every_weekdays: frozenset[int] | None = None
    every_month_days: frozenset[int] | None = None
    every_month_end: bool = False  # "setiap akhir bulan": the last day of each month
    every_sunday_or_week: bool = False  # "setiap minggu": every Sunday, or every week?
    interval: int | None = None  # "setiap 2 jam": seconds
    start: Expr | None = None  # "setiap 2 jam mulai besok 08:00": the first occurrence

    @property
    def has_day(self) -> bool:
        return (
            self.rel_days is not None
            or self.later_today
            or self.weekday is not None
            or self.date is not None
            or self.month_rel is not None
        )

    @property
    def names_a_day(self) -> bool:
        """A day other than today is named ("besok", "senin", "25/12")."""
        return self.has_day and not self.later_today and self.rel_days != 0


class Scanner:
    def __init__(self, text: str, end: int = 0) -> None:
        self.text = text
        self.end = end

    def look(self, rx: re.Pattern[str], *, comma: bool = True) -> re.Match[str] | None:
        """`rx` at the next word; `comma`: the words may be separated by a comma."""
        pos = self.end
        if pos:
            sep = (_RE_SEP if comma else _RE_SPACE).match(self.text, pos)
            if sep is None:
                return None
            pos = sep.end()
        return rx.match(self.text, pos)

    def take(self, rx: re.Pattern[str], *, comma: bool = True) -> re.Match[str] | None:
        mt = self.look(rx, comma=comma)
        if mt is not None:
            self.end = mt.end()
        return mt
