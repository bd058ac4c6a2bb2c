"""Repeat rules from "setiap ..." expressions: days and a clock, or an interval.

A calendar rule keeps the zone it was written in: the bot's zone, or a zone word after the
clock ("setiap hari 08:00 WITA"). An interval is a fixed step of elapsed time from its first
occurrence ("mulai ..." when written, else one step from now), at most every
MIN_INTERVAL_MINUTES minutes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.repeat import MIN_INTERVAL_MINUTES, RepeatRule
from bot.timefmt import format_local
from bot.timeparse import resolve, twelve
from bot.timeparse.dates import not_after
from bot.timeparse.errors import Invalid, propose
from bot.timeparse.scan import Expr


def repeat_rule(expr: Expr, now: datetime, tz: ZoneInfo) -> RepeatRule:
    """'setiap senin dan kamis 16:00' -> the rule; `now` is in the bot's timezone `tz`."""
    if expr.problem:
        raise Invalid(expr.problem)
    if expr.every_sunday_or_week:
        sunday = replace(expr, every_sunday_or_week=False)
        raise resolve.propose_reading(m.TIME_EVERY_MINGGU, sunday, now, tz)
    if expr.interval is not None:
        return _interval(expr, now, tz)
    if expr.clock is None:
        raise resolve.missing_clock(expr, now, tz)
    if twelve.applies(expr):
        return twelve.choose_rule(expr, now, tz, repeat_rule)
    hour, minute, second, shift = resolve.hms_of(expr, now, tz)
    if second:
        proposal = replace(expr, clock=replace(expr.clock, second=0), alt=None)
        raise resolve.propose_reading(m.TIME_REPEAT_SECONDS, proposal, now, tz)
    zone = resolve.zone_of(expr, tz).key
    weekdays, days, month_end = expr.every_weekdays, expr.every_month_days, expr.every_month_end
    for day in sorted(days or ()):
        if not 1 <= day <= 31:
            raise Invalid(m.TIME_IMPOSSIBLE_DATE.format(date=str(day)))
    if shift and month_end:  # "setiap akhir bulan jam 12 malam": the 1st at 00:00
        if shift != 1:
            raise Invalid(m.TIME_REPEAT_NEXT_DAY)
        rule = RepeatRule(days_of_month=frozenset({1}), hour=hour, minute=minute, zone=zone)
        raise propose(m.TIME_REPEAT_NEXT_DAY, rule.next_after(now, tz), tz, repeat=rule)
    if shift and weekdays is not None:  # "setiap senin jam 12 malam" is Tuesday 00:00
        weekdays = frozenset((day + shift) % 7 for day in weekdays)
    elif shift and days is not None:
        moved = frozenset(day + shift for day in days)
        if not all(1 <= day <= 31 for day in moved):
            raise Invalid(m.TIME_REPEAT_NEXT_DAY)
        rule = RepeatRule(days_of_month=moved, hour=hour, minute=minute, zone=zone)
        raise propose(m.TIME_REPEAT_NEXT_DAY, rule.next_after(now, tz), tz, repeat=rule)
    return RepeatRule(
        weekdays=weekdays,
        days_of_month=days,
        hour=hour,
        minute=minute,
        zone=zone,
        month_end=month_end,
    )


def _interval(expr: Expr, now: datetime, tz: ZoneInfo) -> RepeatRule:
    assert expr.interval is not None
    step = expr.interval
    if step < MIN_INTERVAL_MINUTES * 60:
        raise Invalid(m.TIME_REPEAT_TOO_OFTEN.format(minutes=MIN_INTERVAL_MINUTES))
    if step % 60:
        raise Invalid(m.TIME_REPEAT_SECONDS)
    minutes = step // 60
    if expr.start is None:  # one step from now, on the minute
        start = (now.astimezone(UTC) + timedelta(seconds=step)).replace(second=0, microsecond=0)
        return RepeatRule(every_minutes=minutes, start=start)
    try:
        start = resolve.resolve(expr.start, now, tz)
    except Invalid as bad:  # "mulai jam 8": carry the proposal over to the rule
        if bad.suggestion is None:
            raise
        rule = RepeatRule(every_minutes=minutes, start=bad.suggestion)
        raise Invalid(bad.reason, bad.suggestion, rule) from None
    if not_after(start, now):
        raise Invalid(m.TIME_PAST.format(when=format_local(start, tz)))
    return RepeatRule(every_minutes=minutes, start=start)
