"""The grammar of time phrases: which words at the front of a phrase are the time expression.

`read(phrase)` looks only at the shape of the phrase and returns an `Expr` (bot.timescan) with
the pieces it found and where the expression ends; it knows nothing about "now". Repeats
("setiap ...") are read by bot.timerepeat; the words themselves are in bot.timewords.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot import timewords as w
from bot.timerepeat import RE_EVERY, read_every
from bot.timescan import END, RE_PART, Expr, H, Scanner, rx
from bot.timewords import Clock

_RE_TRAILING_COMMA = re.compile(r",(?=\s|$)")

_AMPM = rf"(?:{H}*(?P<ampm>[ap])\.?m\.?)"
_PREFIX = rf"(?:(?:jam|pukul|pkl\.?|at|@){H}*)"
_RE_HM = rx(rf"{_PREFIX}?(?P<h>[0-9]{{1,2}})[:.](?P<mi>[0-9]{{2}})(?::(?P<s>[0-9]{{2}}))?"
            rf"{_AMPM}?")
_RE_HALF = rx(rf"{_PREFIX}?setengah{H}+(?P<h>[0-9]{{1,2}}){_AMPM}?")
_RE_H_PREFIXED = rx(rf"{_PREFIX}(?P<h>[0-9]{{1,2}}){_AMPM}?")
_RE_PAST_TO = rx(rf"(?P<dir>lewat|kurang){H}+(?P<n>[0-9]{{1,2}}|seperempat)"
                 rf"(?:{H}+menit)?")
_RE_H_AMPM = rx(rf"(?P<h>[0-9]{{1,2}}){_AMPM}")
_RE_H_BARE = rx(r"(?P<h>[0-9]{1,2})")
_RE_CLOCK_WORD = rx(rf"(?:at{H}+)?(?P<w>tengah{H}+malam|tengah{H}+hari|midnight|noon)")
_CLOCK_WORDS = {"tengah malam": (12, "malam"), "midnight": (12, "malam"),
                "tengah hari": (12, "siang"), "noon": (12, "siang")}

_RE_INI = rx("ini")
_RE_OTHER_ZONE = rx(r"(?:pst|pdt|est|edt|cst|cdt|mst|mdt|cet|cest|eet|bst|ist|jst|kst|sgt|myt"
                    r"|hkt|pht|ict|aest|aedt|awst|(?:utc|gmt)?[+-][0-9]{1,2}(?::?[0-9]{2})?)")
_RE_PART_ANYWHERE = re.compile(rf"(?<!\S)(?P<p>{w.PART_RX}){END}")
_RE_WORD_START = re.compile(r"(?<!\S)\S")
_RE_ZONE = rx("(?P<z>wita|wib|wit|utc|gmt)")
_RE_REL = rx(rf"(?P<r>hari{H}+ini|today|besok|tomorrow|lusa|nanti|tonight"
             rf"|the{H}+day{H}+after{H}+tomorrow)")
_RE_THIS_PART = rx(rf"this{H}+(?P<p>morning|afternoon|evening)")
_RE_PART_INI = rx(rf"(?P<p>(?:pagi|siang|sore|petang|malam)(?:{H}+hari)?){H}+ini")
_RE_WEEKDAY = rx(rf"(?:(?P<pre>hari|on|this|next){H}+)?(?P<wd>{w.WEEKDAY_RX})"
                 rf"(?:{H}+(?P<mod>ini|depan))?")
_TGL = rf"(?:(?P<tgl>tanggal|tgl\.?){H}*)?"
_ORD = "(?:st|nd|rd|th)?"
_RE_ISO = re.compile(rf"{_TGL}(?P<y>[0-9]{{4}})-(?P<mo>[0-9]{{1,2}})-(?P<d>[0-9]{{1,2}})"
                     r"(?=[\s,t]|$)")
_RE_DATES = (
    rx(rf"{_TGL}(?P<d>[0-9]{{1,2}})[/-](?P<mo>[0-9]{{1,2}})(?:[/-](?P<y>[0-9]{{4}}|[0-9]{{2}}))?"),
    rx(rf"{_TGL}(?P<d>[0-9]{{1,2}})\.(?P<mo>[0-9]{{1,2}})\.(?P<y>[0-9]{{4}})"),
    rx(rf"{_TGL}(?P<d>[0-9]{{1,2}}){_ORD}{H}+(?P<mon>{w.MONTH_RX})\.?"
       rf"(?:,?{H}+(?P<y>[0-9]{{4}}))?"),
    rx(rf"{_TGL}(?P<mon>{w.MONTH_RX})\.?{H}+(?P<d>[0-9]{{1,2}}){_ORD}"
       rf"(?:,?{H}+(?P<y>[0-9]{{4}}))?"),
    rx(rf"(?P<tgl>tanggal|tgl\.?){H}*(?P<d>[0-9]{{1,2}})"),
)
_AMOUNT = rf"(?:[0-9]{{1,5}}{H}*(?:{w.UNIT_RX})|sejam|semenit|sehari|seminggu|sepekan" \
          rf"|setengah{H}+jam){END}"
_AMOUNTS = rf"(?P<parts>{_AMOUNT}(?:{H}+(?:(?:dan|and){H}+)?{_AMOUNT})*)"
_RE_DURATION_IN = rx(rf"(?:dalam|in){H}+{_AMOUNTS}(?:{H}+lagi)?")
_RE_DURATION_LAGI = rx(rf"{_AMOUNTS}{H}+(?:lagi|from{H}+now)")
_RE_AMOUNT = re.compile(rf"(?P<n>[0-9]{{1,5}}){H}*(?P<unit>{w.UNIT_RX})|(?P<one>sejam|semenit"
                        rf"|sehari|seminggu|sepekan|setengah{H}+jam)")
_RE_LAGI_AFTER_CLOCK = rx(rf"(?:{w.UNIT_RX}){H}+lagi")


def read(phrase: str) -> Expr | None:
    """The time expression at the front of `phrase` (no leading white space), or None."""
    folded = w.fold(phrase)
    sc = Scanner(folded)
    expr = Expr()
    if mt := sc.take(RE_EVERY):
        expr.repeat = True
        if mt[0] != "daily" and not read_every(sc, expr):
            return None
    elif mt := sc.take(_RE_DURATION_IN) or sc.take(_RE_DURATION_LAGI):
        expr.duration = sum(_amount(a) for a in _RE_AMOUNT.finditer(mt["parts"]))
        expr.duration_text = " ".join(mt["parts"].split())
        return _finish(sc, expr)
    else:
        _read_day(sc, expr)
    if mt := sc.take(RE_PART):
        expr.parts.append(w.part_key(mt["p"]))
    expr.clock = expr.clock or _read_clock(sc)
    if expr.clock is None:
        if mt := sc.look(_RE_H_BARE):
            expr.bare_hour = int(mt["h"])
        return _finish(sc, expr) if expr.has_day or expr.parts or expr.repeat else None
    if expr.clock.part:
        expr.parts.append(expr.clock.part)
    if not (expr.has_day or expr.repeat) and sc.look(_RE_LAGI_AFTER_CLOCK, comma=False):
        return Expr(refused=True)  # "1.30 jam lagi": a duration we do not read
    # Words after the clock belong to it only when a space, not a comma, separates them.
    if (mt := sc.look(RE_PART, comma=False)) and not _starts_post(phrase, mt, expr):
        sc.end = mt.end()
        expr.parts.append(w.part_key(mt["p"]))
        if not expr.has_day and sc.take(_RE_INI, comma=False):  # "jam 8 malam ini"
            expr.rel = "hari ini"
    if mt := sc.take(_RE_ZONE, comma=False):
        expr.zone = mt["z"]
    elif mt := sc.look(_RE_OTHER_ZONE, comma=False):  # "8pm PST": ours neither to convert
        expr.other_zone = phrase[mt.start():mt.end()]
    if not expr.has_day and not expr.repeat:
        after = Expr()
        probe = Scanner(folded, sc.end)
        if _read_day(probe, after):
            if mt := probe.take(RE_PART):
                after.parts.append(w.part_key(mt["p"]))
            expr.then_day = after
    return _finish(sc, expr)


def is_zone(folded_word: str) -> bool:
    """'wib', 'utc', 'pst', '+07:00': a word naming a timezone (known to us or not)."""
    word = folded_word.rstrip(",.")
    return bool(_RE_ZONE.fullmatch(word) or _RE_OTHER_ZONE.fullmatch(word))


def _starts_post(phrase: str, mt: re.Match[str], expr: Expr) -> bool:
    """A capitalised part of the day after the clock that changes nothing, or would make the
    time impossible, starts the post: "besok 08:00 Pagi ini kita rapat". One that changes the
    reading ("jam 7 Malam") is time."""
    word = phrase[mt.start():mt.end()].split()[0]
    if not (word[:1].isupper() and word[1:].islower()) or expr.clock is None:
        return False
    try:
        without = w.clock_value(expr.clock, expr.parts)
    except w.Invalid:
        return False
    try:
        return w.clock_value(expr.clock, [*expr.parts, w.part_key(mt["p"])]) == without
    except w.Invalid:
        return True  # "jam 20 Pagi ...": as time it would make no sense


def clock_in(folded: str) -> tuple[Expr, int, int] | None:
    """The one clock written anywhere in `folded`, with every part of the day named there,
    and where the clock starts and ends; None if there is no clock or more than one."""
    found: tuple[Expr, int, int] | None = None
    parts = [w.part_key(mt["p"]) for mt in _RE_PART_ANYWHERE.finditer(folded)]
    skip_to = 0
    for word in _RE_WORD_START.finditer(folded):
        if word.start() < skip_to:
            continue
        sc = Scanner(folded[word.start():])
        if (clock := _read_clock(sc)) is not None:
            if found is not None:
                return None
            skip_to = word.start() + sc.end
            with_part = [*parts, clock.part] if clock.part else parts
            found = (Expr(clock=clock, parts=with_part), word.start(), skip_to)
    return found


def _finish(sc: Scanner, expr: Expr) -> Expr:
    end = sc.end
    if end < len(sc.text) and sc.text[end] == ",":
        if not _RE_TRAILING_COMMA.match(sc.text, end):
            return Expr(refused=True)  # "08:00,Rapat": glued to the text
        end += 1
    expr.end = end
    return expr


def _amount(mt: re.Match[str]) -> int:
    if mt["one"]:
        return w.ONE_WORD_AMOUNTS[" ".join(mt["one"].split())]
    return int(mt["n"]) * w.UNITS[mt["unit"]]


def _read_clock(sc: Scanner) -> Clock | None:
    for pattern in (_RE_HM, _RE_HALF, _RE_H_PREFIXED, _RE_H_AMPM):
        if mt := sc.take(pattern):
            clock = _clock(mt, offset=-30 if pattern is _RE_HALF else 0)
            if (pattern is _RE_H_PREFIXED and not clock.ampm
                    and (past := sc.take(_RE_PAST_TO, comma=False))):  # "jam 8 lewat 15"
                minutes = 15 if past["n"] == "seperempat" else int(past["n"])
                sign = 1 if past["dir"] == "lewat" else -1
                return replace(clock, offset=sign * minutes)
            return clock
    if mt := sc.take(_RE_CLOCK_WORD):
        hour, part = _CLOCK_WORDS[" ".join(mt["w"].split())]
        return Clock(hour, part=part)
    if ((mt := sc.look(_RE_H_BARE))
            and (after := Scanner(sc.text, mt.end()).look(RE_PART, comma=False))):
        sc.end = after.end()  # "besok 8 malam": a bare number is a clock with a part of day
        return Clock(int(mt["h"]), part=w.part_key(after["p"]))
    return None


def _clock(mt: re.Match[str], *, offset: int) -> Clock:
    groups = mt.groupdict()
    return Clock(int(mt["h"]), int(groups.get("mi") or 0), int(groups.get("s") or 0),
                 mt["ampm"], offset=offset)


def _read_day(sc: Scanner, expr: Expr) -> bool:
    if mt := sc.take(_RE_THIS_PART) or sc.take(_RE_PART_INI):
        expr.rel = "hari ini"
        expr.parts.append(w.part_key(mt["p"]))
        return True
    if mt := sc.take(_RE_REL):
        rel = " ".join(mt["r"].split())
        expr.rel = "lusa" if rel.startswith("the day") else rel
        if rel == "tonight":
            expr.parts.append("malam")
        return True
    if mt := sc.take(_RE_WEEKDAY):
        expr.weekday = w.WEEKDAYS[mt["wd"]]
        pre, mod = mt["pre"], mt["mod"]
        expr.weekday_mod = {"next": "depan", "this": "ini"}.get(pre or "", mod)
        expr.minggu_depan = mt["wd"] == "minggu" and mod == "depan" and pre != "hari"
        _read_date(sc, expr)  # "senin, 23/11": checked against each other later
        return True
    return _read_date(sc, expr)


def _read_date(sc: Scanner, expr: Expr) -> bool:
    if (mt := sc.look(_RE_ISO)) is not None:
        sc.end = mt.end()
        if mt.end() < len(sc.text) and sc.text[mt.end()] == "t":
            # "2026-12-25T08:00": the clock is glued on; read it with the date or not at all.
            if (clock := _RE_HM.match(sc.text, mt.end() + 1)) is None:
                return False
            sc.end = clock.end()
            expr.clock = _clock(clock, offset=0)
        expr.date = (int(mt["d"]), int(mt["mo"]), int(mt["y"]))
        expr.iso = True
        return True
    for pattern in _RE_DATES:
        if mt := sc.take(pattern):
            groups = mt.groupdict()
            month = int(groups["mo"]) if groups.get("mo") else None
            if groups.get("mon"):
                month = w.MONTHS[groups["mon"]]
            year = groups.get("y")
            full_year = int(year) + 2000 if year and len(year) == 2 else year and int(year)
            expr.date = (int(mt["d"]), month, full_year or None)
            return True
    return False
