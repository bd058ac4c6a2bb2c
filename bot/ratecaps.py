"""Send caps per minute, hour and day over sliding windows: when the next send may go.

A cap of c per window L means: no span of length L ever holds more than c sends, i.e. for
the sorted send times s, s[i + c] - s[i] >= L. So a new send at x is allowed once
x >= (the c-th most recent send) + L, and only the last c sends of each window matter: the
limiter keeps those and nothing else (memory bounded by the caps, O(1) per call when sends
are recorded in order). Times are aware datetimes on the wall clock (UTC), the same clock
the database stores send times in, so `seed` can rebuild the state after a restart.
"""

from __future__ import annotations

import bisect
import heapq
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.digits import is_number

# baileys-antiban's conservative preset (DESIGN.md "Sending safely"): 5/min, 100/h, 800/day.
DEFAULT_PER_MINUTE = 5
DEFAULT_PER_HOUR = 100
DEFAULT_PER_DAY = 800
OFF_WORDS = ("off", "mati", "0")


class Period(Enum):
    MINUTE = timedelta(minutes=1)
    HOUR = timedelta(hours=1)
    DAY = timedelta(days=1)


@dataclass(frozen=True)
class Cap:
    period: Period
    limit: int

    @property
    def reserve(self) -> int:
        """Sends of an hour's or a day's window that posts leave to the owner's notices (a
        pause, a missed-posts summary), so that those are not held for hours behind a full
        cap: a fiftieth of the cap (2 of 100 an hour, 16 of 800 a day). None of a minute's:
        a notice waits at most a minute for that."""
        return 0 if self.period is Period.MINUTE else self.limit // 50


@dataclass(frozen=True)
class Caps:
    """How many sends each window allows; 0 = no cap for that window."""

    per_minute: int = DEFAULT_PER_MINUTE
    per_hour: int = DEFAULT_PER_HOUR
    per_day: int = DEFAULT_PER_DAY

    def __post_init__(self) -> None:
        if min(self.per_minute, self.per_hour, self.per_day) < 0:
            raise ValueError("a cap cannot be negative")

    @classmethod
    def parse(cls, per_minute: str | None, per_hour: str | None, per_day: str | None) -> Caps:
        """Caps from the raw JADWAL_MAX_PER_MINUTE / _PER_HOUR / _PER_DAY values.

        None or blank: the default; "0", "off", "mati": no cap. Raises ValueError naming
        every bad value."""
        problems: list[str] = []
        values = []
        for name, raw, default in (
            ("JADWAL_MAX_PER_MINUTE", per_minute, DEFAULT_PER_MINUTE),
            ("JADWAL_MAX_PER_HOUR", per_hour, DEFAULT_PER_HOUR),
            ("JADWAL_MAX_PER_DAY", per_day, DEFAULT_PER_DAY),
        ):
            try:
                values.append(parse_cap(raw, default))
            except ValueError:
                problems.append(f"{name}={raw!r}: use a whole number >= 0 (0 or 'off' = no cap)")
        if problems:
            raise ValueError("; ".join(problems))
        return cls(*values)

    def active(self) -> tuple[Cap, ...]:
        """The caps in force, shortest window first."""
        pairs = (
            (Period.MINUTE, self.per_minute),
            (Period.HOUR, self.per_hour),
            (Period.DAY, self.per_day),
        )
        return tuple(Cap(period, limit) for period, limit in pairs if limit > 0)


def parse_cap(raw: str | None, default: int) -> int:
    text = (raw or "").strip().lower()
    if not text:
        return default
    if text in OFF_WORDS:
        return 0
    if not is_number(text):  # no sign, no decimals
        raise ValueError(raw)
    return int(text)


class RateLimiter:
    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        # Per cap, the times of the last `limit` sends, oldest first.
        self._recent = {cap: deque[datetime]() for cap in caps.active()}

    def next_free(self, now: datetime, *, reserve: bool = False) -> datetime:
        """The earliest moment >= now at which one more send keeps every cap. `reserve`:
        for a send that must leave each cap's reserve (Cap.reserve) free, as posts do."""
        _require_aware(now)
        return max([now, *(at for cap in self._recent if (at := self._free_at(cap, reserve)))])

    def holding(self, now: datetime, *, reserve: bool = False) -> Cap | None:
        """The cap that holds a send back at `now` (the one freeing last); None if free."""
        _require_aware(now)
        held = [
            (at, cap) for cap in self._recent if (at := self._free_at(cap, reserve)) and at > now
        ]
        return max(held, key=lambda pair: pair[0])[1] if held else None

    def used(self, cap: Cap, now: datetime) -> int:
        """How many sends fall in the window of `cap` ending at `now` (at most its limit;
        0 for a cap not in force)."""
        start = now - cap.period.value
        return sum(1 for sent in self._recent.get(cap, ()) if sent > start)

    def record(self, sent_at: datetime) -> None:
        """A send went at `sent_at` (normally the newest; an older one is slotted in)."""
        _require_aware(sent_at)
        for cap, recent in self._recent.items():
            if not recent or sent_at >= recent[-1]:
                recent.append(sent_at)
            elif len(recent) < cap.limit or sent_at > recent[0]:
                # Out of order (clock step, a late seed): O(limit), rare.
                recent.insert(bisect.bisect_right(recent, sent_at), sent_at)
            else:
                continue  # older than every send kept: it no longer matters
            if len(recent) > cap.limit:
                recent.popleft()

    def seed(self, times: Iterable[datetime]) -> None:
        """Add stored send times (any order, any number) after a restart; keeps only the
        last sends each cap needs, reading `times` once."""
        largest = max((cap.limit for cap in self._recent), default=0)
        for sent_at in sorted(heapq.nlargest(largest, times)):
            self.record(sent_at)

    def _free_at(self, cap: Cap, reserve: bool) -> datetime | None:
        """When the window of `cap` lets one more send through (one that keeps the reserve,
        if `reserve`); None: it already does."""
        recent = self._recent[cap]
        allowed = cap.limit - cap.reserve if reserve else cap.limit
        if len(recent) < allowed:
            return None
        # The allowed-th most recent send leaves the window first.
        return recent[len(recent) - allowed] + cap.period.value


def _require_aware(moment: datetime) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware one (UTC)")
