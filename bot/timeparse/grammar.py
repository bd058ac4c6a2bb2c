"""The grammar of time phrases: which words at the front of a phrase are the time expression.

`read(phrase)` looks only at the shape of the phrase and returns an `Expr`
(bot.timeparse.scan) with the pieces it found and where the expression ends; it knows nothing
about "now". Days are read by bot.timeparse.days, clocks by bot.timeparse.clocks, repeats by
bot.timeparse.every; the words themselves are in bot.timeparse.lexicon.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot import messages as m
from bot.timeparse import lexicon as lx
from bot.timeparse.clocks import RE_H_BARE, read_clock
from bot.timeparse.days import read_day
from bot.timeparse.every import RE_EVERY, RE_START, read_every
from bot.timeparse.patterns import AMOUNTS, RE_PART, UNIT_RX, alt, amounts, key, part_key
from bot.timeparse.scan import Expr, H, Scanner, fold, rx

# After the expression: a comma, full stop, colon or semicolon glued to it, or after a space a
# run of dashes, colons, full stops or commas, glued to the text or not: "besok 08:00: Senam",
# "besok jam 7 malam - Rapat", "besok 08:00 -Senam", "besok jam 8 pagi -- Senam".
_RE_TAIL_MARK = re.compile(r"[,.:;]+(?=\s|$)")
_RE_TAIL_DASH = re.compile(r"[^\S\r\n]+[-\u2013\u2014:|.,;]+")

_RE_INI = rx(alt(lx.INI_WORDS))
_RE_OTHER_ZONE = rx(
    r"pst|pdt|est|edt|cst|cdt|mst|mdt|cet|cest|eet|bst|ist|jst|kst|sgt|myt"
    r"|hkt|pht|ict|aest|aedt|awst|(?:utc|gmt)?[+-][0-9]{1,2}(?::?[0-9]{2})?"
)
_RE_ZONE = rx(rf"(?P<z>{alt(lx.ZONES)})")
_RE_DURATION_IN = rx(
    rf"(?:{alt(lx.DURATION_BEFORE)}){H}+{AMOUNTS}"
    rf"(?:{H}+(?:{alt(lx.DURATION_AFTER)}))?"
)
_RE_DURATION_LAGI = rx(rf"{AMOUNTS}{H}+(?:{alt(lx.DURATION_AFTER)})")
_RE_LAGI_AFTER_CLOCK = rx(rf"(?:{UNIT_RX}){H}+(?:{alt(lx.DURATION_AFTER)})")
_RE_CLOCK_WORD = rx(rf"(?P<w>{alt(lx.CLOCK_WORDS)})")  # "jam 12 tengah malam"
_RE_SEP = re.compile(rf"{H}*,?{H}*")
# The fields a day written after the clock fills ("jam 7 pagi besok").
_DAY_FIELDS = (
    "rel_days",
    "later_today",
    "weekday",
    "weekday_mod",
    "minggu_depan",
    "date",
    "iso",
    "month_rel",
    "weekend",
)


def read(phrase: str) -> Expr | None:
    """The time expression at the front of `phrase` (no leading white space), or None."""
    folded = fold(phrase)
    sc = Scanner(folded)
    expr = Expr()
    if mt := sc.take(RE_EVERY):
        expr.repeat = True
        if mt["w"] not in lx.DAILY_WORDS and not read_every(sc, expr):
            return None
        if expr.interval is not None:
            return _read_start(sc, expr, phrase)
    elif mt := sc.take(_RE_DURATION_IN) or sc.take(_RE_DURATION_LAGI):
        seconds, whole_days = amounts(mt["parts"])
        probe = Scanner(folded, sc.end)
        follows = probe.look(RE_PART, comma=False) or read_clock(probe)
        if not (whole_days and seconds and follows):
            expr.duration = seconds
            expr.duration_text = " ".join(mt["parts"].split())
            clock = read_clock(Scanner(folded, sc.end))
            if clock is not None and clock.part is None:  # "2 jam lagi jam 8"
                expr.problem = m.TIME_DURATION_AND_CLOCK.format(duration=expr.duration_text)
            return _finish(sc, expr)
        expr.rel_days = seconds // 86400  # "3 hari lagi jam 9": that day, at that clock
    else:
        read_day(sc, expr)
    if not _read_time(sc, expr, phrase):
        return None
    return Expr(refused=True) if expr.refused else _finish(sc, expr)


def _read_start(sc: Scanner, expr: Expr, phrase: str) -> Expr:
    """ "setiap 2 jam mulai besok 08:00": the first occurrence, read as a one-off."""
    if sc.take(RE_START):
        start = Expr()
        read_day(sc, start)
        if not _read_time(sc, start, phrase) or start.refused:
            return Expr(refused=True)
        start.alt = None
        expr.start = start
    return _finish(sc, expr)


def _read_time(sc: Scanner, expr: Expr, phrase: str) -> bool:
    """The part of the day, clock and zone after the day; False if nothing was time."""
    if mt := sc.take(RE_PART):
        expr.parts.append(part_key(mt["p"]))
    expr.clock = expr.clock or read_clock(sc)
    if expr.clock is None:
        if mt := sc.look(RE_H_BARE):
            expr.bare_hour = int(mt["h"])
        return expr.has_day or bool(expr.parts) or expr.repeat
    if expr.clock.part:
        expr.parts.append(expr.clock.part)
    if not (expr.has_day or expr.repeat) and sc.look(_RE_LAGI_AFTER_CLOCK, comma=False):
        expr.refused = True  # "1.30 jam lagi": a duration we do not read
        return True
    if expr.clock.twelve and not expr.clock.ampm and (mt := sc.take(_RE_CLOCK_WORD, comma=False)):
        expr.parts.append(lx.CLOCK_WORDS[key(mt["w"])][1])  # "jam 12 tengah malam": 00:00
    eve = False
    # Words after the clock belong to it only when a space, not a comma, separates them.
    if mt := sc.look(RE_PART, comma=False):
        eve = key(mt["p"]) in lx.EVE_WORDS
        word = phrase[mt.start() : mt.end()].split()[0]
        if word[:1].isupper() and word[1:].islower():  # "jam 7 Pagi ...": maybe the post
            expr.alt = _finish(Scanner(sc.text, sc.end), replace(expr, parts=[*expr.parts]))
        sc.end = mt.end()
        expr.parts.append(part_key(mt["p"]))
        if not expr.has_day and sc.take(_RE_INI, comma=False):  # "jam 8 malam ini"
            expr.rel_days = 0
    if mt := sc.take(_RE_ZONE, comma=False):
        expr.zone = mt["z"]
    elif mt := sc.look(_RE_OTHER_ZONE, comma=False):  # "8pm PST": ours neither to convert
        expr.other_zone = phrase[mt.start() : mt.end()]
    if not expr.has_day and not expr.repeat:
        _read_day_after(sc, expr, phrase, eve=eve and expr.zone is None)
    return True


def _read_day_after(sc: Scanner, expr: Expr, phrase: str, *, eve: bool) -> None:
    """A day written after the clock is the expression's day: "jam 7 pagi besok", "pukul
    19.00 senin". Capitalised ("19:00 Besok kita rapat") it may start the post instead: then
    `expr.then_day` is the reading with the day, asked about when the two differ. After
    "malam", a weekday is asked about ("jam 8 malam minggu": Sunday, or Saturday evening?)."""
    after = Expr()
    probe = Scanner(sc.text, sc.end)
    if not read_day(probe, after) or after.month_words or after.clock is not None:
        return
    if mt := probe.take(RE_PART):
        after.parts.append(part_key(mt["p"]))
    start = _RE_SEP.match(sc.text, sc.end)
    first = phrase[start.end() if start else sc.end : probe.end].split()[0]
    merged = replace(
        expr,
        parts=[*expr.parts, *after.parts],
        alt=None,
        problem=expr.problem or after.problem,
        **{name: getattr(after, name) for name in _DAY_FIELDS},
    )
    if eve and fold(first) in lx.WEEKDAYS:
        assert expr.clock is not None
        merged.problem = m.TIME_EVE_AFTER_CLOCK.format(clock=expr.clock.text, day=fold(first))
    if first[:1].isupper() and first[1:].islower() and merged.problem is None:
        expr.then_day = _finish(probe, merged)
        return
    for name in (*_DAY_FIELDS, "parts", "alt", "problem"):
        setattr(expr, name, getattr(merged, name))
    sc.end = probe.end


def is_zone(folded_word: str) -> bool:
    """'wib', 'utc', 'pst', '+07:00': a word naming a timezone (known to us or not)."""
    word = folded_word.rstrip(",.")
    return bool(_RE_ZONE.fullmatch(word) or _RE_OTHER_ZONE.fullmatch(word))


def _finish(sc: Scanner, expr: Expr) -> Expr:
    end, text = sc.end, sc.text
    if end < len(text) and text[end] in ",.:;":
        if (mark := _RE_TAIL_MARK.match(text, end)) is None:
            return Expr(refused=True)  # "08:00,Rapat": glued to the text
        end = mark.end()
    elif dash := _RE_TAIL_DASH.match(text, end):
        end = dash.end()
    expr.end = end
    return expr
