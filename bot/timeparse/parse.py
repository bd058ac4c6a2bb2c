"""The moment (or repeat rule) at the front of a phrase, and the post text: what
bot.timeparse.parse_schedule answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.repeat import RepeatRule
from bot.timefmt import format_local
from bot.timeparse import fallback, grammar, rules, twelve
from bot.timeparse.dates import not_after
from bot.timeparse.errors import Invalid, propose
from bot.timeparse.resolve import resolve
from bot.timeparse.result import ParseResult
from bot.timeparse.scan import Expr

MAX_AHEAD = timedelta(days=366 * 5)


def read_schedule(
    phrase: str, now: datetime, tz: ZoneInfo, *, typed_at: datetime | None = None
) -> ParseResult:
    """bot.timeparse.parse_schedule."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if typed_at is None:
        return _as_of(phrase, now, tz)
    parsed = _as_of(phrase, typed_at, tz)
    if parsed.when is None or not not_after(parsed.when, now):
        return parsed
    # Right when typed, past by now: read it as of now for the usual refusal.
    current = _as_of(phrase, now, tz)
    if current.error or current.when is None:
        # The reading as typed told the time from the text: keep that split, so that a
        # proposal made now carries the post's text.
        return replace(current, text=parsed.text, expression=parsed.expression)
    if parsed.rule is not None and current.rule == parsed.rule:
        return current  # the same repeating rule; it starts at its next occurrence
    past = propose(
        m.TIME_PAST.format(when=format_local(parsed.when, tz)), current.when, tz, current.repeat
    )
    return replace(parsed, when=None, error=past.reason, suggestion=past.suggestion)


def _as_of(phrase: str, now: datetime, tz: ZoneInfo) -> ParseResult:
    """The phrase read as of `now`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    stripped = phrase.lstrip()
    local_now = now.astimezone(tz)
    expr = grammar.read(stripped)
    # dateparser may read what the grammar does not know, or a day the grammar read with
    # a clock it could not find ("Friday the 27th at 9am"); never what it refused.
    if expr is None or _only_a_day(expr):
        found = fallback.read(stripped, local_now, tz, MAX_AHEAD)
        if found is not None:
            return _checked(found[0], None, stripped, found[1], now, tz)
    if expr is None or expr.refused:
        head = m.echo(" ".join(stripped.split()[:3])) or "(kosong)"
        return ParseResult(None, stripped, m.TIME_UNREADABLE.format(head=head))
    try:
        expr, when, rule = _read(expr, local_now, tz)
    except _Refused as refused:
        expr, bad = refused.expr, refused.invalid
    except Invalid as invalid:
        bad = invalid
    else:
        return _checked(when, rule, stripped, expr.end, now, tz)
    # refused: with the proposed reading, if any, and the post that goes with it
    suggestion = bad.suggestion.astimezone(tz) if bad.suggestion else None
    return ParseResult(
        None,
        stripped[expr.end :].lstrip(),
        bad.reason,
        suggestion=suggestion,
        rule=bad.rule if suggestion else None,
        expression=stripped[: expr.end],
    )


class _Refused(Exception):
    """`invalid`, about the reading `expr` (not the one first read)."""

    def __init__(self, expr: Expr, invalid: Invalid) -> None:
        super().__init__(invalid.reason)
        self.expr = expr
        self.invalid = invalid


def _read(expr: Expr, now: datetime, tz: ZoneInfo) -> tuple[Expr, datetime, RepeatRule | None]:
    """The expression's moment and rule. A capitalised part of the day after the clock is
    the post's first word instead when with it the time is impossible ("jam 20 Pagi tadi
    hujan"), or when it follows a 24-hour clock and changes nothing ("besok 08:00 Pagi ini
    kita rapat"); after a 24-hour clock, one that changes the moment is asked about ("besok
    08:00 Malam ini kita rapat"). After a bare hour ("jam 7 Malam") it is time: it says
    which of two readings is meant."""
    if expr.then_day is not None:
        return _clock_then_day(expr, now, tz)
    if expr.alt is None or twelve.applies(expr.alt):  # no alternative, or a bare hour
        return (expr, *_moment(expr, now, tz))
    try:
        when, rule = _moment(expr, now, tz)
    except Invalid:
        try:
            return (expr.alt, *_moment(expr.alt, now, tz))
        except Invalid:
            pass
        raise
    try:
        alt_when, alt_rule = _moment(expr.alt, now, tz)
    except Invalid:
        return expr, when, rule
    if (alt_when, alt_rule) == (when, rule):
        return expr.alt, when, rule
    raise _Refused(expr.alt, _part_or_text(expr, when, rule, alt_when, alt_rule, tz))


def _clock_then_day(
    expr: Expr, now: datetime, tz: ZoneInfo
) -> tuple[Expr, datetime, RepeatRule | None]:
    """ "19:00 Besok kita rapat": the capitalised day may start the post. Read without it when
    the day changes nothing; else asked, proposing the reading with the day."""
    day = expr.then_day
    assert day is not None
    try:
        second, _ = _moment(day, now, tz)
    except Invalid as bad:
        raise _Refused(day, bad) from None
    try:
        first, _ = _moment(replace(expr, then_day=None, alt=None), now, tz)
    except Invalid:
        return day, second, None
    if first == second:
        return expr, first, None
    raise _Refused(
        day,
        propose(
            m.TIME_CLOCK_BEFORE_DAY.format(
                first=format_local(first, tz), second=format_local(second, tz)
            ),
            second,
            tz,
        ),
    )


def _part_or_text(
    expr: Expr,
    when: datetime,
    rule: RepeatRule | None,
    alt_when: datetime,
    alt_rule: RepeatRule | None,
    tz: ZoneInfo,
) -> Invalid:
    assert expr.clock is not None and expr.alt is not None
    word = expr.parts[-1]
    with_part = rule.describe(tz) if rule else format_local(when, tz)
    without = alt_rule.describe(tz) if alt_rule else format_local(alt_when, tz)
    reason = m.TIME_PART_OR_TEXT.format(
        clock=expr.clock.text,
        word=word,
        with_part=with_part,
        without=without,
        hhmm=f"{when.astimezone(tz):%H:%M}",
    )
    return propose(reason, alt_when, tz, repeat=alt_rule)


def _moment(expr: Expr, now: datetime, tz: ZoneInfo) -> tuple[datetime, RepeatRule | None]:
    if expr.other_zone:
        raise Invalid(m.TIME_UNKNOWN_ZONE.format(zone=expr.other_zone))
    if expr.repeat:
        rule = rules.repeat_rule(expr, now, tz)
        return rule.next_after(now, tz), rule
    return resolve(expr, now, tz), None


def _checked(
    when: datetime, rule: RepeatRule | None, stripped: str, end: int, now: datetime, tz: ZoneInfo
) -> ParseResult:
    text = stripped[end:].lstrip()
    expression = stripped[:end]
    if not_after(when, now):
        return ParseResult(
            None, text, m.TIME_PAST.format(when=format_local(when, tz)), expression=expression
        )
    if when.astimezone(UTC) - now.astimezone(UTC) > MAX_AHEAD:
        return ParseResult(
            None, text, m.TIME_TOO_FAR.format(when=format_local(when, tz)), expression=expression
        )
    return ParseResult(
        when.astimezone(tz),
        text,
        repeat=rule.describe(tz) if rule else None,
        rule=rule,
        expression=expression,
    )


def _only_a_day(expr: Expr) -> bool:
    return (
        expr.has_day
        and expr.clock is None
        and not expr.minggu_depan
        and not expr.refused
        and not expr.problem
    )
