"""A burst under the default pacing: 1,000 posts due in the same minute.

The pacer is the real one (bot.pacing.Pacer, 3-6 s uniform jitter by default) driven on a
virtual clock, so an hour of pacing is measured in milliseconds; the send itself is charged
the median time a console send takes (measured by bench/lateness.py, ~2 ms).
"""

from __future__ import annotations

import random

from bench.harness import summary
from bot.pacing import Pacer
from bot.settings import Settings

SEND_S = 0.002


async def _burst(posts: int, seed: int, min_s: float, max_s: float) -> tuple[float, float]:
    now = 0.0

    async def nap(seconds: float) -> bool:
        nonlocal now
        now += seconds
        return True

    pacer = Pacer(min_s, max_s, nap, monotonic=lambda: now, rng=random.Random(seed))
    due_spread_s = 60.0  # due times spread over one minute, in order
    last_late = 0.0
    for n in range(posts):
        due = due_spread_s * n / posts
        now = max(now, due)
        await pacer.wait_turn()
        now += SEND_S
        pacer.sent()
        last_late = now - due
    return now, last_late


async def run(posts: int = 1_000, seeds: int = 20) -> list[dict[str, object]]:
    defaults = Settings()
    results = [
        await _burst(posts, seed, defaults.pacing_min_s, defaults.pacing_max_s)
        for seed in range(seeds)
    ]
    return [
        {
            "figure": f"{posts:,} posts due within one minute, default pacing "
            f"{defaults.pacing_min_s:g}-{defaults.pacing_max_s:g} s: time until all out",
            "unit": "min",
            **summary([total / 60 for total, _ in results]),
        },
        {
            "figure": f"same burst: lateness of the last post (grace is "
            f"{defaults.grace.total_seconds() / 3600:g} h)",
            "unit": "min",
            **summary([late / 60 for _, late in results]),
        },
    ]
