"""Due posts go out once, on time; cancelled never; restarts keep the queue and its policy."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.models import PostContent, PostStatus, SentMessage
from bot.settings import Settings
from bot.store import Store
from bot.transport.base import TransportError
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import GROUPS, OWNER_CHAT, FakeTransport, eventually

DEMO_A = GROUPS[0]


def real_now() -> datetime:
    return datetime.now(UTC)


async def add(bot: Bot, due: datetime, text: str) -> int:
    post = await bot.app.store.add_post(due, PostContent(text), [(DEMO_A.jid, DEMO_A.name)])
    bot.services.queue_changed()
    return int(post.id)


async def test_due_post_is_delivered_once_within_a_second(start_bot: BotFactory):
    bot = await start_bot()
    due = real_now() + timedelta(seconds=0.3)
    post_id = await add(bot, due, "Selamat pagi")
    await eventually(lambda: bot.transport.posts())
    sent = bot.transport.posts()
    assert [(s.chat, s.text) for s in sent] == [(DEMO_A.jid, "Selamat pagi")]
    lateness = sent[0].at - due
    assert timedelta(0) <= lateness < timedelta(seconds=1)
    await asyncio.sleep(0.4)
    assert len(bot.transport.posts()) == 1
    post = await bot.app.store.get_post(post_id)
    assert post is not None and post.status is PostStatus.SENT
    assert post.wa_message_id and post.wa_message_id.startswith("wa-")
    events = [e[2] for e in await bot.app.store.events(post_id)]
    assert events == ["pending", "sending", "sent"]


async def test_cancelled_post_is_never_delivered(start_bot: BotFactory):
    bot = await start_bot()
    await bot.say("/tujuan Grup Demo A")
    await bot.say("/jadwal dalam 1 detik Jangan kirim")
    await bot.say("/jadwal dalam 1 detik Kirim")
    assert (await bot.say("/batal 1")).startswith("#1 dibatalkan")
    await eventually(lambda: bot.transport.posts())
    await asyncio.sleep(0.3)
    assert [s.text for s in bot.transport.posts()] == ["Kirim"]
    first = await bot.app.store.get_post(1)
    assert first is not None and first.status is PostStatus.CANCELLED


async def test_posts_due_together_go_out_in_order(start_bot: BotFactory):
    bot = await start_bot()
    due = real_now() + timedelta(seconds=0.2)
    for n in range(5):
        await add(bot, due + timedelta(milliseconds=n % 2), f"post {n}")
    await eventually(lambda: len(bot.transport.posts()) == 5)
    assert [s.text for s in bot.transport.posts()] == [
        "post 0",
        "post 2",
        "post 4",
        "post 1",
        "post 3",
    ]


async def test_image_post_is_sent_as_image(start_bot: BotFactory):
    bot = await start_bot()
    name = bot.services.media.save(b"\xff\xd8\xff" + b"1" * 10, "image/jpeg")
    await bot.app.store.add_post(
        real_now(),
        PostContent("caption", media_path=name, media_mime="image/jpeg"),
        [(DEMO_A.jid, DEMO_A.name)],
    )
    bot.services.queue_changed()
    await eventually(lambda: bot.transport.posts())
    sent = bot.transport.posts()[0]
    assert sent.image == bot.app.settings.media_dir / name and sent.text == "caption"


async def test_failed_send_is_recorded_and_owner_told(start_bot: BotFactory):
    transport = FakeTransport()
    transport.fail_with = TransportError("grup tidak ditemukan")
    bot = await start_bot(transport=transport)
    post_id = await add(bot, real_now(), "Halo")
    await eventually(lambda: any("gagal" in r for r in transport.replies()))
    assert transport.replies()[-1] == (
        "Post #1 gagal dikirim ke Grup Demo A: grup tidak ditemukan\nKirim ulang dengan /ulang 1"
    )
    post = await bot.app.store.get_post(post_id)
    assert post is not None and post.status is PostStatus.FAILED
    assert post.last_error == "grup tidak ditemukan"
    recorded = await bot.app.store.get_setting("last_error")
    assert recorded == "post #1 (Grup Demo A): grup tidak ditemukan"


async def test_missing_media_fails_the_post_not_the_bot(start_bot: BotFactory):
    bot = await start_bot()
    await bot.app.store.add_post(
        real_now(),
        PostContent("x", media_path="gone.jpg", media_mime="image/jpeg"),
        [(DEMO_A.jid, DEMO_A.name)],
    )
    await add(bot, real_now() + timedelta(milliseconds=50), "after")
    await eventually(lambda: bot.transport.posts())
    assert [s.text for s in bot.transport.posts()] == ["after"]
    post = await bot.app.store.get_post(1)
    assert post is not None and post.status is PostStatus.FAILED
    assert "foto" in (post.last_error or "")


async def test_restart_keeps_queue_and_applies_overdue_policy(
    start_bot: BotFactory, settings: Settings
):
    clock = Clock(SATURDAY_EVENING)
    first = await start_bot(clock=clock)
    await first.say("/tujuan Grup Demo A")
    await first.say("/jadwal dalam 10 menit Terlewat jauh")  # 3 h 50 min late at restart
    await first.say("/jadwal dalam 3 jam Telat sedikit")  # 1 h late: within grace
    await first.say("/jadwal besok 08:00 Masih nanti")
    await first.app.stop()
    assert first.transport.posts() == []

    clock.advance(hours=4)  # the bot was down for four hours
    transport = FakeTransport()
    second = await start_bot(clock=clock, transport=transport)
    await eventually(lambda: transport.posts() and transport.replies())
    await asyncio.sleep(0.1)
    assert [s.text for s in transport.posts()] == ["Telat sedikit"]
    summaries = [r for r in transport.replies() if "terlewat" in r]
    assert len(summaries) == 1
    assert "1 post terlewat" in summaries[0] and "#1 " in summaries[0]
    statuses = {p.id: p.status for p in await second.app.store.all_posts()}
    assert statuses == {1: PostStatus.MISSED, 2: PostStatus.SENT, 3: PostStatus.PENDING}
    later = await second.app.store.get_post(3)
    assert later is not None and later.due_at == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    assert [g.name for g in second.app.state.destinations] == ["Grup Demo A"]


async def test_many_missed_posts_give_one_summary(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)
    first = await start_bot(clock=clock)
    for n in range(150):
        await first.app.store.add_post(
            SATURDAY_EVENING + timedelta(minutes=n + 1),
            PostContent(f"p{n}"),
            [(DEMO_A.jid, DEMO_A.name)],
        )
    await first.app.stop()
    clock.advance(days=1)
    transport = FakeTransport()
    await start_bot(clock=clock, transport=transport)
    await eventually(lambda: transport.replies())
    await asyncio.sleep(0.2)
    assert len(transport.replies()) == 1
    assert transport.replies()[0].startswith("150 post terlewat")
    assert "juga: #21 #22 " in transport.replies()[0]
    assert transport.replies()[0].count("#") == 150  # every missed post is named
    assert transport.posts() == []


async def test_post_interrupted_while_sending_is_not_resent(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)
    first = await start_bot(clock=clock)
    post = await first.app.store.add_post(
        SATURDAY_EVENING + timedelta(hours=1), PostContent("x"), [(DEMO_A.jid, DEMO_A.name)]
    )
    # What a crash between claim and send leaves behind:
    assert await first.app.store.move(post.id, PostStatus.SENDING, expect=PostStatus.PENDING)
    await first.app.stop()
    clock.advance(hours=1)
    transport = FakeTransport()
    second = await start_bot(clock=clock, transport=transport)
    await asyncio.sleep(0.2)
    assert transport.posts() == []
    assert [s.chat for s in transport.sent] == [OWNER_CHAT]
    assert "#1" in transport.replies()[0] and "belum pasti" in transport.replies()[0]
    stored = await second.app.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.UNCERTAIN


async def test_stop_lets_the_post_in_hand_finish(start_bot: BotFactory, settings: Settings):
    transport = FakeTransport()
    release = asyncio.Event()
    original = transport.send_text

    async def slow_send(chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        if chat != OWNER_CHAT:
            await release.wait()
        return await original(chat, text, post_id=post_id)

    transport.send_text = slow_send  # type: ignore[method-assign]
    bot = await start_bot(transport=transport)
    for n in range(3):
        await add(bot, real_now(), f"p{n}")
    await asyncio.sleep(0.1)  # p0 is now being sent
    stopping = asyncio.create_task(bot.app.stop())
    await asyncio.sleep(0.05)
    release.set()
    await stopping
    assert [s.text for s in transport.posts()] == ["p0"]
    store = await Store.open(settings.db_path)
    statuses = [p.status for p in await store.all_posts()]
    await store.close()
    assert statuses == [PostStatus.SENT, PostStatus.PENDING, PostStatus.PENDING]


async def test_zero_grace_marks_any_late_post_missed(start_bot: BotFactory, settings: Settings):
    clock = Clock(SATURDAY_EVENING)
    bot = await start_bot(clock=clock, settings_=replace(settings, grace=timedelta(0)))
    await bot.app.store.add_post(
        SATURDAY_EVENING - timedelta(seconds=1), PostContent("late"), [(DEMO_A.jid, DEMO_A.name)]
    )
    bot.services.queue_changed()
    await eventually(lambda: bot.transport.replies())
    assert bot.transport.posts() == []
    assert bot.transport.replies()[0].startswith("1 post terlewat")
