"""The one-off moment a time expression names, as of now: durations, days, weekdays, dates
and clocks, or Invalid with the reason and the likely reading.

Weekdays (weeks run Monday to Sunday, as in Indonesia):
- "senin": the next Monday whose clock is still ahead (today if it is Monday and still ahead).
- "senin ini": Monday of this week; refused with a proposal once it has passed ("sabtu ini"
  said on a Sunday is yesterday).
- "senin depan": Monday of next week. On a Sunday that would be tomorrow, which people call
  "besok", so the bot asks (proposing the Monday after).
- "minggu depan" alone is next week's Sunday or next week: always asked.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.repeat import RepeatRule
from bot.timefmt import WEEKDAYS, format_local
from bot.timeparse import lexicon as lx
from bot.timeparse import rules, twelve, walltime
from bot.timeparse.clock import Clock, Hms, Unclear, clock_value
from bot.timeparse.dates import At, day_text, explicit_day, month_relative_day, not_after
from bot.timeparse.errors import Invalid, propose
from bot.timeparse.scan import Expr

NIGHT_ENDS = 4  # "besok" typed before 04:00 may mean the day that just began


def resolve(expr: Expr, now: datetime, tz: ZoneInfo) -> datetime:
    """The one-off moment `expr` names, in `tz` (possibly past: the caller refuses that);
    `now` is already in `tz`."""
    if expr.problem:
        raise Invalid(expr.problem)
    if expr.weekend:
        raise propose_reading(m.TIME_WEEKEND_WHICH, replace(expr, weekend=False), now, tz)
    if expr.rel_days in (1, 2) and not expr.repeat and now.astimezone(tz).hour < NIGHT_ENDS:
        return _after_midnight(expr, now, tz)
    return _resolve(expr, now, tz)


def _after_midnight(expr: Expr, now: datetime, tz: ZoneInfo) -> datetime:
    """ "besok" typed at 00:10 may mean the day that just began: asked (proposing that one)
    when both readings are still ahead."""
    assert expr.rel_days is not None
    earlier = replace(expr, rel_days=expr.rel_days - 1)
    asked: Invalid | None = None  # "besok jam 8": already a question about that day
    try:
        calendar = _resolve(expr, now, tz)
    except Invalid as bad:
        if bad.suggestion is None:
            raise
        asked, calendar = bad, bad.suggestion
    try:
        night = _resolve(earlier, now, tz)
    except Invalid as night_bad:
        if asked is not None and night_bad.suggestion is not None:
            raise night_bad from None  # the same question, about the day that just began
        if asked is not None:
            raise asked from None
        return calendar
    if not_after(night, now) or night == calendar:
        if asked is not None:
            raise asked
        return calendar
    local = calendar.astimezone(tz)
    reason = m.TIME_AFTER_MIDNIGHT.format(
        word="besok" if expr.rel_days == 1 else "lusa",
        first=format_local(night, tz),
        second=format_local(calendar, tz),
        later_day=day_text(local.date()),
        date=f"{local:%d/%m}",
        hhmm=f"{local:%H:%M}",
    )
    raise propose(reason, night, tz)


def _resolve(expr: Expr, now: datetime, tz: ZoneInfo) -> datetime:
    if expr.duration is not None:
        return _after_duration(expr, now, tz)
    if expr.minggu_depan:
        raise _minggu_depan(expr, now, tz)
    if expr.clock is None:
        raise missing_clock(expr, now, tz)
    if twelve.applies(expr):
        return twelve.choose(expr, now, tz, _resolve)
    hms = hms_of(expr, now, tz)
    local = now.astimezone(zone_of(expr, tz))
    placed = _place(expr, hms, local, tz)
    walltime.check(placed, now, tz)
    return placed.astimezone(tz)


def zone_of(expr: Expr, tz: ZoneInfo) -> ZoneInfo:
    """The zone the clock is written in: a zone word ("08:00 WITA"), else the bot's."""
    return ZoneInfo(lx.ZONES[expr.zone]) if expr.zone else tz


def reading(expr: Expr, now: datetime, tz: ZoneInfo) -> tuple[datetime, RepeatRule | None] | None:
    """(moment, rule or None) of another reading of the phrase, if it names a moment still
    ahead."""
    try:
        if expr.repeat:
            rule = rules.repeat_rule(expr, now, tz)
            return rule.next_after(now, tz), rule
        when = resolve(expr, now, tz)
    except Invalid:
        return None
    return None if not_after(when, now) else (when, None)


def propose_reading(reason: str, expr: Expr, now: datetime, tz: ZoneInfo) -> Invalid:
    """`reason`, proposing what `expr` (another reading of the phrase) names."""
    found = reading(expr, now, tz)
    return propose(reason, found[0], tz, repeat=found[1]) if found else Invalid(reason)


def hms_of(expr: Expr, now: datetime, tz: ZoneInfo) -> Hms:
    assert expr.clock is not None
    try:
        return clock_value(expr.clock, expr.parts)
    except Unclear as bad:
        if bad.clock is None:
            raise Invalid(bad.reason) from None
        proposal = replace(expr, clock=bad.clock, parts=bad.parts, alt=None)
        raise propose_reading(bad.reason, proposal, now, tz) from None


