"""Read when a post should go out from the front of an Indonesian (or English) phrase.

One entry point, `parse_schedule(phrase, now, tz)`, returns the resolved moment and the rest
of the phrase (the post text), or a reason in Indonesian with, where there is one, the likely
reading as a proposal. Only what is matched exactly is taken as time; everything after it is
the post, untouched. The words are in bot.timewords, the grammar in bot.timegrammar, explicit
dates in bot.timedates, repeat rules in bot.repeat; dateparser is only a checked fallback
(bot.timefallback) for what the grammar does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import messages as m
from bot import timefallback, timegrammar
from bot import timewords as w
from bot.repeat import RepeatRule
from bot.timedates import explicit_day, not_after
from bot.timefmt import MONTHS, WEEKDAYS, format_local, zone_label
from bot.timegrammar import Expr
from bot.timewords import Clock, Hms, Invalid, propose

MAX_AHEAD = timedelta(days=366 * 5)


@dataclass(frozen=True)
class ParseResult:
    when: datetime | None
    text: str
    error: str | None = None
    repeat: str | None = None  # a repeating post's rule in words: "setiap Senin 09:00"
    suggestion: datetime | None = None  # the likely reading, also proposed in `error`
    rule: RepeatRule | None = None  # a repeating post's rule; `when` is its first occurrence
    expression: str = ""  # the time expression as written: the phrase minus `text`

    @property
    def ok(self) -> bool:
        return self.when is not None and self.error is None


def parse_schedule(phrase: str, now: datetime, tz: ZoneInfo) -> ParseResult:
    """Split `phrase` into (moment, post text). `now` must be timezone-aware."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    stripped = phrase.lstrip()
    local_now = now.astimezone(tz)
    rule = None
    try:
        expr = timegrammar.read(stripped)
        # dateparser may read what the grammar does not know, or a day the grammar read with
        # a clock it could not find ("Friday the 27th at 9am"); never what it refused.
        found = None
        if expr is None or _only_a_day(expr):
            found = timefallback.read(stripped, local_now, tz, MAX_AHEAD)
        if found is not None:
            when, end = found
        elif expr is None or expr.refused:
            head = " ".join(stripped.split()[:3]) or "(kosong)"
            return ParseResult(None, stripped, m.TIME_UNREADABLE.format(head=head))
        elif expr.other_zone:
            raise Invalid(m.TIME_UNKNOWN_ZONE.format(zone=expr.other_zone))
        elif expr.repeat:
            rule = _repeat_rule(expr, local_now, tz)
            when, end = rule.next_after(local_now, tz), expr.end
        else:
            when, end = _resolve(expr, local_now, tz), expr.end
    except Invalid as bad:
        suggestion = bad.suggestion.astimezone(tz) if bad.suggestion else None
        return ParseResult(None, stripped, bad.reason, suggestion=suggestion)
    text = stripped[end:].lstrip()
    if not_after(when, now):
        return ParseResult(None, text, m.TIME_PAST.format(when=format_local(when, tz)))
    if when.astimezone(UTC) - now.astimezone(UTC) > MAX_AHEAD:
        return ParseResult(None, text, m.TIME_TOO_FAR.format(when=format_local(when, tz)))
    return ParseResult(when.astimezone(tz), text, repeat=rule.describe() if rule else None,
                       rule=rule, expression=stripped[:end])


def _only_a_day(expr: Expr) -> bool:
    return (expr.has_day and expr.clock is None and not expr.minggu_depan
            and not expr.refused)


