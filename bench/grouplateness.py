"""How late each group of a post to five groups gets it, pacing off: the groups go one by one,
each claimed, sent and recorded on its own."""

from __future__ import annotations

import asyncio
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import BenchBot, summary
from bot.models import PostContent
from bot.transport.console import DEMO_GROUPS

GROUPS = [(g.jid, g.name) for g in DEMO_GROUPS] + [
    ("120363400000000004@g.us", "Grup Bench 4"),
    ("120363400000000005@g.us", "Grup Bench 5"),
]


async def run(posts: int = 50, spread_s: float = 10.0) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        bot = await BenchBot.start(data)
        first = datetime.now(UTC) + timedelta(seconds=2)
        due: dict[str, datetime] = {}
        for n in range(posts):
            at = first + timedelta(seconds=spread_s * n / posts)
            text = f"bench post {n}"
            await bot.app.store.add_post(at, PostContent(text), GROUPS)
            due[text] = at
        assert bot.app.services is not None
        bot.app.services.queue_changed()
        outbox = data / "outbox.jsonl"
        wanted = posts * len(GROUPS)
        deadline = first + timedelta(seconds=spread_s + 10)
        delivered: list[dict[str, str]] = []
        while datetime.now(UTC) < deadline:
            await asyncio.sleep(0.5)
            lines = outbox.read_text().splitlines() if outbox.exists() else []
            delivered = [r for r in map(json.loads, lines) if r["chat"].endswith("@g.us")]
            if len(delivered) >= wanted:
                break
        await bot.app.stop()
        pairs = {(r["text"], r["chat"]) for r in delivered}
        assert len(pairs) == len(delivered) == wanted, f"{len(delivered)} delivered of {wanted}"

        def late_ms(record: dict[str, str]) -> float:
            return (
                datetime.fromisoformat(record["at"]) - due[record["text"]]
            ).total_seconds() * 1000

        last = GROUPS[-1][0]
        return [
            {
                "figure": f"lateness of each group, {posts} posts to 5 groups, pacing off",
                "unit": "ms",
                **summary([late_ms(r) for r in delivered]),
            },
            {
                "figure": f"lateness of the 5th group, {posts} posts to 5 groups, pacing off",
                "unit": "ms",
                **summary([late_ms(r) for r in delivered if r["chat"] == last]),
            },
        ]
