"""Signs that WhatsApp is restricting the number, and the pause they call for.

Signals: a send refused with code 429 (rate-overlimit) or 463 (reach-out timelock); a burst
of send failures; a storm of disconnects. Each starts a pause; consecutive pauses double in
length up to a cap, and the ladder goes back to the first step after a quiet period with
no pause.

The code is read from TransportError.code, which the transport sets from what the server
answered (the WhatsApp transport: bot/transport/whatsapp/errors.py send_error); this module
never reads a library's error texts.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.timefmt import from_utc_text, to_utc_text
from bot.transport.base import TransportError

RATE_LIMITED_CODE = 429
TIMELOCK_CODE = 463


class Signal(Enum):
    RATE_LIMITED = "rate_limited"  # 429 rate-overlimit
    REACHOUT_TIMELOCK = "reachout_timelock"  # 463
    FAILURE_BURST = "failure_burst"
    DISCONNECT_STORM = "disconnect_storm"


_CODE_SIGNALS = {RATE_LIMITED_CODE: Signal.RATE_LIMITED, TIMELOCK_CODE: Signal.REACHOUT_TIMELOCK}


def classify(error: BaseException) -> Signal | None:
    """RATE_LIMITED or REACHOUT_TIMELOCK when the failure carries code 429 or 463; None for
    an ordinary failure. The code is that of the first TransportError with one, looking at
    `error` and then at the exceptions behind it (its cause, or its unsuppressed context)."""
    for current in _chain(error):
        if isinstance(current, TransportError) and current.code is not None:
            return _CODE_SIGNALS.get(current.code)
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if current.__cause__ is not None or current.__suppress_context__:
            current = current.__cause__
        else:
            current = current.__context__


@dataclass(frozen=True)
class Pause:
    signal: Signal
    since: datetime
    until: datetime
    step: int  # 0 for the first pause of a run, 1 for the next, ...
    detail: str = ""  # the error text, or how many failures / disconnects in how long

    def to_text(self) -> str:
        """Compact JSON for the settings table (times as UTC storage text)."""
        return json.dumps(
            {
                "signal": self.signal.value,
                "since": to_utc_text(self.since),
                "until": to_utc_text(self.until),
                "step": self.step,
                "detail": self.detail,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_text(cls, text: str) -> Pause:
        """Raises ValueError for anything to_text did not write."""
        try:
            data = json.loads(text)
            return cls(
                Signal(data["signal"]),
                from_utc_text(data["since"]),
                from_utc_text(data["until"]),
                int(data["step"]),
                str(data["detail"]),
            )
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a stored pause: {text[:200]!r}") from exc


@dataclass(frozen=True)
class GuardConfig:
    first_pause: timedelta = timedelta(minutes=15)
    max_pause: timedelta = timedelta(hours=24)
    quiet_reset: timedelta = timedelta(hours=6)  # no pause for this long: back to step 0
    burst_failures: int = 3  # failures in a row (no send succeeding between) ...
    burst_window: timedelta = timedelta(minutes=10)  # ... within this long
    storm_disconnects: int = 5
    storm_window: timedelta = timedelta(minutes=10)

    def pause_length(self, step: int) -> timedelta:
        if step >= 32:  # 2**32 times anything useful is past any cap
            return self.max_pause
        return min(self.first_pause * (2**step), self.max_pause)


class RestrictionGuard:
    """Turns send outcomes and disconnects into pauses. Every call takes the time it
    happened, so the guard is pure state; the caller holds sends while paused."""

    def __init__(self, config: GuardConfig | None = None) -> None:
        self.config = config or GuardConfig()
        self._failures: deque[datetime] = deque(maxlen=max(1, self.config.burst_failures))
        self._disconnects: deque[datetime] = deque(maxlen=max(1, self.config.storm_disconnects))
        self._pause: Pause | None = None
        self._step = 0  # the step of the next pause
        self._last_end: datetime | None = None  # when the last pause ended (or was lifted)

    def on_send_failure(self, now: datetime, error: BaseException) -> Pause | None:
        """A send failed. A 429/463 pauses at once; other failures count toward a burst.

        Failures for want of a connection (TransportError.disconnected: nothing was sent)
        count toward nothing; disconnects are counted by on_disconnect."""
        if self.paused_until(now) is not None:
            return None
        signal = classify(error)
        if signal is not None:
            return self._start(now, signal, _innermost(error))
        if isinstance(error, TransportError) and error.disconnected:
            return None
        return self._count(
            self._failures,
            now,
            self.config.burst_failures,
            self.config.burst_window,
            Signal.FAILURE_BURST,
        )

    def on_send_ok(self, now: datetime) -> None:
        """A send went through: the failures before it were not a burst (one group gone,
        say, while the others work)."""
        self._failures.clear()

    def on_disconnect(self, now: datetime) -> Pause | None:
        """An established connection was lost (not a failed reconnect attempt)."""
        if self.paused_until(now) is not None:
            return None
        return self._count(
            self._disconnects,
            now,
            self.config.storm_disconnects,
            self.config.storm_window,
            Signal.DISCONNECT_STORM,
        )

    def paused_until(self, now: datetime) -> datetime | None:
        pause = self.active(now)
        return pause.until if pause else None

    def active(self, now: datetime) -> Pause | None:
        """The pause in force at `now`, if any."""
        if self._pause is not None and now < self._pause.until:
            return self._pause
        return None

    def resume(self, now: datetime) -> Pause | None:
        """The owner lifts the pause (/lanjut). The ladder is kept: the next signal pauses
        for longer, unless a quiet period passes first. Returns the pause lifted."""
        pause = self.active(now)
        if pause is not None:
            self._pause = None
            self._last_end = now
        return pause

    def restore(self, pause: Pause) -> None:
        """Take up a pause stored before a restart."""
        self._pause = pause
        self._last_end = pause.until
        self._step = pause.step + 1

    def _count(
        self, seen: deque[datetime], now: datetime, limit: int, window: timedelta, signal: Signal
    ) -> Pause | None:
        if limit <= 0:
            return None
        seen.append(now)
        if len(seen) >= limit and now - seen[0] <= window:
            span = int((now - seen[0]).total_seconds())
            return self._start(now, signal, f"{limit} within {span} s")
        return None

    def _start(self, now: datetime, signal: Signal, detail: str) -> Pause:
        if self._pause is not None and self._pause.until <= now:
            self._last_end = self._pause.until  # it ran out by itself
        if self._last_end is not None and now - self._last_end >= self.config.quiet_reset:
            self._step = 0
        until = now + self.config.pause_length(self._step)
        self._pause = Pause(signal, now, until, self._step, detail)
        self._step += 1
        self._failures.clear()
        self._disconnects.clear()
        return self._pause


def _innermost(error: BaseException) -> str:
    """The text of the last exception in the chain: the library's own words, when the
    transport kept them as the cause."""
    *_, last = _chain(error)
    return str(last).strip()
