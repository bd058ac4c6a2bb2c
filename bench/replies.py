"""Reply time of /jadwal, /antrian and /status with a large pending queue."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import BenchBot, summary
from bot.models import PostContent
from bot.transport.console import DEMO_GROUPS


async def run(pending: int = 10_000, rounds: int = 300) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        bot = await BenchBot.start(Path(tmp) / "data")
        group = DEMO_GROUPS[0]
        start = datetime.now(UTC) + timedelta(days=2)
        insert_ms: list[float] = []
        for n in range(pending):
            began = time.perf_counter()
            await bot.app.store.add_post(
                start + timedelta(minutes=n),
                PostContent(f"Post antrian {n}"),
                [(group.jid, group.name)],
            )
            insert_ms.append((time.perf_counter() - began) * 1000)
        results: list[dict[str, object]] = []
        for label, command in (
            ("/jadwal", "/jadwal besok 08:00 Selamat pagi semua"),
            ("/antrian", "/antrian"),
            ("/antrian (last page)", f"/antrian {(pending + rounds) // 10}"),
            ("/status", "/status"),
        ):
            for _ in range(10):  # warm-up
                await bot.reply_ms(command)
            samples = [await bot.reply_ms(command) for _ in range(rounds)]
            bot.transport.drain_output()
            results.append(
                {
                    "figure": f"reply time {label}, {pending:,} pending",
                    "unit": "ms",
                    **summary(samples),
                }
            )
        await bot.app.stop()
        results.append(
            {
                "figure": f"store one post (committed), queue growing to {pending:,}",
                "unit": "ms",
                **summary(insert_ms),
            }
        )
        return results
