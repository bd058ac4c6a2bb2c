"""SIGTERM in the middle of a paced burst: the console bot exits 0, the post in hand is
finished (or released), nothing is left 'sending', and a restart sends the rest once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from bot.models import PostContent, PostStatus
from bot.settings import Settings
from bot.store import Store
from bot.transport.whatsapp.errors import send_error
from tests.conftest import BotFactory
from tests.crashkit import (
    ROOT,
    bot_env,
    group_records,
    read_outbox,
    read_posts,
    seed_queue,
    wait_until,
)
from tests.fakes import GROUPS, FakeTransport

POSTS = 20


class PacedBot:
    def __init__(self, data_dir: Path, cwd: Path, run: int) -> None:
        env = bot_env()
        env["JADWAL_PACING_MIN_S"] = "0.1"
        env["JADWAL_PACING_MAX_S"] = "0.15"
        self._err: IO[bytes] = (cwd / f"run-{run}.stderr").open("wb")
        self.stderr_path = cwd / f"run-{run}.stderr"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--data-dir", str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._err,
            cwd=ROOT,
            env=env,
        )

    def wait(self, timeout: float = 20.0) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdin is not None and not self.proc.stdin.closed:
                self.proc.stdin.close()
            self._err.close()

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


def deliveries(outbox: Path) -> list[dict[str, Any]]:
    records, broken = read_outbox(outbox)
    assert broken == []
    return group_records(records)


def spin_until_deliveries(
    outbox: Path, count: int, proc: subprocess.Popen[bytes], timeout: float = 15.0
) -> None:
    """Return the moment the outbox holds `count` deliveries (no sleep: the signal should land
    as close as possible to a send, with its post still in hand)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the bot exited early"
        if outbox.exists() and outbox.read_bytes().count(b"@g.us") >= count:
            return
    raise AssertionError(f"fewer than {count} deliveries in time")


def test_sigterm_during_a_burst_then_restart(tmp_path: Path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    texts = [f"Burst {n:02d}" for n in range(1, POSTS + 1)]
    seed_queue(data_dir, texts, datetime.now(UTC) - timedelta(seconds=1), timedelta(0))
    outbox = data_dir / "outbox.jsonl"
    db = data_dir / "bot.db"

    first = PacedBot(data_dir, tmp_path, 1)
    try:
        spin_until_deliveries(outbox, 3, first.proc)
        first.proc.send_signal(signal.SIGTERM)
    finally:
        code = first.wait()
    assert code == 0, first.stderr()
    log = (data_dir / "logs" / "jadwal-bot.log").read_text()
    assert "shutting down (signal)" in log and "jadwal-bot stopped" in log

    sent = deliveries(outbox)
    sent_ids = [r["post_id"] for r in sent]
    assert 3 <= len(sent_ids) < POSTS, "the signal did not land mid-burst"
    assert sent_ids == list(range(1, len(sent_ids) + 1))  # in order, none twice
    posts = read_posts(db)
    statuses = Counter(p.status for p in posts)
    assert statuses["sending"] == 0 and statuses["uncertain"] == 0, statuses
    for post in posts:
        expected = "sent" if post.id in sent_ids else "pending"
        assert post.status == expected, (post, sent_ids)
    by_id = {p.id: p for p in posts}
    assert all(by_id[r["post_id"]].wa_message_id == r["id"] for r in sent)
    records, _ = read_outbox(outbox)
    assert [r for r in records if r not in sent] == []  # no notice: nothing went wrong

    second = PacedBot(data_dir, tmp_path, 2)
    try:
        assert wait_until(lambda: len(deliveries(outbox)) >= POSTS, timeout=15, interval=0.05)
        time.sleep(0.3)  # a resend, if any, would show up now
        assert second.proc.stdin is not None
        second.proc.stdin.close()  # end of input: the console bot exits by itself
    finally:
        code = second.wait()
    assert code == 0, second.stderr()
    final = deliveries(outbox)
    assert [r["post_id"] for r in final] == list(range(1, POSTS + 1))
    assert [r["text"] for r in final] == texts
    posts = read_posts(db)
    assert {p.status for p in posts} == {"sent"}
    by_id = {p.id: p for p in posts}
    assert all(by_id[r["post_id"]].wa_message_id == r["id"] for r in final)
    records, _ = read_outbox(outbox)
    assert len(records) == POSTS  # and still no message to the owner


# --- in process: the post in hand when the stop comes ----------------------------------------


async def stored_after_stop(settings: Settings, post_id: int) -> tuple[str, list[Any]]:
    store = await Store.open(settings.db_path)
    try:
        post = await store.get_post(post_id)
        assert post is not None
        return post.status, await store.events(post_id)
    finally:
        await store.close()


async def test_stop_during_a_retry_wait_releases_the_post(
    start_bot: BotFactory, settings: Settings
):
    transport = FakeTransport()
    transport.fail_with = send_error("504 gateway timeout", True)  # transient: retried in ~2 s
    bot = await start_bot(transport=transport)
    post = await bot.app.store.add_post(
        datetime.now(UTC), PostContent("Ditahan"), [(GROUPS[0].jid, GROUPS[0].name)]
    )
    bot.services.queue_changed()
    deadline = time.monotonic() + 3
    while "sending" not in [e[2] for e in await bot.app.store.events(post.id)]:
        assert time.monotonic() < deadline, "never claimed"
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # the first attempt failed: now in the first retry wait
    started = time.monotonic()
    await bot.app.stop()
    assert time.monotonic() - started < 1.0  # the wait was cut short, not sat out
    status, events = await stored_after_stop(settings, post.id)
    assert status == PostStatus.PENDING
    assert [(e[1], e[2], e[3]) for e in events][1:] == [
        ("pending", "sending", "due"),
        ("sending", "pending", "shutdown during a retry wait"),
    ]
    assert transport.sent == []

    second = await start_bot(transport=FakeTransport())  # the link is fine again
    deadline = time.monotonic() + 3
    while not second.transport.posts():
        assert time.monotonic() < deadline, "never sent after the restart"
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    assert [s.post_id for s in second.transport.posts()] == [post.id]
    assert second.transport.replies() == []  # nothing uncertain, nothing failed


async def test_stop_while_waiting_for_the_connection(start_bot: BotFactory, settings: Settings):
    transport = FakeTransport()
    transport.connected = False
    bot = await start_bot(transport=transport)
    post = await bot.app.store.add_post(
        datetime.now(UTC), PostContent("Menunggu"), [(GROUPS[0].jid, GROUPS[0].name)]
    )
    bot.services.queue_changed()
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await bot.app.stop()
    assert time.monotonic() - started < 1.0
    status, events = await stored_after_stop(settings, post.id)
    assert status == PostStatus.PENDING and [e[2] for e in events] == ["pending"]
