"""Clock times a daylight-saving change skips or repeats, in a zone that has one.

Indonesia's zones have no DST, but the bot's zone can be any IANA zone (/zona). When the
clocks go forward, 02:30 does not exist that night; when they go back, 02:30 happens twice.
Either way the phrase is refused with a proposal, never silently moved.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.timefmt import format_local
from bot.timeparse.dates import day_text, not_after
from bot.timeparse.errors import propose


def check(when: datetime, now: datetime, tz: ZoneInfo) -> None:
    """Raise Invalid if the wall-clock time `when` (fold 0, in its own zone) is skipped or
    repeated there; the proposal is shown in `tz`."""
    zone = when.tzinfo
    assert isinstance(zone, ZoneInfo)
    instant = when.astimezone(UTC).astimezone(zone)
    day = day_text(when.date())
    if instant.replace(tzinfo=None) != when.replace(tzinfo=None):  # the clock jumps over it
        raise propose(
            m.TIME_DST_GAP.format(
                hhmm=f"{when:%H:%M}", day=day, zone=zone.key, moved=f"{instant:%H:%M}"
            ),
            None if not_after(instant, now) else instant,
            tz,
        )
    first, second = when.replace(fold=0), when.replace(fold=1)
    if first.utcoffset() != second.utcoffset():  # the clock goes back over it
        ahead = [each for each in (first, second) if not not_after(each, now)]
        raise propose(
            m.TIME_DST_TWICE.format(
                hhmm=f"{when:%H:%M}",
                day=day,
                zone=zone.key,
                first=format_local(first, tz),
                second=format_local(second, tz),
            ),
            ahead[0] if ahead else None,
            tz,
        )
