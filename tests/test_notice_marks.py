"""A notice to the owner that went out while its "sent" mark could not be written (the disk
filled) is never sent again: only the mark is retried, with the bounded backoff of
bot.faults, and it lands once the disk has room; /status shows the fault meanwhile.

Over a real Store whose commits fail as SQLite's do on a full disk (tests/diskfull.py), with
the virtual clock (tests/vclock.py) as the sender's clock and sleep.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.faults import MAX_RETRY_S
from bot.notices import NoticeSender
from bot.settings import Settings
from bot.store import Store
from bot.timefmt import to_utc_text
from tests.conftest import BotFactory, notice_rows
from tests.diskfull import under_full_disk
from tests.fakes import FakeTransport, eventually
from tests.vclock import VirtualClock

START = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
NOTICE = "Post #3 gagal dikirim ke Grup Demo A."
POLL_S = 5.0


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.db")
    yield opened
    await opened.close()


async def test_a_delivered_notice_is_not_resent_while_its_mark_fails(store: Store, tmp_path: Path):
    clock = VirtualClock(START)
    transport = FakeTransport()
    last_errors: list[str] = []

    async def record_error(text: str) -> None:  # App.record_error
        last_errors.append(text)

    sender = NoticeSender(store, transport, clock, record_error, poll_s=POLL_S, sleep=clock.sleep)
    await store.add_notice(NOTICE, START)
    disk = under_full_disk(store)
    refused_at: list[float] = []
    disk.on_refuse = lambda: refused_at.append(clock.elapsed)
    disk.full = True
    running = asyncio.create_task(sender.run())
    try:
        await clock.advance(100)
        # Sent at 0 s; the mark refused at 0 s and retried after 1, 2, 4, 8, 16, 30, 30 s.
        tries = sorted(set(refused_at))
        assert [b - a for a, b in itertools.pairwise(tries)] == [
            1.0,
            2.0,
            4.0,
            8.0,
            16.0,
            MAX_RETRY_S,
            MAX_RETRY_S,
        ]
        assert tries[0] == 0.0
        # Eight failed marks in twenty 5 s polls' worth of time: the notice went out once.
        assert transport.replies() == [NOTICE]
        assert last_errors == ["penyimpanan: disk penuh"]
        assert notice_rows(tmp_path / "bot.db") == [(NOTICE, None)]

        disk.full = False  # at 100 s; the next try is at 121 s
        await clock.advance(20)
        assert notice_rows(tmp_path / "bot.db") == [(NOTICE, None)]
        await clock.advance(1)
        # Marked with the time it went out (0 s), not the time the mark could be written.
        assert notice_rows(tmp_path / "bot.db") == [(NOTICE, to_utc_text(START))]
        refused = disk.refused
        await store.add_notice("berikutnya", clock())
        sender.wake()
        await clock.advance(600)
        assert transport.replies() == [NOTICE, "berikutnya"]
        assert disk.refused == refused and len(last_errors) == 1
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_a_mark_still_owed_at_shutdown_is_written_then(store: Store, tmp_path: Path):
    clock = VirtualClock(START)
    transport = FakeTransport()
    sender = NoticeSender(store, transport, clock, poll_s=POLL_S, sleep=clock.sleep)
    await store.add_notice(NOTICE, START)
    disk = under_full_disk(store)
    disk.full = True
    assert await sender.send_queued() == 1.0  # sent; the mark is retried in 1 s
    assert transport.replies() == [NOTICE]
    await sender.mark_delivered()  # still full: said in the log, nothing else
    assert notice_rows(tmp_path / "bot.db") == [(NOTICE, None)]
    disk.full = False
    await sender.mark_delivered()
    assert notice_rows(tmp_path / "bot.db") == [(NOTICE, to_utc_text(START))]
    assert await sender.send_queued() == POLL_S
    assert transport.replies() == [NOTICE]


@pytest.mark.usefixtures("quick_retries")
async def test_running_bot_sends_a_notice_once_while_the_disk_is_full(
    start_bot: BotFactory, settings: Settings
):
    transport = FakeTransport()
    transport.connected = False
    bot = await start_bot(transport=transport)
    await bot.app.notify_owner(NOTICE)  # queued while the link is down
    disk = under_full_disk(bot.app.store)
    disk.full = True
    transport.connected = True
    await eventually(lambda: disk.refused >= 6)
    assert transport.replies() == [NOTICE]
    status = await bot.say("/status")
    assert "\nError terakhir: penyimpanan: disk penuh (" in status

    disk.full = False
    await eventually(lambda: notice_rows(settings.db_path)[0][1] is not None)
    await bot.app.notify_owner("berikutnya")
    await eventually(lambda: len(transport.replies()) == 3)
    await asyncio.sleep(0.2)
    assert transport.replies() == [NOTICE, status, "berikutnya"]
    assert all(sent_at is not None for _, sent_at in notice_rows(settings.db_path))


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.faults.FIRST_RETRY_S", 0.01)
    monkeypatch.setattr("bot.faults.MAX_RETRY_S", 0.05)
    monkeypatch.setattr("bot.app._NOTICE_RETRY_S", 0.02)
