"""A series posts each of its slots at most once: an occurrence sent early (/kirim) or moved
earlier (/ubah) does not post its slot again, and one moved later gives no slot before it."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.models import Post, PostStatus
from bot.repeat import RepeatRule
from bot.series import slot_of
from tests.conftest import Bot, BotFactory, Clock
from tests.fakes import eventually

WIB = ZoneInfo("Asia/Jakarta")
SUNDAY_BEFORE_EIGHT = datetime(2026, 11, 22, 7, 59, 59, 500000, tzinfo=WIB)


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


async def rows(bot: Bot) -> list[tuple[int, PostStatus, datetime]]:
    return [(p.id, p.status, p.due_at.astimezone(WIB)) for p in await bot.app.store.all_posts()]


async def at(bot: Bot, clock: Clock, moment: datetime) -> None:
    """Move the clock to `moment` and let the scheduler act on it."""
    clock.now = moment
    bot.services.queue_changed()
    await asyncio.sleep(0.2)


@pytest.fixture
async def daily(start_bot: BotFactory) -> tuple[Bot, Clock]:
    """Every day 08:00: #1 sent Sunday 08:00, #2 pending for Monday 08:00. The clock is
    Monday 07:00 WIB."""
    clock = Clock(SUNDAY_BEFORE_EIGHT)
    bot = await start_bot(clock=clock)
    await bot.say("/tujuan Grup Demo A")
    await bot.say("/jadwal setiap hari 08:00 Selamat pagi")
    clock.advance(seconds=1)
    bot.services.queue_changed()
    await eventually(lambda: len(bot.transport.posts()) == 1)
    # The next occurrence is queued once #1 is recorded sent, a moment after it went out:
    # on Sunday's clock, as the bot running on would.
    for _ in range(300):
        if len(await rows(bot)) == 2:
            break
        await asyncio.sleep(0.01)
    await at(bot, clock, wib(23, 7))
    assert await rows(bot) == [
        (1, PostStatus.SENT, wib(22, 8)),
        (2, PostStatus.PENDING, wib(23, 8)),
    ]
    return bot, clock


@pytest.mark.parametrize(
    ("command", "sent_at"),
    [
        ("/kirim 1", wib(23, 7)),  # sent now, an hour before its slot
        ("/ubah 1 hari ini 07:30", wib(23, 7, 30)),  # moved half an hour earlier
    ],
)
async def test_an_occurrence_sent_before_its_slot_does_not_post_the_slot_again(
    daily: tuple[Bot, Clock], command: str, sent_at: datetime
):
    bot, clock = daily
    await bot.say(command)
    await at(bot, clock, sent_at)
    await eventually(lambda: len(bot.transport.posts()) == 2)
    await at(bot, clock, wib(23, 8).replace(second=1))  # Monday's slot: nothing more
    assert len(bot.transport.posts()) == 2
    assert await rows(bot) == [
        (1, PostStatus.SENT, wib(22, 8)),
        (2, PostStatus.SENT, sent_at),
        (3, PostStatus.PENDING, wib(24, 8)),
    ]
    await at(bot, clock, wib(24, 8).replace(second=1))  # Tuesday's slot: posted
    await eventually(lambda: len(bot.transport.posts()) == 3)
    assert [p.post_id for p in bot.transport.posts()] == [1, 2, 3]


async def test_an_occurrence_moved_later_gives_no_slot_before_it(daily: tuple[Bot, Clock]):
    bot, clock = daily
    await bot.say("/ubah 1 besok 09:00")
    await at(bot, clock, wib(23, 8).replace(second=1))  # Monday's slot: moved away
    await at(bot, clock, wib(24, 8).replace(second=1))  # Tuesday's: before the moved one
    assert len(bot.transport.posts()) == 1
    await at(bot, clock, wib(24, 9).replace(second=1))
    await eventually(lambda: len(bot.transport.posts()) == 2)
    await asyncio.sleep(0.1)
    assert await rows(bot) == [
        (1, PostStatus.SENT, wib(22, 8)),
        (2, PostStatus.SENT, wib(24, 9)),
        (3, PostStatus.PENDING, wib(25, 8)),
    ]


async def test_an_occurrence_not_moved_keeps_the_daily_rhythm(daily: tuple[Bot, Clock]):
    bot, clock = daily
    await at(bot, clock, wib(23, 8).replace(second=1))
    await eventually(lambda: len(bot.transport.posts()) == 2)
    await asyncio.sleep(0.1)
    assert [d for _, _, d in await rows(bot)] == [wib(22, 8), wib(23, 8), wib(24, 8)]


def test_the_slot_of_an_occurrence_queued_after_an_outage_is_its_due_time() -> None:
    rule = RepeatRule(hour=8)
    caught_up = Post(
        id=5,
        status=PostStatus.SENT,
        due_at=wib(23, 8),
        text="x",
        created_at=wib(23, 10),
    )
    assert slot_of(rule, caught_up, WIB) == wib(23, 8)
    moved = Post(
        id=6,
        status=PostStatus.SENT,
        due_at=wib(23, 12),
        text="x",
        created_at=wib(22, 8, 1),
    )
    assert slot_of(rule, moved, WIB) == wib(23, 8)
