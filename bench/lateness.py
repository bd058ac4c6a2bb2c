"""How late due posts go out: posts spread over a window, delivered by the real scheduler."""

from __future__ import annotations

import asyncio
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import BenchBot, summary
from bot.models import PostContent
from bot.transport.console import DEMO_GROUPS


async def run(posts: int = 1_000, spread_s: float = 60.0) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        bot = await BenchBot.start(data)
        group = DEMO_GROUPS[0]
        first = datetime.now(UTC) + timedelta(seconds=2)
        due: dict[str, datetime] = {}
        for n in range(posts):
            at = first + timedelta(seconds=spread_s * n / posts)
            text = f"bench post {n}"
            await bot.app.store.add_post(at, PostContent(text), [(group.jid, group.name)])
            due[text] = at
        assert bot.app.services is not None
        bot.app.services.queue_changed()
        outbox = data / "outbox.jsonl"
        deadline = first + timedelta(seconds=spread_s + 10)
        delivered: list[dict[str, str]] = []
        while datetime.now(UTC) < deadline:
            await asyncio.sleep(0.5)
            lines = outbox.read_text().splitlines() if outbox.exists() else []
            delivered = [r for r in map(json.loads, lines) if r["chat"] == group.jid]
            if len(delivered) >= posts:
                break
        await bot.app.stop()
        late_ms = [
            (datetime.fromisoformat(r["at"]) - due[r["text"]]).total_seconds() * 1000
            for r in delivered
        ]
        texts = [r["text"] for r in delivered]
        assert len(texts) == len(set(texts)) == posts, f"{len(texts)} delivered of {posts}"
        return [
            {
                "figure": f"lateness of due posts, {posts:,} spread over {spread_s:.0f} s",
                "unit": "ms",
                **summary(late_ms),
            }
        ]