def _try(expr: Expr, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The moment another reading of the phrase names, if it names one."""
    found = _reading(expr, now, tz)
    return found[0] if found else None


def _reading(expr: Expr, now: datetime, tz: ZoneInfo) -> tuple[datetime, str | None] | None:
    """(moment, rule in words or None) of another reading of the phrase, if it names a
    moment still ahead."""
    try:
        if expr.repeat:
            rule = _repeat_rule(expr, now, tz)
            return rule.next_after(now, tz), rule.describe()
        when = _resolve(expr, now, tz)
    except Invalid:
        return None
    return None if not_after(when, now) else (when, None)


def _propose(reason: str, expr: Expr, now: datetime, tz: ZoneInfo) -> Invalid:
    """`reason`, proposing what `expr` (another reading of the phrase) names."""
    found = _reading(expr, now, tz)
    return propose(reason, found[0], tz, found[1]) if found else Invalid(reason)


def _hms(expr: Expr, now: datetime, tz: ZoneInfo) -> Hms:
    assert expr.clock is not None
    try:
        return w.clock_value(expr.clock, expr.parts)
    except w.Unclear as bad:
        if bad.clock is None:
            raise Invalid(bad.reason) from None
        proposal = replace(expr, clock=bad.clock, parts=bad.parts)
        raise _propose(bad.reason, proposal, now, tz) from None


def _resolve(expr: Expr, now: datetime, tz: ZoneInfo) -> datetime:
    """The one-off moment `expr` names, in `tz`; `now` is already in `tz`."""
    if expr.duration is not None:
        return _after_duration(expr, now, tz)
    if expr.minggu_depan:
        raise _minggu_depan(expr, now, tz)
    if expr.clock is None:
        raise _missing_clock(expr, now, tz)
    hms = _hms(expr, now, tz)
    local = now.astimezone(w.zone(expr.zone) if expr.zone else tz)
    when = _place(expr, hms, local, tz).astimezone(tz)
    if expr.then_day is not None:  # "19:00 besok ...": fine only if both readings agree
        day = expr.then_day
        other = replace(expr, then_day=None, rel=day.rel, weekday=day.weekday,
                        weekday_mod=day.weekday_mod, minggu_depan=day.minggu_depan,
                        date=day.date, iso=day.iso, parts=expr.parts + day.parts)
        second = _resolve(other, now, tz)  # its error, if any, is the one to show
        if not_after(second, now):
            raise Invalid(m.TIME_PAST.format(when=format_local(second, tz)))
        if second != when:
            raise propose(m.TIME_CLOCK_BEFORE_DAY.format(first=format_local(when, tz),
                                                         second=format_local(second, tz)),
                          second, tz)
    return when


def _after_duration(expr: Expr, now: datetime, tz: ZoneInfo) -> datetime:
    if not expr.duration:
        raise Invalid(m.TIME_ZERO_DURATION)
    # Elapsed time: add in UTC, so a DST change in `tz` does not shift the result.
    try:
        return (now.astimezone(UTC) + timedelta(seconds=expr.duration)).astimezone(tz)
    except OverflowError:  # thousands of years ahead
        raise Invalid(m.TIME_TOO_FAR.format(when=expr.duration_text)) from None


def _missing_clock(expr: Expr, now: datetime, tz: ZoneInfo) -> Invalid:
    """No clock: propose the part of day's usual hour ("besok pagi") or a bare number."""
    if expr.bare_hour is not None and expr.bare_hour <= 23:
        guess = Clock(expr.bare_hour)
    elif expr.parts:
        guess = Clock(w.DEFAULT_HOUR[expr.parts[0]])
    else:
        return Invalid(m.TIME_MISSING_CLOCK)
    return _propose(m.TIME_MISSING_CLOCK, replace(expr, clock=guess), now, tz)


def _minggu_depan(expr: Expr, now: datetime, tz: ZoneInfo) -> Invalid:
    """'minggu depan': next week's Sunday, or next week? Ask, with both readings."""
    today = now.date()
    sunday = replace(expr, minggu_depan=False)
    week = replace(sunday, weekday=today.weekday())
    if expr.clock is None:
        sunday_day = today + timedelta(days=13 - today.weekday())
        return Invalid(m.TIME_MINGGU_DEPAN.format(sunday=_day_text(sunday_day),
                                                  week=_day_text(today + timedelta(days=7))))
    first, second = _try(sunday, now, tz), _try(week, now, tz)
    if first is None or second is None:
        return Invalid(m.TIME_MINGGU_DEPAN.format(sunday="?", week="?"))
    return propose(m.TIME_MINGGU_DEPAN.format(sunday=format_local(first, tz),
                                              week=format_local(second, tz)), first, tz)


def _place(expr: Expr, hms: Hms, now: datetime, tz: ZoneInfo) -> datetime:
    """Put the clock on the day the phrase names; `now` is in the expression's zone."""
    hour, minute, second, shift = hms
    zone = now.tzinfo
    assert isinstance(zone, ZoneInfo)

    def at(day: date) -> datetime:
        return datetime.combine(day + timedelta(days=shift), time(hour, minute, second),
                                tzinfo=zone)

    today = now.date()
    if expr.date is not None:
        day = explicit_day(expr, at, now, tz)
        if expr.weekday is not None and day.weekday() != expr.weekday:
            dated = None if not_after(at(day), now) else at(day)  # the date is the likelier
            raise propose(m.TIME_WEEKDAY_MISMATCH.format(
                date=_day_text(day), actual=WEEKDAYS[day.weekday()],
                named=WEEKDAYS[expr.weekday]), dated, tz)
        return at(day)
    if expr.weekday is not None:
        if expr.weekday_mod == "depan":  # next week's (weeks start on Monday)
            return at(today + timedelta(days=7 - today.weekday() + expr.weekday))
        day = today + timedelta(days=(expr.weekday - today.weekday()) % 7)
        if not_after(at(day), now):
            if expr.weekday_mod == "ini":
                raise propose(m.TIME_PAST_WEEKDAY.format(day=WEEKDAYS[expr.weekday],
                                                         date=_day_text(day)),
                              at(day + timedelta(days=7)), tz)
            day += timedelta(days=7)
        return at(day)
    hhmm = f"{hour:02d}:{minute:02d}"
    if expr.rel == "nanti":  # later today; "nanti jam 8" said in the evening is 20:00
        options = [at(today)]
        if not expr.parts and expr.clock and expr.clock.ampm is None and 1 <= hour <= 11:
            options.append(at(today) + timedelta(hours=12))
        for option in options:
            if not not_after(option, now):
                return option
        raise propose(m.TIME_PAST_LATER_TODAY.format(hhmm=hhmm),
                      at(today + timedelta(days=1)), tz)
    if expr.rel is not None:
        offset = w.REL_DAYS[expr.rel]
        when = at(today + timedelta(days=offset))
        if offset == 0 and not_after(when, now):
            tomorrow = at(today + timedelta(days=1))
            raise Invalid(m.TIME_PAST_TODAY.format(hhmm=hhmm, when=format_local(tomorrow, tz)),
                          tomorrow)
        return when
    for back in (-1, 0, 1):  # a bare clock: its next occurrence
        when = at(today + timedelta(days=back))
        if not not_after(when, now):
            return when
    return at(today + timedelta(days=2))  # pragma: no cover (a repeated hour at a DST change)


def _day_text(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def _repeat_rule(expr: Expr, now: datetime, tz: ZoneInfo) -> RepeatRule:
    """'setiap senin dan kamis 16:00' -> the rule, in the bot's timezone `tz`."""
    if expr.every_sunday_or_week:
        sunday = replace(expr, every_sunday_or_week=False)
        raise _propose(m.TIME_EVERY_MINGGU, sunday, now, tz)
    if expr.clock is None:
        raise _missing_clock(expr, now, tz)
    hour, minute, second, shift = _hms(expr, now, tz)
    if second:
        proposal = replace(expr, clock=replace(expr.clock, second=0))
        raise _propose(m.TIME_REPEAT_SECONDS, proposal, now, tz)
    zone = w.zone(expr.zone) if expr.zone else tz
    if zone.key != tz.key:  # "08:00 WITA" in a WIB bot: move by the offsets' difference
        if not {zone.key, tz.key} <= w.FIXED_ZONES:
            raise Invalid(m.TIME_REPEAT_ZONE.format(zone=zone_label(tz), word=zone_label(zone)))
        offset = (tz.utcoffset(now) or timedelta()) - (zone.utcoffset(now) or timedelta())
        minutes = shift * 1440 + hour * 60 + minute + int(offset.total_seconds()) // 60
        shift, rest = divmod(minutes, 1440)
        hour, minute = divmod(rest, 60)
    weekdays, day_of_month = expr.every_weekdays, expr.every_month_day
    if day_of_month is not None and not 1 <= day_of_month <= 31:
        raise Invalid(m.TIME_IMPOSSIBLE_DATE.format(date=str(day_of_month)))
    if shift and weekdays is not None:  # "setiap senin jam 12 malam" is Tuesday 00:00
        weekdays = frozenset((day + shift) % 7 for day in weekdays)
    elif shift and day_of_month is not None:
        moved = day_of_month + shift
        if not 1 <= moved <= 31:
            raise Invalid(m.TIME_REPEAT_NEXT_DAY)
        rule = RepeatRule(day_of_month=moved, hour=hour, minute=minute)
        raise propose(m.TIME_REPEAT_NEXT_DAY, rule.next_after(now, tz), tz, rule.describe())
    return RepeatRule(weekdays=weekdays, day_of_month=day_of_month, hour=hour, minute=minute)
