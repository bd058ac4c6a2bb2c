"""Repeating posts end to end: queued as a rule, each occurrence delivered and recorded, the
series stopped by /batal, and one missed occurrence (not a flood) after an outage."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.models import PostStatus
from bot.repeat import RepeatRule
from bot.series import next_due
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import FakeTransport, eventually

WIB = ZoneInfo("Asia/Jakarta")


async def statuses(bot: Bot) -> list[tuple[int, PostStatus, datetime]]:
    return [(p.id, p.status, p.due_at.astimezone(WIB)) for p in await bot.app.store.all_posts()]


async def test_repeat_is_queued_as_a_rule_and_shown_in_the_queue(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal setiap senin dan kamis 16:00 Latihan")
    assert reply.startswith(
        "#1 terjadwal setiap Senin dan Kamis 16:00, pertama Senin, "
        "23 Nov 2026 16:00 WIB -> Grup Demo A"
    )
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.series_id == 1 and post.repeat_rule
    assert RepeatRule.from_text(post.repeat_rule).weekdays == frozenset({0, 3})
    listing = await bot_with_target.say("/antrian")
    assert "[setiap Senin dan Kamis 16:00] Latihan" in listing


async def test_each_occurrence_is_delivered_and_the_next_one_queued(start_bot: BotFactory):
    clock = Clock(datetime(2026, 11, 23, 8, 59, 59, 500000, tzinfo=WIB))  # Monday
    bot = await start_bot(clock=clock)
    await bot.say("/tujuan Grup Demo A")
    await bot.say("/jadwal setiap hari 09:00 Selamat pagi")
    clock.advance(seconds=1)
    bot.services.queue_changed()
    await eventually(lambda: len(bot.transport.posts()) == 1)
    await asyncio.sleep(0.1)
    rows = await statuses(bot)
    assert [(i, s) for i, s, _ in rows] == [(1, PostStatus.SENT), (2, PostStatus.PENDING)]
    assert rows[1][2] == datetime(2026, 11, 24, 9, 0, tzinfo=WIB)
    second = await bot.app.store.get_post(2)
    assert second is not None and second.series_id == 1 and second.text == "Selamat pagi"
    # the next day: delivered too, like any one-off post
    clock.advance(days=1)
    bot.services.queue_changed()
    await eventually(lambda: len(bot.transport.posts()) == 2)
    await asyncio.sleep(0.1)
    assert [s for _, s, _ in await statuses(bot)] == [
        PostStatus.SENT,
        PostStatus.SENT,
        PostStatus.PENDING,
    ]


async def test_cancel_stops_the_series(bot_with_target: Bot):
    await bot_with_target.say("/jadwal tiap senin 09:00 Rapat")
    reply = await bot_with_target.say("/batal 1")
    assert "Seri berulang #1 (setiap Senin 09:00) dihentikan" in reply
    bot_with_target.services.queue_changed()
    await asyncio.sleep(0.2)
    assert [(i, s) for i, s, _ in await statuses(bot_with_target)] == [(1, PostStatus.CANCELLED)]


async def test_a_long_outage_gives_one_missed_occurrence_not_a_flood(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)
    first = await start_bot(clock=clock)
    await first.say("/tujuan Grup Demo A")
    await first.say("/jadwal setiap hari 21:00 Pengingat")  # first: today 21:00 WIB
    await first.app.stop()
    clock.advance(days=10)  # down for ten days; back at 20:00 WIB
    transport = FakeTransport()
    second = await start_bot(clock=clock, transport=transport)
    await eventually(lambda: transport.replies())
    await asyncio.sleep(0.2)
    rows = await statuses(second)
    assert transport.posts() == []
    assert [s for _, s, _ in rows] == [PostStatus.MISSED, PostStatus.MISSED, PostStatus.PENDING]
    # the second one is the latest occurrence that fell due, not the next of ten days ago
    assert rows[1][2] == datetime(2026, 12, 1, 21, 0, tzinfo=WIB) - timedelta(days=1)
    assert rows[2][2] == datetime(2026, 12, 1, 21, 0, tzinfo=WIB)
    assert len([r for r in transport.replies() if "terlewat" in r]) == 1


async def test_an_interval_after_an_outage_queues_only_the_latest_step(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)  # 20:00 WIB
    first = await start_bot(clock=clock)
    await first.say("/tujuan Grup Demo A")
    reply = await first.say("/jadwal setiap 30 menit Pengingat")
    assert "setiap 30 menit, pertama Sabtu, 21 Nov 2026 20:30 WIB" in reply
    await first.app.stop()
    clock.advance(hours=5, minutes=10)  # back at 01:10: nine steps fell due meanwhile
    transport = FakeTransport()
    second = await start_bot(clock=clock, transport=transport)
    await eventually(lambda: len(transport.posts()) == 1)
    await asyncio.sleep(0.2)
    rows = await statuses(second)
    assert [(s, due) for _, s, due in rows] == [
        (PostStatus.MISSED, datetime(2026, 11, 21, 20, 30, tzinfo=WIB)),
        (PostStatus.SENT, datetime(2026, 11, 22, 1, 0, tzinfo=WIB)),  # the latest step
        (PostStatus.PENDING, datetime(2026, 11, 22, 1, 30, tzinfo=WIB)),
    ]


def test_next_due_skips_to_the_latest_past_occurrence():
    rule = RepeatRule(hour=8, minute=0)
    last = datetime(2026, 11, 1, 8, 0, tzinfo=WIB)
    now = datetime(2026, 11, 21, 12, 0, tzinfo=WIB)
    assert next_due(rule, last, now, WIB) == datetime(2026, 11, 21, 8, 0, tzinfo=WIB)
    assert next_due(rule, last, last, WIB) == datetime(2026, 11, 2, 8, 0, tzinfo=WIB)
    weekly = RepeatRule(weekdays=frozenset({0}), hour=9, minute=0)
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=WIB)
    assert next_due(weekly, monday, monday, WIB) == monday + timedelta(days=7)
    assert next_due(weekly, monday, datetime.now(UTC) + timedelta(days=400), WIB).weekday() == 0


def test_next_occurrence_comes_from_cron_in_wib_and_from_the_calendar_across_dst():
    from apscheduler.triggers.cron import CronTrigger

    from bot.series import next_occurrence

    weekly = RepeatRule(weekdays=frozenset({0, 3}), hour=16, minute=0)
    after = datetime(2026, 11, 21, 20, 0, tzinfo=WIB)
    cron = CronTrigger(timezone=WIB, **weekly.cron_kwargs()).get_next_fire_time(after, after)
    assert next_occurrence(weekly, after, WIB) == cron == datetime(2026, 11, 23, 16, 0, tzinfo=WIB)
    # New York, Mondays 00:00, across the March 2025 DST change: CronTrigger 3.11 answers
    # 17 March (a week skipped); the bot posts on 10 March, as the calendar says.
    new_york = ZoneInfo("America/New_York")
    monday = RepeatRule(weekdays=frozenset({0}), hour=0, minute=0)
    before = datetime(2025, 3, 4, 0, 0, tzinfo=UTC)
    assert next_occurrence(monday, before, new_york) == datetime(2025, 3, 10, 0, 0, tzinfo=new_york)
