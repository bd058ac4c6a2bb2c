"""A phrase refused: the reason in Indonesian, and the likely reading when there is one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.timefmt import format_local

if TYPE_CHECKING:
    from bot.repeat import RepeatRule


class Invalid(Exception):
    """A phrase that names a time we will not guess at: the reason, and maybe a proposal
    (`suggestion`, for a repeating post also the proposed `rule`, whose first time it is)."""

    def __init__(
        self, reason: str, suggestion: datetime | None = None, rule: RepeatRule | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion
        self.rule = rule


def propose(
    reason: str,
    suggestion: datetime | None,
    tz: ZoneInfo,
    rule: str | None = None,
    *,
    repeat: RepeatRule | None = None,
) -> Invalid:
    """`reason`, and the likely reading when there is one: '... Maksudnya Minggu, 22 Nov ...?'

    For a repeating post, `repeat` is the proposed rule (or `rule` its words) and `suggestion`
    its first time.
    """
    if suggestion is None:
        return Invalid(reason)
    when = format_local(suggestion, tz)
    words = repeat.describe(tz) if repeat is not None else rule
    if words is not None:
        when = m.TIME_SUGGEST_RULE.format(rule=words, when=when)
    return Invalid(reason + m.TIME_SUGGEST.format(when=when), suggestion, repeat)
