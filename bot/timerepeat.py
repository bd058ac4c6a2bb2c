"""The grammar of repeating posts after "setiap"/"tiap"/"every": which days.

"setiap hari", "setiap hari kerja", "setiap senin dan kamis", "setiap senin-jumat",
"setiap tanggal 1", "setiap akhir pekan", "setiap pagi"; the clock is read as for one-offs.
"""

from __future__ import annotations

from bot import timewords as w
from bot.timescan import RE_PART, Expr, H, Scanner, rx

RE_EVERY = rx(r"setiap|tiap(?:-tiap)?|saban|every|each|daily")
_RE_EVERY_WORKDAY = rx(rf"hari{H}+kerja|weekdays?|workdays?")
_RE_EVERY_WEEKEND = rx(rf"akhir{H}+pekan|akhir{H}+minggu|weekends?")
_RE_EVERY_DAY = rx("hari|day")
_RE_EVERY_MONTH_DAY = rx(rf"(?:bulan{H}+)?(?:tanggal|tgl\.?){H}*(?P<d>[0-9]{{1,2}})")
_RE_HARI = rx("hari")
_RE_LIST_WEEKDAY = rx(rf"(?:(?:dan|and|&){H}+)?(?P<wd>{w.WEEKDAY_RX})")
_RE_GLUED_RANGE = rx(rf"(?P<a>{w.WEEKDAY_RX})-(?P<b>{w.WEEKDAY_RX})")
_RE_RANGE_WEEKDAY = rx(rf"(?:-|sampai|s/d|s\.d\.?|hingga|to|through|until){H}+"
                       rf"(?P<wd>{w.WEEKDAY_RX})")



def read_every(sc: Scanner, expr: Expr) -> bool:
    """After "setiap": the days, into `expr`; False if these words name no days."""
    if sc.take(_RE_EVERY_WORKDAY):
        expr.every_weekdays = frozenset(range(5))
        return True
    if sc.take(_RE_EVERY_WEEKEND):
        expr.every_weekdays = frozenset({5, 6})
        return True
    if mt := sc.take(_RE_EVERY_MONTH_DAY):
        expr.every_month_day = int(mt["d"])
        return True
    hari = sc.look(_RE_HARI)
    with_hari = hari is not None and bool(Scanner(sc.text, hari.end()).look(_RE_LIST_WEEKDAY))
    if with_hari:
        sc.take(_RE_HARI)
    if mt := sc.take(_RE_GLUED_RANGE):  # "senin-jumat"
        start, last = w.WEEKDAYS[mt["a"]], w.WEEKDAYS[mt["b"]]
        expr.every_weekdays = frozenset((start + i) % 7 for i in range((last - start) % 7 + 1))
        return True
    if mt := sc.take(_RE_LIST_WEEKDAY):
        days = [w.WEEKDAYS[mt["wd"]]]
        first = mt["wd"]
        while True:
            if mt := sc.take(_RE_RANGE_WEEKDAY):
                last = w.WEEKDAYS[mt["wd"]]
                days += [(days[-1] + i) % 7 for i in range(1, (last - days[-1]) % 7 + 1)]
            elif mt := sc.take(_RE_LIST_WEEKDAY):
                days.append(w.WEEKDAYS[mt["wd"]])
            else:
                break
        expr.every_weekdays = frozenset(days)
        expr.every_sunday_or_week = first == "minggu" and len(days) == 1 and not with_hari
        return True
    if sc.take(_RE_EVERY_DAY):
        return True
    # "setiap pagi jam 7": daily; the part of the day is read as usual
    return sc.look(RE_PART) is not None
