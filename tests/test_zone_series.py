"""/zona: queued posts keep their moment, and so does a repeating series (its rule keeps the
zone it was written in); the reply and /antrian say so in the new zone."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.models import Post, PostContent
from bot.repeat import RepeatRule
from tests.conftest import Bot, BotFactory, Clock
from tests.fakes import eventually

WIB = ZoneInfo("Asia/Jakarta")
MONDAY_BEFORE_NINE = datetime(2026, 11, 23, 8, 59, 59, 500000, tzinfo=WIB)


def agrees(rule: str, wib: str, wita: str) -> bool:
    """A rule's words after /zona WITA name its zone ("09:00 WIB") or show the clock in the
    new zone ("10:00"), never the old clock as if it were WITA."""
    return f"{wib} WIB" in rule or (wita in rule and wib not in rule)


async def test_the_zone_reply_says_what_happens_to_posts_and_series(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Rapat")
    await bot_with_target.say("/jadwal setiap hari 09:00 Senam")
    lines = (await bot_with_target.say("/zona WITA")).splitlines()
    assert lines[:3] == [
        m.ZONE_SET.format(zone="Asia/Makassar", label="WITA"),
        m.ZONE_NEXT.format(next="#1 Minggu, 22 Nov 2026 09:00 WITA -> Grup Demo A"),
        m.ZONE_SERIES,
    ]
    series, _, following = lines[3].partition(", berikutnya ")
    assert series.startswith("#2 setiap hari ") and agrees(series, "09:00", "10:00")
    assert following == "Minggu, 22 Nov 2026 10:00 WITA"
    assert len(lines) == 4


async def first_sent_and_next_queued(bot: Bot, clock: Clock) -> Post:
    """Let the series' first occurrence (due in a second) go out; its next one, queued."""
    clock.advance(seconds=1)
    bot.services.queue_changed()
    await eventually(lambda: len(bot.transport.posts()) == 1)
    for _ in range(100):
        if len(await bot.app.store.all_posts()) == 2:
            break
        await asyncio.sleep(0.01)
    following = await bot.app.store.get_post(2)
    assert following is not None
    return following


async def test_the_zone_reply_without_a_queue(bot: Bot):
    assert await bot.say("/zona WIT") == m.ZONE_SET.format(zone="Asia/Jayapura", label="WIT")


async def test_a_series_keeps_its_moment_after_a_zone_change(start_bot: BotFactory):
    clock = Clock(MONDAY_BEFORE_NINE)
    bot = await start_bot(clock=clock)
    await bot.say("/tujuan Grup Demo A")
    await bot.say("/jadwal setiap hari 09:00 Selamat pagi")  # 09:00 WIB
    await bot.say("/zona WITA")
    following = await first_sent_and_next_queued(bot, clock)
    assert following.due_at == datetime(2026, 11, 24, 9, 0, tzinfo=WIB)  # = 10:00 WITA
    lines = (await bot.say("/antrian")).splitlines()
    assert lines[1] == "#1 Sel 24 Nov 10:00 -> Grup Demo A"
    assert agrees(lines[2], "09:00", "10:00"), lines[2]


async def test_a_rule_stored_without_a_zone_keeps_its_moment_too(start_bot: BotFactory):
    clock = Clock(MONDAY_BEFORE_NINE)
    bot = await start_bot(clock=clock)
    await bot.say("/tujuan Grup Demo A")
    old_rule = '{"day":null,"hour":9,"minute":0,"v":1,"weekdays":null}'  # as stored before
    await bot.app.store.add_post(
        datetime(2026, 11, 23, 9, 0, tzinfo=WIB),
        PostContent("Selamat pagi"),
        [("120363000000000001@g.us", "Grup Demo A")],
        now=clock.now,
        repeat_rule=old_rule,
    )
    lines = (await bot.say("/zona WITA")).splitlines()
    assert lines[-1] == "#1 setiap hari 09:00 WIB, berikutnya Senin, 23 Nov 2026 10:00 WITA"
    first = await bot.app.store.get_post(1)
    assert first is not None and first.repeat_rule is not None
    assert RepeatRule.from_text(first.repeat_rule) == RepeatRule(
        hour=9, minute=0, zone="Asia/Jakarta"
    )
    following = await first_sent_and_next_queued(bot, clock)
    assert following.due_at == datetime(2026, 11, 24, 9, 0, tzinfo=WIB)
