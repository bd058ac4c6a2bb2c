"""The send caps under a burst, and the owner's commands while they hold posts.

1. 1,000 posts due within one minute with every default that protects the number (caps
   5/min, 100/h, 800/day; pacing 3-6 s; "typing..."; start jitter): the real bot.app.App on
   the console transport, on a virtual clock (tests/vclock.py) that jumps from one wait to
   the next, so the day and more the caps spread the burst over takes ~3.5 real minutes.
   Reported: when the last post went out, posts lost (none may be), the most sends seen in
   any minute, hour and day (posts and the owner's late-posts summary both count; none may
   pass its cap), when the summary reached the owner, and the real time taken.
2. Reply time of /status and /antrian while 10,000 due posts wait for the caps, which are
   full (the day's 800 sends handed to the gate as after a restart), on the real clock.

Alone: `.venv/bin/python -m bench.capsburst` (prints the figures); `python -m bench` writes
them into BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loguru import logger

from bench.harness import OWNER, BenchBot, TimedConsole, summary
from bot import messages as m
from bot.app import App
from bot.models import PostContent, PostStatus, SentMessage
from bot.settings import Settings
from bot.transport.console import DEMO_GROUPS, ConsoleTransport
from tests.vclock import VirtualClock

Row = dict[str, object]
START = datetime(2026, 11, 23, 0, 55, tzinfo=UTC)  # Monday 07:55 WIB
DUE = START + timedelta(minutes=5)  # the burst falls due from 08:00:00 WIB on
WINDOWS = (
    ("minute", timedelta(minutes=1)),
    ("hour", timedelta(hours=1)),
    ("day", timedelta(days=1)),
)


class VirtualConsole(ConsoleTransport):
    """The console transport on the virtual clock, noting what it sends and when."""

    def __init__(self, data_dir: Path, clock: VirtualClock) -> None:
        super().__init__(
            data_dir, self_number=OWNER, stdin=io.StringIO(""), stdout=io.StringIO(), clock=clock
        )
        self.sent: list[tuple[datetime, str, int | None]] = []  # (at, chat, post id)

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        self.sent.append((self._clock(), chat, post_id))
        return await super().send_text(chat, text, post_id=post_id)


def most_in_window(times: Sequence[datetime], window: timedelta) -> int:
    """The most sends within any span shorter than `window` (what a cap of that window
    bounds: bot.ratecaps)."""
    ordered = sorted(times)
    most, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


async def _start_virtual(data: Path, clock: VirtualClock) -> tuple[App, VirtualConsole]:
    """App with the default settings, its scheduler and notice sender waiting on `clock`."""
    transport = VirtualConsole(data, clock)
    settings = Settings(data_dir=data, owners=(OWNER,))
    app = App(settings, transport, clock, sleep=clock.sleep, monotonic=lambda: clock.elapsed)
    await app.start()
    await app.state.set_destinations([DEMO_GROUPS[0]])
    return app, transport


async def burst(posts: int = 1_000, spread_s: int = 60) -> list[Row]:
    """`posts` due within `spread_s` seconds, on whole seconds (the first on the minute)."""
    began = time.perf_counter()
    clock = VirtualClock(START)
    group = DEMO_GROUPS[0]
    with tempfile.TemporaryDirectory() as tmp:
        app, transport = await _start_virtual(Path(tmp) / "data", clock)
        settings = app.settings
        due: dict[int | None, datetime] = {}
        for n in range(posts):
            at = DUE + timedelta(seconds=spread_s * n // posts)
            post = await app.store.add_post(
                at, PostContent(f"bench post {n}"), [(group.jid, group.name)]
            )
            due[post.id] = at
        assert app.services is not None
        app.services.queue_changed()
        owner = transport.owner_chat()

        def posted() -> list[tuple[datetime, int | None]]:
            return [(at, post_id) for at, chat, post_id in transport.sent if chat == group.jid]

        def told() -> list[datetime]:
            return [at for at, chat, _ in transport.sent if chat == owner]

        def any_late() -> bool:
            return any(at - due[post_id] > settings.late_notice for at, post_id in posted())

        async def all_out_and_told() -> None:
            while len(posted()) < posts or (any_late() and not told()):
                await clock.sleep(60)

        await clock.run(all_out_and_told(), limit_s=4 * 86_400)
        counts = await app.store.counts()
        await app.stop()
    real_s = time.perf_counter() - began
    sent = posted()
    ids = [post_id for _, post_id in sent]
    lost = posts - len(set(ids)) + (len(ids) - len(set(ids)))  # never sent, or sent twice
    assert counts[PostStatus.SENT] == posts and lost == 0, f"{counts}, {lost} lost"
    last_post = max(at for at, _ in sent)
    every = [at for at, _, _ in transport.sent]  # posts and notices: both count
    caps = settings.caps
    limits = {"minute": caps.per_minute, "hour": caps.per_hour, "day": caps.per_day}
    most = {name: most_in_window(every, window) for name, window in WINDOWS}
    assert all(most[name] <= limits[name] for name in most), f"{most} above caps {limits}"
    rows: list[Row] = [
        {
            "figure": f"{posts:,} posts due within one minute, default caps "
            f"{caps.per_minute}/min, {caps.per_hour}/h, {caps.per_day}/day, pacing, typing, "
            "start jitter: time until all out (virtual clock)",
            "unit": "h",
            **summary([(last_post - DUE).total_seconds() / 3600]),
        },
        {
            "figure": "same burst: posts lost (not sent, or sent twice)",
            "unit": "posts",
            **summary([lost]),
        },
    ]
    rows += [
        {
            "figure": f"same burst: most sends in any {name} (cap {limits[name]}; "
            f"{len(every):,} sends: the posts and the late-posts summary)",
            "unit": "sends",
            **summary([most[name]]),
        }
        for name, _ in WINDOWS
    ]
    if told():  # only when a post went out later than settings.late_notice
        rows.append(
            {
                "figure": "same burst: the late-posts summary reaches the owner, after the "
                "last post (it waits for the caps too)",
                "unit": "min",
                **summary([(min(told()) - last_post).total_seconds() / 60]),
            }
        )
    rows.append({"figure": "same burst: real time the run took", "unit": "s", **summary([real_s])})
    return rows


async def held_replies(pending: int = 10_000, rounds: int = 300) -> list[Row]:
    """Reply times while the caps hold `pending` due posts, on the real clock."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        transport = TimedConsole(data)
        app = App(Settings(data_dir=data, owners=(OWNER,)), transport)
        await app.start()
        group = DEMO_GROUPS[0]
        await app.state.set_destinations([group])
        bot = BenchBot(app, transport)
        now = datetime.now(UTC)
        caps = app.settings.caps
        # The day's 800 sends, one every 10 s up to now: every cap is full.
        app.gate.seed(now - timedelta(seconds=10 * k) for k in range(caps.per_day))
        first = now - timedelta(minutes=10)
        for n in range(pending):
            at = first + timedelta(minutes=10) * n / pending
            await app.store.add_post(
                at, PostContent(f"Post antrian {n}"), [(group.jid, group.name)]
            )
        assert app.services is not None
        app.services.queue_changed()
        await asyncio.sleep(0.5)  # the scheduler reaches the first due post and waits
        results: list[Row] = []
        last_reply: dict[str, str] = {}
        for command in ("/status", "/antrian"):
            for _ in range(10):  # warm-up
                await bot.reply_ms(command)
            samples = [await bot.reply_ms(command) for _ in range(rounds)]
            last_reply[command] = transport.handed[-1][2]
            results.append(
                {
                    "figure": f"reply time {command}, {pending:,} due posts held by the caps",
                    "unit": "ms",
                    **summary(samples),
                }
            )
        assert app.gate.hold_for_post(datetime.now(UTC)) is not None, "the caps stopped holding"
        await app.stop()
        outbox = [json.loads(line) for line in (data / "outbox.jsonl").read_text().splitlines()]
    assert not [r for r in outbox if r["chat"] == group.jid], "a held post went out"
    waiting = m.STATUS_WAITING.partition("{why}")[0].format(count=pending)
    assert waiting in last_reply["/status"], f"/status shows no held posts:\n{last_reply}"
    return results


async def run(posts: int = 1_000, pending: int = 10_000, rounds: int = 300) -> list[Row]:
    # The replies first: the virtual clock wraps aiosqlite's query calls once it exists.
    replies = await held_replies(pending, rounds)
    return [*await burst(posts), *replies]


def main() -> int:
    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    for row in asyncio.run(run()):
        cells = [
            f"{row[k]:.2f}" if isinstance(row[k], float) else str(row[k])
            for k in ("median", "p99", "max")
        ]
        print(f"{row['figure']}: n {row['n']}, median/p99/max {' / '.join(cells)} {row['unit']}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
