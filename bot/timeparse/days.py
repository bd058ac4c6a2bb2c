"""The grammar of days: "besok", "nanti", "senin depan", "malam minggu", "25/12",
"tanggal 5 bulan depan", "akhir bulan", "senin minggu depan", "pekan depan senin",
"akhir pekan" (asked: Saturday or Sunday?). Fills an Expr; knows nothing about "now"."""

from __future__ import annotations

import re

from bot import messages as m
from bot.timeparse import lexicon as lx
from bot.timeparse.clocks import RE_HM, clock_of
from bot.timeparse.patterns import MONTH_RX, PART_RX, TGL, WEEKDAY_RX, alt, key, part_key
from bot.timeparse.scan import Expr, H, Scanner, rx

_INI = alt(lx.INI_WORDS)
_RE_THIS_PART = rx(rf"(?:{alt(lx.THIS_WORDS)}){H}+(?P<p>{PART_RX})")
_RE_PART_INI = rx(rf"(?P<p>{PART_RX}){H}+(?:{_INI})")
_RE_TONIGHT = rx(alt(lx.TONIGHT_WORDS))
_RE_LATER = rx(alt(lx.LATER_TODAY_WORDS))
_RE_DAY_WORD = rx(rf"(?P<r>{alt(lx.DAY_WORDS)})")
_WEEK = alt(lx.WEEK_WORDS)
_AFTER = rf"(?:{H}+(?:(?P<week>{_WEEK}){H}+)?(?P<mod>{alt(lx.WEEK_AFTER)}))?"
_RE_EVE = rx(rf"(?:{alt(lx.EVE_WORDS)}){H}+(?:hari{H}+)?(?P<wd>{WEEKDAY_RX}){_AFTER}")
# "pekan depan senin", "minggu ini jumat": the week first.
_RE_WEEK_FIRST = rx(
    rf"(?:{_WEEK}){H}+(?P<mod>{alt(lx.WEEK_AFTER)}){H}+"
    rf"(?:(?:{alt(lx.WEEKDAY_BEFORE)}){H}+)?(?P<wd>{WEEKDAY_RX})"
)
_RE_AND_WEEKDAY = rx(rf"(?:{alt(lx.AND_WORDS)}){H}+(?P<wd>{WEEKDAY_RX})")  # "sabtu dan minggu"
_RE_WEEKEND = rx(alt(lx.WEEKEND_WORDS))
_RE_WEEKDAY = rx(
    rf"(?:(?P<pre>{alt([*lx.WEEKDAY_BEFORE, *lx.WEEK_BEFORE])}){H}+)?"
    rf"(?P<wd>{WEEKDAY_RX}){_AFTER}"
)

_ORD = "(?:st|nd|rd|th)?"
_RE_ISO = re.compile(
    rf"{TGL}(?P<y>[0-9]{{4}})-(?P<mo>[0-9]{{1,2}})-(?P<d>[0-9]{{1,2}})"
    r"(?=[\s,t]|$)"
)
_RE_DATES = (
    rx(rf"{TGL}(?P<d>[0-9]{{1,2}})[/-](?P<mo>[0-9]{{1,2}})(?:[/-](?P<y>[0-9]{{4}}|[0-9]{{2}}))?"),
    rx(rf"{TGL}(?P<d>[0-9]{{1,2}})\.(?P<mo>[0-9]{{1,2}})\.(?P<y>[0-9]{{4}})"),
    rx(
        rf"{TGL}(?P<d>[0-9]{{1,2}}){_ORD}{H}+(?P<mon>{MONTH_RX})\.?"
        rf"(?:,?{H}+(?P<y>[0-9]{{4}}))?"
    ),
    rx(
        rf"{TGL}(?P<mon>{MONTH_RX})\.?{H}+(?P<d>[0-9]{{1,2}}){_ORD}"
        rf"(?:,?{H}+(?P<y>[0-9]{{4}}))?"
    ),
)
_MONTH = rf"(?:{alt(lx.MONTH_WORDS)}){H}+(?P<rel>{alt(lx.MONTH_AFTER)})"
_DATE_PREFIX = rf"(?:{alt(lx.DATE_PREFIXES)})"
_RE_DAY_OF_MONTH_REL = rx(rf"{_DATE_PREFIX}{H}*(?P<d>[0-9]{{1,2}}){H}+{_MONTH}")
_RE_MONTH_REL_DAY = rx(rf"{_MONTH}{H}*,?{H}*{_DATE_PREFIX}{H}*(?P<d>[0-9]{{1,2}})")
_RE_MONTH_EDGE = rx(
    rf"(?P<edge>{alt(lx.MONTH_EDGE_WORDS)}){H}+(?:{alt(lx.MONTH_WORDS)})"
    rf"(?:{H}+(?P<rel>{alt(lx.MONTH_AFTER)}))?"
)
_RE_MONTH_ALONE = rx(_MONTH)
_RE_DAY_OF_MONTH = rx(rf"{_DATE_PREFIX}{H}*(?P<d>[0-9]{{1,2}})")


