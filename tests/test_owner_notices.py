"""The owner is told, once, in order, even across a dropped link or a restart; posts missed
while the bot was down (or disconnected) give one summary, not one message per post."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import PostContent, PostStatus
from bot.settings import Settings
from bot.store import Store
from bot.transport.base import TransportError
from tests.conftest import SATURDAY_EVENING, BotFactory, Clock, notice_rows
from tests.fakes import GROUPS, FakeTransport, eventually

DEMO_A = GROUPS[0]


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    # The notice sender re-checks the link every 5 s and the scheduler every 1 s; the same
    # code paths, polled faster.
    monkeypatch.setattr("bot.app._NOTICE_RETRY_S", 0.02)
    monkeypatch.setattr("bot.scheduler._CONNECTION_POLL_S", 0.02)


def names(text: str, post_id: int) -> bool:
    return re.search(rf"#{post_id}(?!\d)", text) is not None


async def seed(settings: Settings, dues: list[datetime], text: str = "p{n}") -> list[int]:
    """Queue posts straight into the DB, as an earlier run would have left them."""
    store = await Store.open(settings.db_path)
    try:
        return [
            (
                await store.add_post(
                    due, PostContent(text.format(n=n)), [(DEMO_A.jid, DEMO_A.name)]
                )
            ).id
            for n, due in enumerate(dues)
        ]
    finally:
        await store.close()


# --- durable notices ----------------------------------------------------------------------


async def test_notices_wait_for_the_connection_then_go_once_in_order(
    start_bot: BotFactory, settings: Settings
):
    transport = FakeTransport()
    transport.connected = False
    bot = await start_bot(transport=transport)
    for text in ("satu", "dua", "tiga"):
        await bot.app.notify_owner(text)
    await asyncio.sleep(0.2)
    assert transport.sent == []
    assert notice_rows(settings.db_path) == [("satu", None), ("dua", None), ("tiga", None)]

    transport.connected = True
    await eventually(lambda: len(transport.replies()) >= 3)
    await asyncio.sleep(0.2)
    assert transport.replies() == ["satu", "dua", "tiga"]
    rows = notice_rows(settings.db_path)
    assert [text for text, _ in rows] == ["satu", "dua", "tiga"]
    assert all(sent_at is not None for _, sent_at in rows)


async def test_notice_retried_after_a_failed_send(start_bot: BotFactory, settings: Settings):
    transport = FakeTransport()
    transport.fail_replies_with = TransportError("timeout", transient=True)
    bot = await start_bot(transport=transport)
    await bot.app.notify_owner("coba lagi")
    await asyncio.sleep(0.2)
    assert transport.sent == []
    assert notice_rows(settings.db_path) == [("coba lagi", None)]
    transport.fail_replies_with = None
    await eventually(lambda: transport.replies())
    await asyncio.sleep(0.1)
    assert transport.replies() == ["coba lagi"]


async def test_notice_survives_a_restart(start_bot: BotFactory, settings: Settings):
    first_link = FakeTransport()
    first = await start_bot(transport=first_link)
    await first.app.notify_owner("sudah terkirim")
    await eventually(lambda: first_link.replies())
    first_link.connected = False
    await first.app.notify_owner("tertahan")
    await asyncio.sleep(0.1)
    await first.app.stop()
    assert first_link.replies() == ["sudah terkirim"]
    assert notice_rows(settings.db_path)[-1] == ("tertahan", None)

    second_link = FakeTransport()
    await start_bot(transport=second_link)
    await eventually(lambda: second_link.replies())
    await asyncio.sleep(0.2)
    assert second_link.replies() == ["tertahan"]  # the earlier one is not repeated


async def test_interrupted_post_reported_once_after_a_late_connection(
    start_bot: BotFactory, settings: Settings
):
    clock = Clock(SATURDAY_EVENING)
    [post_id] = await seed(settings, [SATURDAY_EVENING + timedelta(minutes=5)])
    store = await Store.open(settings.db_path)
    # What a crash between the claim and the send leaves behind:
    assert await store.move(post_id, PostStatus.SENDING, expect=PostStatus.PENDING)
    await store.close()

    clock.advance(minutes=10)
    offline = FakeTransport()
    offline.connected = False
    second = await start_bot(clock=clock, transport=offline)
    await asyncio.sleep(0.2)
    assert offline.sent == []
    stored = await second.app.store.get_post(post_id)
    assert stored is not None and stored.status is PostStatus.UNCERTAIN
    [(text, sent_at)] = notice_rows(settings.db_path)
    assert sent_at is None and names(text, post_id)

    offline.connected = True
    await eventually(lambda: offline.replies())
    await asyncio.sleep(0.2)
    assert offline.posts() == []  # never resent blindly
    [notice] = offline.replies()
    assert names(notice, post_id) and f"/ulang {post_id}" in notice
    assert "belum pasti" in notice
    await second.app.stop()

    third_link = FakeTransport()
    third = await start_bot(clock=clock, transport=third_link)
    await asyncio.sleep(0.2)
    assert third_link.sent == []  # told once, not on every start
    stored = await third.app.store.get_post(post_id)
    assert stored is not None and stored.status is PostStatus.UNCERTAIN


async def test_several_interrupted_posts_share_one_notice(
    start_bot: BotFactory, settings: Settings
):
    ids = await seed(settings, [SATURDAY_EVENING + timedelta(minutes=n) for n in range(3)])
    store = await Store.open(settings.db_path)
    for post_id in ids:
        assert await store.move(post_id, PostStatus.SENDING, expect=PostStatus.PENDING)
    await store.close()
    bot = await start_bot(clock=Clock(SATURDAY_EVENING + timedelta(minutes=5)))
    await eventually(lambda: bot.transport.replies())
    await asyncio.sleep(0.2)
    [notice] = bot.transport.replies()
    assert all(names(notice, i) and f"/ulang {i}" in notice for i in ids)
    assert bot.transport.posts() == []


# --- missed while down --------------------------------------------------------------------


async def test_thirty_missed_posts_one_summary_naming_each(
    start_bot: BotFactory, settings: Settings
):
    ids = await seed(settings, [SATURDAY_EVENING + timedelta(minutes=n) for n in range(30)])
    bot = await start_bot(clock=Clock(SATURDAY_EVENING + timedelta(days=1)))
    await eventually(lambda: bot.transport.replies())
    await asyncio.sleep(0.2)
    [summary] = bot.transport.replies()
    assert summary.startswith("30 post terlewat")
    assert all(names(summary, i) for i in ids)
    assert "/ulang" in summary
    assert bot.transport.posts() == []
    assert {p.status for p in await bot.app.store.all_posts()} == {PostStatus.MISSED}


async def test_burst_mixing_late_and_too_late_posts(start_bot: BotFactory, settings: Settings):
    now = SATURDAY_EVENING
    # alternating: even n three hours late (beyond the 2 h grace), odd n one hour late
    dues = [now - timedelta(hours=3 if n % 2 == 0 else 1) + timedelta(seconds=n) for n in range(20)]
    ids = await seed(settings, dues)
    too_late = ids[0::2]
    late = ids[1::2]
    bot = await start_bot(clock=Clock(now))
    await eventually(lambda: len(bot.transport.posts()) >= 10 and bot.transport.replies())
    await asyncio.sleep(0.2)
    assert [s.post_id for s in bot.transport.posts()] == late  # in due order, once each
    await eventually(lambda: len(bot.transport.replies()) == 2)
    # One summary of what was not sent, one of what went out late: each names only its own.
    summary, late_summary = bot.transport.replies()
    assert summary.startswith("10 post terlewat")
    assert all(names(summary, i) for i in too_late)
    assert not any(names(summary, i) for i in late)
    assert late_summary.startswith("10 post terkirim terlambat")
    assert all(names(late_summary, i) for i in late)
    assert not any(names(late_summary, i) for i in too_late)
    statuses = {p.id: p.status for p in await bot.app.store.all_posts()}
    assert statuses == {i: PostStatus.MISSED if i in too_late else PostStatus.SENT for i in ids}


async def test_grace_judged_when_the_connection_returns(start_bot: BotFactory, settings: Settings):
    clock = Clock(SATURDAY_EVENING)
    still_ok, too_late = await seed(
        settings,
        [
            SATURDAY_EVENING - timedelta(minutes=30),  # 1 h 15 min late when the link returns
            SATURDAY_EVENING - timedelta(minutes=90),  # 2 h 15 min late: beyond the grace
        ],
    )
    transport = FakeTransport()
    transport.connected = False
    bot = await start_bot(clock=clock, transport=transport)
    await asyncio.sleep(0.2)
    assert transport.sent == []
    statuses = {p.id: p.status for p in await bot.app.store.all_posts()}
    assert statuses == {still_ok: PostStatus.PENDING, too_late: PostStatus.PENDING}

    clock.advance(minutes=45)  # the link stayed down
    transport.connected = True
    await eventually(lambda: transport.posts() and transport.replies())
    await asyncio.sleep(0.2)
    assert [s.post_id for s in transport.posts()] == [still_ok]
    await eventually(lambda: len(transport.replies()) == 2)
    summary, late_summary = transport.replies()
    assert summary.startswith("1 post terlewat") and names(summary, too_late)
    assert late_summary.startswith("1 post terkirim terlambat") and names(late_summary, still_ok)
    statuses = {p.id: p.status for p in await bot.app.store.all_posts()}
    assert statuses == {still_ok: PostStatus.SENT, too_late: PostStatus.MISSED}


async def test_zero_grace_still_sends_a_post_due_while_running(
    start_bot: BotFactory, settings: Settings
):
    bot = await start_bot(settings_=replace(settings, grace=timedelta(0)))
    post = await bot.app.store.add_post(
        datetime.now(UTC) + timedelta(seconds=0.2),
        PostContent("Tepat"),
        [(DEMO_A.jid, DEMO_A.name)],
    )
    bot.services.queue_changed()
    await eventually(lambda: bot.transport.sent)
    await asyncio.sleep(0.1)
    stored = await bot.app.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.SENT
    assert [s.post_id for s in bot.transport.posts()] == [post.id]
