"""Which calendar day a date names: DD/MM[/YYYY], ISO, "25 Desember", "tanggal 5",
"tanggal 5 bulan depan", "akhir bulan".

Day first, always. A date without a year is this year's, or next year's once this year's is
long past; a few days past is a mistake, refused as past with next year's date proposed.
"29/02" without a year in a year that has none proposes the next leap year's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.timefmt import MONTHS, WEEKDAYS, format_local
from bot.timeparse.errors import Invalid, propose
from bot.timeparse.scan import Expr

# An explicit date that fell this many days ago is taken as a mistake, not as next year.
ROLL_YEAR_AFTER = timedelta(days=30)

At = Callable[[date], datetime]  # the clock put on a day
MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def day_text(day: date) -> str:
    """'Minggu, 22 Nov 2026'."""
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def not_after(when: datetime, now: datetime) -> bool:
    """`when <= now` as instants (same-tzinfo comparison ignores `fold` in a repeated hour)."""
    return when.astimezone(UTC) <= now.astimezone(UTC)


def explicit_day(expr: Expr, at: At, now: datetime, tz: ZoneInfo) -> date:
    """The day `expr.date` names; `now` is in the zone the clock is read in."""
    assert expr.date is not None
    day, month, year = expr.date
    if month is None:
        return _day_of_month(day, at, now, tz)
    impossible = m.TIME_IMPOSSIBLE_DATE.format(date=f"{day:02d}/{month:02d}")
    if not 1 <= month <= 12:
        swapped = None
        if 1 <= day <= 12 and not expr.iso:  # "12/25": written month first
            swapped = _future(replace(expr, date=(month, day, year)), at, now, tz)
        raise propose(impossible, swapped, tz)
    explicit_year = year is not None
    year = year if year is not None else now.year
    found = _date(year, month, day)
    if found is None and not explicit_year and (month, day) == (2, 29):
        # 29/02 in a year without one: judge by where it would fall (1 March); next year's
        # is meant once that is long past. A year without one proposes the next that has it.
        march = at(date(year, 3, 1))
        if not_after(march, now) and now - march > ROLL_YEAR_AFTER:
            year += 1
        leap = _next_date(year, 2, 29)
        if leap.year != year:
            raise propose(m.TIME_NO_LEAP_DAY.format(year=year, leap=leap.year), at(leap), tz)
        found = leap
    if found is not None and not explicit_year and not_after(at(found), now):
        later = _next_date(year + 1, month, day)
        if now - at(found) > ROLL_YEAR_AFTER:
            return later
        # A few days past: a mistake, asked about with next year's date (when the weekday
        # written with it, if any, fits that one).
        fits = expr.weekday is None or later.weekday() == expr.weekday
        raise propose(
            m.TIME_PAST.format(when=format_local(at(found), tz)), at(later) if fits else None, tz
        )
    if found is None:
        proposal = None
        if day <= 31:  # propose the month's last day
            last = (_last_day(year, month), month, year if explicit_year else None)
            proposal = _future(replace(expr, date=last), at, now, tz)
        raise propose(impossible, proposal, tz)
    return found


def month_relative_day(expr: Expr, at: At, now: datetime, tz: ZoneInfo) -> date:
    """'tanggal 5 bulan depan', 'akhir bulan': that day of this or a later month."""
    assert expr.month_rel is not None
    months, day = expr.month_rel
    year, month = now.year, now.month
    for _ in range(months):
        year, month = _next_month(year, month)
    last = _last_day(year, month)
    if not 0 <= day <= 31:
        raise Invalid(m.TIME_IMPOSSIBLE_DATE.format(date=str(day)))
    if day > last:
        raise propose(
            m.TIME_DAY_NOT_IN_MONTH.format(month=MONTH_NAMES[month - 1], year=year, day=day),
            _ahead(at(date(year, month, last)), now),
            tz,
        )
    found = date(year, month, day or last)
    if not_after(at(found), now):  # "akhir bulan" late on the last day: next month's?
        year, month = _next_month(year, month)
        later = date(year, month, min(day or 31, _last_day(year, month)))
        raise propose(m.TIME_PAST.format(when=format_local(at(found), tz)), at(later), tz)
    return found


def _ahead(when: datetime, now: datetime) -> datetime | None:
    return None if not_after(when, now) else when


def _future(expr: Expr, at: At, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The moment another reading of the date names, if it is one and still ahead."""
    try:
        when = at(explicit_day(expr, at, now, tz))
    except Invalid:
        return None
    return None if not_after(when, now) else when


def _day_of_month(day: int, at: At, now: datetime, tz: ZoneInfo) -> date:
    """'tanggal 5': this month's 5th if still ahead, else next month's."""
    if not 1 <= day <= 31:
        raise Invalid(m.TIME_IMPOSSIBLE_DATE.format(date=str(day)))
    year, month = now.year, now.month
    if day <= _last_day(year, month):
        found = date(year, month, day)
        if not not_after(at(found), now):
            return found
        year, month = _next_month(year, month)
        if day <= _last_day(year, month):
            return date(year, month, day)
    later = _next_month(year, month)
    while day > _last_day(*later):
        later = _next_month(*later)
    raise propose(
        m.TIME_DAY_NOT_IN_MONTH.format(month=MONTH_NAMES[month - 1], year=year, day=day),
        at(date(*later, day)),
        tz,
    )


def _next_date(year: int, month: int, day: int) -> date:
    """`day`/`month` in `year` or the first later year that has it (29/02: a leap year)."""
    while (found := _date(year, month, day)) is None:
        year += 1
    return found


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _last_day(year: int, month: int) -> int:
    return (date(*_next_month(year, month), 1) - timedelta(days=1)).day


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