def read_day(sc: Scanner, expr: Expr) -> bool:
    """The day at the scanner's position, into `expr`; False if there is none."""
    if mt := sc.take(_RE_THIS_PART) or sc.take(_RE_PART_INI):
        expr.rel_days = 0
        expr.parts.append(part_key(mt["p"]))
        return True
    if sc.take(_RE_TONIGHT):
        expr.rel_days = 0
        expr.parts.append("malam")
        return True
    if sc.take(_RE_LATER):
        expr.later_today = True
        return True
    if mt := sc.take(_RE_DAY_WORD):
        expr.rel_days = lx.DAY_WORDS[key(mt["r"])]
        return True
    if mt := sc.take(_RE_EVE):  # "malam minggu": Saturday evening
        expr.weekday = (lx.WEEKDAYS[mt["wd"]] - 1) % 7
        expr.weekday_mod = lx.WEEK_AFTER.get(mt["mod"] or "")
        expr.parts.append("malam")
        read_date(sc, expr)
        return True
    if mt := sc.take(_RE_WEEK_FIRST):
        expr.weekday = lx.WEEKDAYS[mt["wd"]]
        expr.weekday_mod = lx.WEEK_AFTER[key(mt["mod"])]
        return True
    if sc.take(_RE_WEEKEND):  # one day of the weekend: which?
        expr.weekday = 5
        expr.weekend = True
        return True
    if mt := sc.take(_RE_WEEKDAY):
        expr.weekday = lx.WEEKDAYS[mt["wd"]]
        pre, mod = mt["pre"], lx.WEEK_AFTER.get(mt["mod"] or "")
        expr.weekday_mod = lx.WEEK_BEFORE.get(pre or "", mod)
        expr.minggu_depan = (
            mt["wd"] == "minggu" and mod == "depan" and pre != "hari" and not mt["week"]
        )
        if more := sc.take(_RE_AND_WEEKDAY):  # two days without "setiap": a repeat?
            expr.problem = m.TIME_DAYS_WITHOUT_EVERY.format(days=f"{mt['wd']} dan {more['wd']}")
        read_date(sc, expr)  # "senin, 23/11": checked against each other later
        return True
    return read_date(sc, expr)


def read_date(sc: Scanner, expr: Expr) -> bool:
    if (mt := sc.look(_RE_ISO)) is not None:
        return _iso(sc, mt, expr)
    if mt := sc.take(_RE_DAY_OF_MONTH_REL) or sc.take(_RE_MONTH_REL_DAY):
        expr.month_words = True
        expr.month_rel = (lx.MONTH_AFTER[mt["rel"]], int(mt["d"]))
        return True
    if mt := sc.take(_RE_MONTH_EDGE):
        day = lx.MONTH_EDGE_WORDS[mt["edge"]]
        expr.month_words = True
        if mt["rel"] is None and day == 1:  # "awal bulan": the coming 1st
            expr.date = (1, None, None)
        else:
            expr.month_rel = (lx.MONTH_AFTER[mt["rel"] or "ini"], day)
        return True
    if sc.take(_RE_MONTH_ALONE):  # "bulan depan jam 8": which day?
        expr.month_words = True
        expr.month_rel = (0, 1)
        expr.problem = m.TIME_MONTH_NO_DAY
        return True
    for pattern in _RE_DATES:
        if mt := sc.take(pattern):
            groups = mt.groupdict()
            month = int(groups["mo"]) if groups.get("mo") else None
            if groups.get("mon"):
                month = lx.MONTHS[groups["mon"]]
            year = groups.get("y")
            full_year = int(year) + 2000 if year and len(year) == 2 else year and int(year)
            expr.date = (int(mt["d"]), month, full_year or None)
            return True
    if mt := sc.take(_RE_DAY_OF_MONTH):
        expr.date = (int(mt["d"]), None, None)
        return True
    return False


def _iso(sc: Scanner, mt: re.Match[str], expr: Expr) -> bool:
    sc.end = mt.end()
    if mt.end() < len(sc.text) and sc.text[mt.end()] == "t":
        # "2026-12-25T08:00": the clock is glued on; read it with the date or not at all.
        if (clock := RE_HM.match(sc.text, mt.end() + 1)) is None:
            return False
        sc.end = clock.end()
        expr.clock = clock_of(clock)
    expr.date = (int(mt["d"]), int(mt["mo"]), int(mt["y"]))
    expr.iso = True
    return True
