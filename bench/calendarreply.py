"""Reply time of /kalender with a month full of pending posts, and its parts alone: the month
query and drawing the PNG."""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.harness import OWNER, BenchBot, TimedConsole, summary
from bot.app import App
from bot.calendarimage import render_month
from bot.models import PostContent, SentMessage
from bot.monthplan import days_in, next_month
from bot.transport.console import DEMO_GROUPS
from tests.quick import quick_settings


class ImageTimedConsole(TimedConsole):
    """Also notes when an image is handed over: the /kalender reply is one."""

    async def send_image(
        self, chat: str, image: Path, caption: str, *, post_id: int | None = None
    ) -> SentMessage:
        self.handed.append((time.perf_counter(), chat, caption))
        return await super().send_image(chat, image, caption, post_id=post_id)


async def _start(data_dir: Path) -> BenchBot:
    settings = quick_settings(data_dir=data_dir, owners=(OWNER,))
    transport = ImageTimedConsole(data_dir)
    app = App(settings, transport)
    await app.start()
    return BenchBot(app, transport)


async def run(pending: int = 10_000, rounds: int = 50) -> list[dict[str, object]]:
    """`pending` posts spread over next month (so none falls due while measuring), each to
    one of the demo groups and every fifth to a second one too."""
    with tempfile.TemporaryDirectory() as tmp:
        bot = await _start(Path(tmp) / "data")
        assert bot.app.services is not None
        tz = bot.app.services.tz
        today = datetime.now(tz).date()
        year, month = next_month(today.year, today.month)
        start = datetime(year, month, 1, tzinfo=tz)
        step = timedelta(days=days_in(year, month)) / pending
        groups = [(g.jid, g.name) for g in DEMO_GROUPS]
        for n in range(pending):
            chosen = [groups[n % len(groups)]]
            if n % 5 == 0:
                chosen.append(groups[(n + 1) % len(groups)])
            await bot.app.store.add_post(start + n * step, PostContent(f"Post {n}"), chosen)
        command = "/kalender depan"
        for _ in range(3):  # warm-up: fonts loaded, pages cached
            await bot.reply_ms(command)
        replies = [await bot.reply_ms(command) for _ in range(rounds)]
        bot.transport.drain_output()
        query_ms: list[float] = []
        render_ms: list[float] = []
        for _ in range(rounds):
            began = time.perf_counter()
            plan = await bot.app.store.month_plan(year, month, tz, today)
            query_ms.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            png = render_month(plan)
            render_ms.append((time.perf_counter() - began) * 1000)
        await bot.app.stop()
    assert plan.total == pending + -(-pending // 5), "every delivery is counted"
    size = f"{pending:,} pending"
    return [
        {"figure": f"reply time /kalender (image), {size}", "unit": "ms", **summary(replies)},
        {"figure": f"/kalender month query alone, {size}", "unit": "ms", **summary(query_ms)},
        {
            "figure": f"/kalender PNG drawing alone ({len(png) // 1024} kB)",
            "unit": "ms",
            **summary(render_ms),
        },
    ]
