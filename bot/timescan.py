"""The scanner under the time grammar: one word (token) at a time, and what it has found.

A token ends at white space, a comma or the end of the text. Words inside one expression
are separated by spaces or tabs (optionally a comma), never by a line break: a new line
always starts the post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot import timewords as w
from bot.timewords import Clock

H = r"[^\S\r\n]"  # horizontal white space
END = r"(?=[\s,]|$)"  # a token ends at white space, a comma or the end
_RE_SEP = re.compile(rf"{H}*,{H}*|{H}+")
_RE_SPACE = re.compile(rf"{H}+")


def rx(pattern: str) -> re.Pattern[str]:
    """A token pattern: `pattern`, then the end of a word."""
    return re.compile(pattern + END)


RE_PART = rx(rf"(?P<p>{w.PART_RX})")


@dataclass
class Expr:
    """The pieces of a time expression, as written; `end` is where it ends in the phrase."""

    end: int = 0
    duration: int | None = None  # seconds
    duration_text: str = ""
    rel: str | None = None
    weekday: int | None = None
    weekday_mod: str | None = None  # "ini" or "depan"
    minggu_depan: bool = False  # "minggu depan" without "hari": Sunday, or next week?
    date: tuple[int, int | None, int | None] | None = None  # day, month, year
    iso: bool = False
    parts: list[str] = field(default_factory=list)
    clock: Clock | None = None
    zone: str | None = None
    other_zone: str | None = None  # a zone word we do not know, as written
    bare_hour: int | None = None  # "besok 8": a number where the clock should be
    then_day: Expr | None = None  # a day written after a bare clock: "19:00 besok ..."
    refused: bool = False  # looks like time but is not readable: no fallback either
    repeat: bool = False
    every_weekdays: frozenset[int] | None = None
    every_month_day: int | None = None
    every_sunday_or_week: bool = False  # "setiap minggu": every Sunday, or every week?

    @property
    def has_day(self) -> bool:
        return self.rel is not None or self.weekday is not None or self.date is not None


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
