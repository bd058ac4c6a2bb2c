"""Bare hours: "jam 8", "jam 10", "pukul 7.30", "jam setengah 8", with no part of the day and
no am/pm. The rule (also in README, "Time expressions"):

An hour 1-12 written without a leading zero, and with minutes only as one digit ("7.30",
not "07.30" or "10.30", which are 24-hour), has two readings, h and h+12 ("jam 12": 12:00
and 00:00).
A reading from 23:00 to 03:59 is a night reading, one people rarely mean.

- No day named, or "hari ini"/"nanti": the sooner reading still ahead ("jam 3" at 09:44 is
  15:00; "jam 7" at 06:50 is 07:00; "hari ini"/"nanti" only look at today). If that is a night
  reading while the daytime one is ahead too, the bot asks, proposing the daytime one
  ("jam 12" at 20:00: 00:00 tonight, or 12:00 tomorrow?). With no day at all, the bot also
  asks when the other reading passed less than an hour ago: "jam 8" typed at 08:10 may be
  a late 08:00 rather than 20:00 (it proposes the sooner one and names the next day's).
- A day named ("besok jam 3", "senin jam 8", "3 hari lagi jam 9", every repeat): when only
  one reading is daytime it is meant ("besok jam 3" is 15:00, "besok jam 11" 11:00); when both
  are ("besok jam 8": 08:00 or 20:00), the bot asks, proposing the earlier and naming the
  other, unless only one of them is still ahead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.repeat import RepeatRule
from bot.timefmt import format_local
from bot.timeparse.clock import clock_value, is_night, part_name
from bot.timeparse.dates import not_after
from bot.timeparse.errors import Invalid, propose
from bot.timeparse.scan import Expr

JUST_PASSED = timedelta(hours=1)


@dataclass(frozen=True)
class _Reading:
    expr: Expr
    hour: int  # 24-hour, the part of the day it falls in
    when: datetime | None = None
    rule: RepeatRule | None = None
    error: Invalid | None = None

    @property
    def night(self) -> bool:
        return is_night(self.hour)


def applies(expr: Expr) -> bool:
    clock = expr.clock
    return clock is not None and clock.twelve and clock.ampm is None and not expr.parts


def _readings(expr: Expr) -> list[_Reading]:
    assert expr.clock is not None
    found = []
    for ampm in ("a", "p"):
        clock = replace(expr.clock, ampm=ampm, twelve=False)
        try:
            hour = clock_value(clock, ())[0]
        except Invalid as bad:  # "jam 8 lewat 75": no reading at all
            raise Invalid(bad.reason) from None
        found.append(_Reading(replace(expr, clock=clock, alt=None), hour))
    return found


def choose(
    expr: Expr, now: datetime, tz: ZoneInfo, resolve: Callable[[Expr, datetime, ZoneInfo], datetime]
) -> datetime:
    """The one-off moment a bare hour means, or Invalid asking which one."""
    readings = []
    for each in _readings(expr):
        try:
            readings.append(replace(each, when=resolve(each.expr, now, tz)))
        except Invalid as bad:
            readings.append(replace(each, error=bad))
    ahead = sorted(
        (r for r in readings if r.when is not None and not not_after(r.when, now)),
        key=lambda r: r.when or now,
    )
    day_ahead = [r for r in ahead if not r.night]
    if not expr.names_a_day:
        if not ahead:
            raise _failure(readings, tz)
        if ahead[0].night and day_ahead:
            raise _ask(expr, day_ahead[0], ahead[0], tz)
        if not expr.has_day and len(ahead) == 2 and _just_passed(ahead[1], now):
            raise _ask(expr, ahead[0], ahead[1], tz)
        assert ahead[0].when is not None
        return ahead[0].when
    daytime = [r for r in readings if not r.night]
    if len(daytime) == 1:
        if daytime[0].error is not None:
            raise daytime[0].error
        assert daytime[0].when is not None
        return daytime[0].when
    if len(day_ahead) == 2:
        raise _ask(expr, day_ahead[0], day_ahead[1], tz)
    if day_ahead:
        assert day_ahead[0].when is not None
        return day_ahead[0].when
    raise _failure(readings, tz)


def choose_rule(
    expr: Expr, now: datetime, tz: ZoneInfo, build: Callable[[Expr, datetime, ZoneInfo], RepeatRule]
) -> RepeatRule:
    """The repeat rule a bare hour means (a day is always named), or Invalid asking."""
    readings = []
    for each in _readings(expr):
        if each.night:
            continue
        try:
            rule = build(each.expr, now, tz)
            readings.append(replace(each, rule=rule, when=rule.next_after(now, tz)))
        except Invalid as bad:
            readings.append(replace(each, error=bad))
    done = [r for r in readings if r.rule is not None]
    if len(done) == 2:
        first, second = done
        assert first.rule is not None and second.rule is not None
        reason = m.TIME_TWELVE_HOUR.format(
            clock=_written(expr),
            first=first.rule.describe(tz),
            second=second.rule.describe(tz),
            example=_example(expr, second),
        )
        raise propose(reason, first.when, tz, repeat=first.rule)
    if done:
        assert done[0].rule is not None
        return done[0].rule
    assert readings[0].error is not None
    raise readings[0].error


def _ask(expr: Expr, proposed: _Reading, other: _Reading, tz: ZoneInfo) -> Invalid:
    assert proposed.when is not None and other.when is not None
    first, second = sorted((proposed.when, other.when))
    reason = m.TIME_TWELVE_HOUR.format(
        clock=_written(expr),
        first=format_local(first, tz),
        second=format_local(second, tz),
        example=_example(expr, other),
    )
    return propose(reason, proposed.when, tz)


def _just_passed(reading: _Reading, now: datetime) -> bool:
    """The reading's clock showed less than an hour ago (its next time is a day later)."""
    assert reading.when is not None
    return timedelta(0) <= now - (reading.when - timedelta(days=1)) < JUST_PASSED


def _failure(readings: list[_Reading], tz: ZoneInfo) -> Invalid:
    """Neither reading is ahead: the error of the later daytime one."""
    last = [r for r in readings if not r.night][-1]
    if last.error is not None:
        return last.error
    assert last.when is not None
    return Invalid(m.TIME_PAST.format(when=format_local(last.when, tz)))


def _written(expr: Expr) -> str:
    assert expr.clock is not None
    return expr.clock.text or f"jam {expr.clock.hour}"


def _example(expr: Expr, other: _Reading) -> str:
    return f"{_written(expr)} {part_name(other.hour)}"