def missing_clock(expr: Expr, now: datetime, tz: ZoneInfo) -> Invalid:
    """No clock: propose the part of day's usual hour ("besok pagi") or a bare number."""
    if expr.bare_hour is not None and expr.bare_hour <= 23:
        guess = Clock(expr.bare_hour)
    elif expr.parts:
        guess = Clock(lx.DEFAULT_HOUR[expr.parts[0]])
    else:
        return Invalid(m.TIME_MISSING_CLOCK)
    return propose_reading(m.TIME_MISSING_CLOCK, replace(expr, clock=guess), now, tz)


def _after_duration(expr: Expr, now: datetime, tz: ZoneInfo) -> datetime:
    if not expr.duration:
        raise Invalid(m.TIME_ZERO_DURATION)
    # Elapsed time: add in UTC, so a DST change in `tz` does not shift the result.
    try:
        return (now.astimezone(UTC) + timedelta(seconds=expr.duration)).astimezone(tz)
    except OverflowError:  # thousands of years ahead
        raise Invalid(m.TIME_TOO_FAR.format(when=expr.duration_text)) from None


def _minggu_depan(expr: Expr, now: datetime, tz: ZoneInfo) -> Invalid:
    """'minggu depan': next week's Sunday, or next week? Ask, naming the Sunday and the week
    (never the same date twice)."""
    monday = now.date() + timedelta(days=7 - now.weekday())
    sunday = replace(expr, minggu_depan=False)
    found = reading(sunday, now, tz) if expr.clock is not None else None
    sunday_text = format_local(found[0], tz) if found else day_text(monday + timedelta(days=6))
    reason = m.TIME_MINGGU_DEPAN.format(sunday=sunday_text, week=day_text(monday))
    return propose(reason, found[0], tz) if found else Invalid(reason)


def _place(expr: Expr, hms: Hms, now: datetime, tz: ZoneInfo) -> datetime:
    """Put the clock on the day the phrase names; `now` is in the expression's zone."""
    hour, minute, second, shift = hms
    zone = now.tzinfo
    assert isinstance(zone, ZoneInfo)

    def at(day: date) -> datetime:
        return datetime.combine(
            day + timedelta(days=shift), time(hour, minute, second), tzinfo=zone
        )

    today = now.date()
    if expr.date is not None or expr.month_rel is not None:
        if expr.month_rel is not None:
            day = month_relative_day(expr, at, now, tz)
        else:
            day = explicit_day(expr, at, now, tz)
        if expr.weekday is not None and day.weekday() != expr.weekday:
            dated = None if not_after(at(day), now) else at(day)  # the date is the likelier
            raise propose(
                m.TIME_WEEKDAY_MISMATCH.format(
                    date=day_text(day), actual=WEEKDAYS[day.weekday()], named=WEEKDAYS[expr.weekday]
                ),
                dated,
                tz,
            )
        return at(day)
    if expr.weekday is not None:
        return _weekday(expr, at, now, tz)
    hhmm = f"{hour:02d}:{minute:02d}"
    if expr.later_today:  # "nanti": later today
        if not _ahead(at(today), now):
            raise propose(
                m.TIME_PAST_LATER_TODAY.format(hhmm=hhmm), at(today + timedelta(days=1)), tz
            )
        return at(today)
    if expr.rel_days is not None:
        when = at(today + timedelta(days=expr.rel_days))
        if expr.rel_days == 0 and not _ahead(when, now):
            tomorrow = at(today + timedelta(days=1))
            raise Invalid(
                m.TIME_PAST_TODAY.format(hhmm=hhmm, when=format_local(tomorrow, tz)), tomorrow
            )
        return when
    for back in (-1, 0, 1):  # a bare clock: its next occurrence
        when = at(today + timedelta(days=back))
        if _ahead(when, now):
            return when
    return at(today + timedelta(days=2))  # pragma: no cover (a repeated hour at a DST change)


def _ahead(when: datetime, now: datetime) -> bool:
    """`when` is still ahead, at least the second time its clock shows when a DST change
    repeats that hour (walltime.check then asks which one)."""
    return not not_after(when.replace(fold=1), now)


def _weekday(expr: Expr, at: At, now: datetime, tz: ZoneInfo) -> datetime:
    """The weekday rules in this module's docstring."""
    assert expr.weekday is not None
    today = now.date()
    this_week = today + timedelta(days=expr.weekday - today.weekday())
    coming = today + timedelta(days=(expr.weekday - today.weekday()) % 7)
    if not_after(at(coming), now):
        coming += timedelta(days=7)
    if expr.weekday_mod == "ini":
        if not_after(at(this_week), now):
            raise propose(
                m.TIME_PAST_WEEKDAY.format(day=WEEKDAYS[expr.weekday], date=day_text(this_week)),
                at(coming),
                tz,
            )
        return at(this_week)
    if expr.weekday_mod == "depan":
        next_week = this_week + timedelta(days=7)
        if next_week == today + timedelta(days=1):  # on a Sunday: tomorrow, or a week later?
            later = at(next_week + timedelta(days=7))
            raise propose(
                m.TIME_DEPAN_TOMORROW.format(
                    day=WEEKDAYS[expr.weekday],
                    tomorrow=format_local(at(next_week), tz),
                    later=format_local(later, tz),
                ),
                later,
                tz,
            )
        return at(next_week)
    return at(coming)
