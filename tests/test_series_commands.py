"""A repeating post is one thing for the owner: its series id (the first occurrence's) and the
id of any occurrence name the whole series in /antrian, /batal, /ubah, /lihat and /kirim."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot import messages as m
from bot.models import PostStatus
from bot.transport.base import TransportError
from tests.conftest import Bot, BotFactory, Clock
from tests.fakes import JPEG, OWNER_CHAT, Sent, eventually, make_message

WIB = ZoneInfo("Asia/Jakarta")
MONDAY_BEFORE_NINE = datetime(2026, 11, 23, 8, 59, 59, 500000, tzinfo=WIB)
WEDNESDAY_NINE = datetime(2026, 11, 25, 9, 0, tzinfo=WIB)
GONE = "grup tidak ditemukan"


async def statuses(bot: Bot) -> list[tuple[int, PostStatus, str]]:
    return [(p.id, p.status, p.text) for p in await bot.app.store.all_posts()]


async def due(bot: Bot, clock: Clock, count: int, **delta: float) -> None:
    """Move the clock to the next occurrence and wait until there are `count` posts."""
    clock.advance(**delta)
    bot.services.queue_changed()
    for _ in range(300):
        if len(await bot.app.store.all_posts()) == count:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    assert len(await bot.app.store.all_posts()) == count


@pytest.fixture
async def daily(start_bot: BotFactory) -> tuple[Bot, Clock]:
    """Series #1, every day 09:00: #1 sent on Monday, #2 failed on Tuesday, #3 pending for
    Wednesday 09:00. The clock is Tuesday, 09:00:00.5 WIB."""
    clock = Clock(MONDAY_BEFORE_NINE)
    bot = await start_bot(clock=clock)
    await bot.say("/tujuan Grup Demo A")
    await bot.say("/jadwal setiap hari 09:00 Selamat pagi")
    await due(bot, clock, 2, seconds=1)
    bot.transport.fail_with = TransportError(GONE)
    await due(bot, clock, 3, days=1)
    bot.transport.fail_with = None
    assert [(i, s) for i, s, _ in await statuses(bot)] == [
        (1, PostStatus.SENT),
        (2, PostStatus.FAILED),
        (3, PostStatus.PENDING),
    ]
    return bot, clock


async def exchange(bot: Bot, text: str) -> list[Sent]:
    before = len(bot.transport.sent)
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(make_message(text, timestamp=bot.clock()))
    return [s for s in bot.transport.sent[before:] if s.chat == OWNER_CHAT]


async def test_the_queue_shows_a_series_once_under_its_id(daily: tuple[Bot, Clock]):
    bot, _ = daily
    # the failed occurrence queued again for later today: two pending occurrences
    assert await bot.app.store.move(
        2,
        PostStatus.PENDING,
        expect=PostStatus.FAILED,
        due_at=WEDNESDAY_NINE.replace(day=24, hour=18),
    )
    await bot.say("/jadwal besok 08:00 Rapat RT")
    assert [(i, s) for i, s, _ in await statuses(bot)][1:] == [
        (2, PostStatus.PENDING),
        (3, PostStatus.PENDING),
        (4, PostStatus.PENDING),
    ]
    assert (await bot.say("/antrian")).splitlines() == [
        m.QUEUE_HEADER.format(total=2, page=1, pages=1),
        "#1 Sel 24 Nov 18:00 -> Grup Demo A",
        "   [setiap hari 09:00] Selamat pagi",
        "#4 Rab 25 Nov 08:00 -> Grup Demo A",
        "   Rapat RT",
    ]


@pytest.mark.parametrize("named", ["1", "#2", "3"])  # the series id, or any occurrence's
async def test_cancel_stops_the_series(daily: tuple[Bot, Clock], named: str):
    bot, clock = daily
    reply = await bot.say(f"/batal {named}")
    assert reply == (
        m.CANCELLED.format(id=1, when="Rabu, 25 Nov 2026 09:00 WIB", dest="Grup Demo A")
        + "\n"
        + m.SERIES_STOPPED.format(id=1, rule="setiap hari 09:00")
    )
    assert [(i, s) for i, s, _ in await statuses(bot)] == [
        (1, PostStatus.SENT),
        (2, PostStatus.FAILED),
        (3, PostStatus.CANCELLED),
    ]
    assert [e[3] for e in await bot.app.store.events(3)][-1] == "series stopped by owner"
    clock.advance(days=2)  # past Wednesday and Thursday 09:00: nothing more
    bot.services.queue_changed()
    await asyncio.sleep(0.2)
    assert len(await bot.app.store.all_posts()) == 3
    assert len(bot.transport.posts()) == 1
    assert await bot.say("/batal 1") == m.SERIES_ALREADY_STOPPED.format(id=1)
    assert await bot.say("/antrian") == m.QUEUE_EMPTY


async def test_move_changes_only_the_next_occurrence(daily: tuple[Bot, Clock]):
    bot, _ = daily
    reply = await bot.say("/ubah 1 besok 10:00")
    assert reply == (
        "#1 dipindah ke Rabu, 25 Nov 2026 10:00 WIB -> Grup Demo A\n"
        + m.SERIES_MOVED.format(rule="setiap hari 09:00")
        + "\n\u201cSelamat pagi\u201d"
    )
    third = await bot.app.store.get_post(3)
    assert third is not None and third.due_at == WEDNESDAY_NINE.replace(hour=10)
    assert third.repeat_rule is not None  # still the series' rule


async def test_new_text_for_the_coming_occurrences(daily: tuple[Bot, Clock]):
    bot, clock = daily
    reply = await bot.say("/ubah 2 teks Selamat siang\nsemua")
    assert reply == m.SERIES_TEXT_CHANGED.format(id=1) + "\n\u201cSelamat siang \u2026\u201d"
    assert [t for _, _, t in await statuses(bot)] == [
        "Selamat pagi",
        "Selamat pagi",
        "Selamat siang\nsemua",
    ]
    await due(bot, clock, 4, days=1)  # Wednesday's goes out; Thursday's copies the new text
    rows = await statuses(bot)
    assert rows[2][1] is PostStatus.SENT and rows[3] == (
        4,
        PostStatus.PENDING,
        "Selamat siang\nsemua",
    )
    assert bot.transport.posts()[-1].text == "Selamat siang\nsemua"


async def test_show_a_series(daily: tuple[Bot, Clock]):
    bot, _ = daily
    sent = await exchange(bot, "/lihat 3")
    assert [s.text for s in sent[:-1]] == ["Selamat pagi"]  # the post as it will look
    assert sent[-1].text.splitlines() == [
        m.SERIES_HEADER.format(id=1, rule="setiap hari 09:00", dest="Grup Demo A"),
        m.SERIES_NEXT.format(when="Rabu, 25 Nov 2026 09:00 WIB", ordinal="#1 ke-3", post=3),
        m.SERIES_PAST,
        "  #1 ke-1 terkirim Sen 23 Nov 09:00",
        f"  #1 ke-2 gagal Sel 24 Nov 09:00 ({GONE})" + m.SERIES_RETRY.format(post=2),
    ]
    await bot.say("/batal 1")
    stopped = await exchange(bot, "/lihat 1")
    assert m.SERIES_ALREADY_STOPPED.format(id=1) in stopped[-1].text.splitlines()
    assert "  #1 ke-3 dibatalkan Rab 25 Nov 09:00" in stopped[-1].text.splitlines()


async def test_send_now_sends_the_next_occurrence(daily: tuple[Bot, Clock]):
    bot, _ = daily
    assert await bot.say("/kirim 1") == m.SENDING_NOW.format(id=1, dest="Grup Demo A")
    await eventually(lambda: len(bot.transport.posts()) == 2)
    assert bot.transport.posts()[-1].post_id == 3


async def test_history_names_the_series(daily: tuple[Bot, Clock]):
    bot, _ = daily
    lines = (await bot.say("/riwayat")).splitlines()
    assert "#2 (seri #1) gagal Sel 24 Nov 09:00 -> Grup Demo A" in lines
    assert any(line.startswith("#1 terkirim ") for line in lines)


@pytest.mark.parametrize(
    ("when", "photo", "limit"),
    [
        ("besok 08:00", False, 65_536),
        ("setiap hari 08:00", False, 65_536),
        ("besok 08:00", True, 1_024),
    ],
)
async def test_new_text_has_the_same_limits_as_jadwal(
    bot_with_target: Bot, when: str, photo: bool, limit: int
):
    image = JPEG if photo else None
    await bot_with_target.say(f"/jadwal {when} Halo", image=image)
    assert "Teks" in await bot_with_target.say("/ubah 1 teks " + "x" * limit)
    reply = await bot_with_target.say("/ubah 1 teks " + "y" * (limit + 1))
    assert reply == m.SCHEDULE_TOO_LONG.format(length=limit + 1, limit=limit)
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.text == "x" * limit
    # /jadwal refuses the same length
    reply = await bot_with_target.say(f"/jadwal {when} " + "z" * (limit + 1), image=image)
    assert reply == m.SCHEDULE_TOO_LONG.format(length=limit + 1, limit=limit)


async def test_a_series_being_sent_cannot_be_changed_yet(bot_with_target: Bot):
    await bot_with_target.say("/jadwal setiap hari 08:00 Senam")
    store = bot_with_target.app.store
    assert await store.move(1, PostStatus.SENDING, expect=PostStatus.PENDING)
    expected = m.SERIES_NOTHING_PENDING.format(
        id=1, ordinal="#1 ke-1", status=m.STATUS_NAMES["sending"]
    )
    for command in ("/batal 1", "/ubah 1 besok 09:00", "/ubah 1 teks Baru", "/kirim 1"):
        assert await bot_with_target.say(command) == expected
    post = await store.get_post(1)
    assert post is not None and post.status is PostStatus.SENDING and post.text == "Senam"
