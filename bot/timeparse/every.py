"""The grammar of repeating posts after "setiap"/"tiap"/"every": which days, or how often.

"setiap hari", "setiap hari kerja", "setiap senin dan kamis", "setiap senin-jumat",
"setiap tanggal 1 dan 15", "setiap akhir pekan", "setiap malam minggu" (Saturday evening),
"setiap awal bulan" (the 1st), "setiap akhir bulan" and "setiap tanggal terakhir" (the last
day of each month), "setiap pagi", "setiap jam 9 pagi" (daily), "setiap 2 jam",
"tiap 30 menit", "setiap jam" (hourly); the clock is read as for one-offs.
"""

from __future__ import annotations

import re

from bot import messages as m
from bot.timeparse import lexicon as lx
from bot.timeparse.clocks import clock_follows
from bot.timeparse.patterns import AMOUNTS, RE_PART, WEEKDAY_RX, alt, amounts
from bot.timeparse.scan import END, Expr, H, Scanner, rx

RE_EVERY = rx(rf"(?P<w>{alt([*lx.EVERY_WORDS, *lx.DAILY_WORDS])})")
_AND = rf"(?:{alt(lx.AND_WORDS)})"
_RE_EVERY_WORKDAY = rx(alt(lx.WORKDAY_WORDS))
_RE_EVERY_WEEKEND = rx(alt(lx.WEEKEND_WORDS))
_RE_EVERY_DAY = rx(alt(lx.EVERY_DAY_WORDS))
_RE_EVERY_MONTH_DAY = rx(
    rf"(?:(?:{alt(lx.MONTH_WORDS)}){H}+)?(?:{alt(lx.DATE_PREFIXES)}){H}*"
    rf"(?P<d>[0-9]{{1,2}})"
)
# More days of the month: "tanggal 1 dan 15", "tanggal 1, 15 dan 28" (a comma or "dan").
_RE_MORE_MONTH_DAY = re.compile(
    rf"(?:{H}*,{H}*(?:{_AND}{H}+)?|{H}+{_AND}{H}+)"
    rf"(?P<d>[0-9]{{1,2}}){END}"
)
_RE_HARI = rx("hari")
_RE_EVERY_LAST_DAY = rx(rf"(?:{alt(lx.LAST_DAY_WORDS)})(?:{H}+(?:{alt(lx.MONTH_WORDS)}))?")
_RE_EVERY_MONTH_EDGE = rx(rf"(?P<e>{alt(lx.MONTH_EDGE_WORDS)}){H}+(?:{alt(lx.MONTH_WORDS)})")
# "setiap malam minggu": every Saturday evening (the evening before the named day).
_RE_EVERY_EVE = rx(rf"(?:{alt(lx.EVE_WORDS)}){H}+(?:hari{H}+)?(?P<wd>{WEEKDAY_RX})")
_RE_LIST_WEEKDAY = rx(rf"(?:{_AND}{H}+)?(?P<wd>{WEEKDAY_RX})")
_RE_GLUED_RANGE = rx(rf"(?P<a>{WEEKDAY_RX})-(?P<b>{WEEKDAY_RX})")
_RE_RANGE_WEEKDAY = rx(rf"(?:{alt(lx.RANGE_WORDS)}){H}+(?P<wd>{WEEKDAY_RX})")
_RE_INTERVAL = rx(AMOUNTS)
RE_HOURLY = rx(alt(lx.HOUR_WORDS))
RE_START = rx(alt(lx.START_WORDS))


def read_every(sc: Scanner, expr: Expr) -> bool:
    """After "setiap": the days or the interval, into `expr`; False if these words name
    neither (a clock may still follow: "setiap jam 9 pagi" is daily)."""
    if mt := sc.take(_RE_INTERVAL):
        seconds, whole_days = amounts(mt["parts"])
        expr.interval = seconds
        if whole_days:
            expr.problem = m.TIME_REPEAT_DAYS_INTERVAL
        return True
    if sc.take(_RE_EVERY_WORKDAY):
        expr.every_weekdays = frozenset(range(5))
        return True
    if sc.take(_RE_EVERY_WEEKEND):
        expr.every_weekdays = frozenset({5, 6})
        return True
    if sc.take(_RE_EVERY_LAST_DAY):  # before "hari" and "tanggal <n>"
        expr.every_month_end = True
        return True
    if mt := sc.take(_RE_EVERY_MONTH_DAY):
        days = {int(mt["d"])}
        while more := _RE_MORE_MONTH_DAY.match(sc.text, sc.end):
            days.add(int(more["d"]))
            sc.end = more.end()
        expr.every_month_days = frozenset(days)
        return True
    if mt := sc.take(_RE_EVERY_MONTH_EDGE):  # "awal bulan": the 1st; "akhir bulan": the last
        if day := lx.MONTH_EDGE_WORDS[mt["e"]]:
            expr.every_month_days = frozenset({day})
        else:
            expr.every_month_end = True
        return True
    if mt := sc.take(_RE_EVERY_EVE):
        expr.every_weekdays = frozenset({(lx.WEEKDAYS[mt["wd"]] - 1) % 7})
        expr.parts.append("malam")
        return True
    if _read_weekdays(sc, expr):
        return True
    if sc.take(_RE_EVERY_DAY):
        return True
    if clock_follows(sc):  # "setiap jam 9 pagi": every day at that clock
        return True
    if sc.take(RE_HOURLY):
        expr.interval = 3600
        return True
    # "setiap pagi jam 7": daily; the part of the day is read as usual
    return sc.look(RE_PART) is not None


def _read_weekdays(sc: Scanner, expr: Expr) -> bool:
    hari = sc.look(_RE_HARI)
    with_hari = hari is not None and bool(Scanner(sc.text, hari.end()).look(_RE_LIST_WEEKDAY))
    if with_hari:
        sc.take(_RE_HARI)
    if mt := sc.take(_RE_GLUED_RANGE):  # "senin-jumat"
        start, last = lx.WEEKDAYS[mt["a"]], lx.WEEKDAYS[mt["b"]]
        expr.every_weekdays = frozenset((start + i) % 7 for i in range((last - start) % 7 + 1))
        return True
    if not (mt := sc.take(_RE_LIST_WEEKDAY)):
        return False
    days = [lx.WEEKDAYS[mt["wd"]]]
    first = mt["wd"]
    while True:
        if mt := sc.take(_RE_RANGE_WEEKDAY):
            last = lx.WEEKDAYS[mt["wd"]]
            days += [(days[-1] + i) % 7 for i in range(1, (last - days[-1]) % 7 + 1)]
        elif mt := sc.take(_RE_LIST_WEEKDAY):
            days.append(lx.WEEKDAYS[mt["wd"]])
        else:
            break
    expr.every_weekdays = frozenset(days)
    expr.every_sunday_or_week = first == "minggu" and len(days) == 1 and not with_hari
    return True
