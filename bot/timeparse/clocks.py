"""The grammar of clocks: "08:00", "jam 7", "pukul 19.30", "8pm", "jam setengah 8",
"jam 8 kurang seperempat", "tengah malam", "besok 8 malam"."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.timeparse import lexicon as lx
from bot.timeparse.clock import Clock
from bot.timeparse.patterns import NUM, RE_PART, alt, key, number, part_key
from bot.timeparse.scan import Expr, H, Scanner, rx

_AMPM = rf"(?:{H}*(?P<ampm>[ap])\.?m\.?)"
_PREFIX = rf"(?:(?:{alt(lx.CLOCK_PREFIXES)}){H}*)"
RE_HM = rx(
    rf"{_PREFIX}?(?P<h>[0-9]{{1,2}})[:.](?P<mi>[0-9]{{2}})(?::(?P<s>[0-9]{{2}}))?"
    rf"{_AMPM}?"
)
_RE_HALF = rx(rf"{_PREFIX}?(?:{alt(lx.HALF_BEFORE_WORDS)}){H}+(?P<h>{NUM}){_AMPM}?")
_RE_H_PREFIXED = rx(rf"{_PREFIX}(?P<h>{NUM}){_AMPM}?")
_RE_PAST_TO = rx(
    rf"(?P<dir>{alt(lx.PAST_TO_WORDS)}){H}+(?P<n>{NUM}|{alt(lx.QUARTER_WORDS)})"
    rf"(?:{H}+(?:{alt(lx.MINUTE_WORDS)}))?"
)
_RE_H_AMPM = rx(rf"(?P<h>[0-9]{{1,2}}){_AMPM}")
RE_H_BARE = rx(r"(?P<h>[0-9]{1,2})")
_RE_H_WORD = rx(rf"(?P<h>{NUM})")
_RE_CLOCK_WORD = rx(rf"(?:at{H}+)?(?P<w>{alt(lx.CLOCK_WORDS)})")
_RE_WORD_START = re.compile(r"(?<!\S)\S")
_RE_PART_ANYWHERE = re.compile(rf"(?<!\S){RE_PART.pattern}")


def clock_of(mt: re.Match[str], *, offset: int = 0) -> Clock:
    groups = mt.groupdict()
    written = groups["h"]
    hour = number(written)
    # "jam 8", "8:30", "jam sepuluh": a bare hour; "08:00", "10.30", "20:00": 24-hour
    bare = len(written) == 1 if groups.get("mi") else not written.startswith("0")
    twelve = 1 <= hour <= 12 and not groups.get("ampm") and bare
    return Clock(
        hour,
        int(groups.get("mi") or 0),
        int(groups.get("s") or 0),
        groups.get("ampm"),
        offset=offset,
        twelve=twelve,
        text=key(mt[0]),
    )


def read_clock(sc: Scanner) -> Clock | None:
    """The clock at the scanner's position, or None (the scanner then has not moved)."""
    for pattern in (RE_HM, _RE_HALF, _RE_H_PREFIXED, _RE_H_AMPM):
        if mt := sc.take(pattern):
            clock = clock_of(mt, offset=-30 if pattern is _RE_HALF else 0)
            if (
                pattern is _RE_H_PREFIXED
                and not clock.ampm
                and (past := sc.take(_RE_PAST_TO, comma=False))
            ):  # "jam 8 lewat 15"
                minutes = 15 if past["n"] in lx.QUARTER_WORDS else number(past["n"])
                sign = lx.PAST_TO_WORDS[past["dir"]]
                return replace(clock, offset=sign * minutes, text=f"{clock.text} {key(past[0])}")
            return clock
    if mt := sc.take(_RE_CLOCK_WORD):
        hour, part = lx.CLOCK_WORDS[key(mt["w"])]
        return Clock(hour, part=part, text=key(mt[0]))
    if (mt := sc.look(_RE_H_WORD)) and (
        after := Scanner(sc.text, mt.end()).look(RE_PART, comma=False)
    ):
        sc.end = after.end()  # "besok 8 malam": a bare number is a clock with a part of day
        return Clock(number(mt["h"]), part=part_key(after["p"]), text=key(mt[0]))
    return None


def clock_follows(sc: Scanner) -> bool:
    """A clock is the next word (the scanner does not move)."""
    return read_clock(Scanner(sc.text, sc.end)) is not None


def clock_in(folded: str) -> tuple[Expr, int, int] | None:
    """The one clock written anywhere in `folded`, with every part of the day named there,
    and where the clock starts and ends; None if there is no clock or more than one."""
    found: tuple[Expr, int, int] | None = None
    parts = [part_key(mt["p"]) for mt in _RE_PART_ANYWHERE.finditer(folded)]
    skip_to = 0
    for word in _RE_WORD_START.finditer(folded):
        if word.start() < skip_to:
            continue
        sc = Scanner(folded[word.start() :])
        if (clock := read_clock(sc)) is not None:
            if found is not None:
                return None
            skip_to = word.start() + sc.end
            with_part = [*parts, clock.part] if clock.part else parts
            found = (Expr(clock=clock, parts=with_part), word.start(), skip_to)
    return found
