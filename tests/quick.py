"""Settings that send at once: no pacing, no send caps, no "typing..." and no start jitter.

Tests that are not about those use them, and so do the benchmarks that measure the bot's
own speed (a burst would otherwise take seconds, and a post due on the minute would go out
up to 15 s after it); tests/test_protect_defaults.py runs the defaults README documents."""

from __future__ import annotations

from typing import Any

from bot.ratecaps import Caps
from bot.settings import Settings

QUICK: dict[str, Any] = {
    "pacing_min_s": 0,
    "pacing_max_s": 0,
    "caps": Caps(0, 0, 0),
    "typing_max_s": 0,
    "start_jitter_s": 0,
}
# The same for a bot started as a process (python -m bot ...).
QUICK_ENV = {
    "JADWAL_PACING_MIN_S": "0",
    "JADWAL_PACING_MAX_S": "0",
    "JADWAL_MAX_PER_MINUTE": "0",
    "JADWAL_MAX_PER_HOUR": "0",
    "JADWAL_MAX_PER_DAY": "0",
    "JADWAL_TYPING_MAX_S": "0",
    "JADWAL_START_JITTER_S": "0",
}


def quick_settings(**values: Any) -> Settings:
    return Settings(**{**QUICK, **values})
