"""Human-looking timing: how long to show "typing" before a post, and a small random delay
for posts due on the minute, so sends do not all land at hh:mm:00 (DESIGN.md, "Sending
safely": typing time that grows with the text; random gaps)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

TYPING_BASE_S = 1.0
TYPING_PER_CHAR_S = 0.04  # 25 characters a second: 100 characters type in about 5 s
TYPING_MAX_S = 8.0
TYPING_SPREAD = 0.25  # +-25 % around the computed time
START_JITTER_MAX_S = 15.0


class Uniform(Protocol):
    """A random source: random.Random, or a fixed one in tests."""

    def uniform(self, a: float, b: float) -> float: ...


def typing_seconds(
    text: str,
    rng: Uniform,
    *,
    base_s: float = TYPING_BASE_S,
    per_char_s: float = TYPING_PER_CHAR_S,
    max_s: float = TYPING_MAX_S,
    spread: float = TYPING_SPREAD,
) -> float:
    """Seconds of "typing" before sending `text`: base + per character, varied by +-spread,
    never above `max_s` (0 = no typing at all)."""
    if max_s <= 0:
        return 0.0
    plain = base_s + per_char_s * len(text.strip())
    varied = plain * rng.uniform(1 - spread, 1 + spread)
    return min(max(varied, 0.0), max_s)


def start_jitter(due: datetime, rng: Uniform, max_s: float = START_JITTER_MAX_S) -> datetime:
    """When a post due at `due` actually starts: a random 0..max_s seconds later when it is
    due on a whole minute (as every post the owner schedules by clock time is); never
    earlier than asked. max_s 0 = off; a due time with seconds is kept as it is."""
    if max_s <= 0 or due.second or due.microsecond:
        return due
    return due + timedelta(seconds=rng.uniform(0.0, max_s))
