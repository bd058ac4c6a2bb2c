"""Store.month_plan: which deliveries the calendar counts, on which local day, under which
group name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.models import Post, PostContent, PostStatus
from bot.repeat import RepeatRule
from bot.store import Store

WIB = ZoneInfo("Asia/Jakarta")
TODAY = date(2026, 11, 21)
A, B, C = ("a@g.us", "Grup A"), ("b@g.us", "Grup B"), ("c@g.us", "Grup C")
P, S = PostStatus.PENDING, PostStatus.SENDING


def at(day: int, hour: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=WIB)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.db")
    yield opened
    await opened.close()


async def step(store: Store, post: Post, position: int, *path: PostStatus) -> None:
    """Move one delivery of `post` along `path` (from pending), as sending it would."""
    delivery = post.deliveries[position].id
    before = PostStatus.PENDING
    for to in path:
        assert await store.move(post.id, to, expect=before, delivery_id=delivery, reason="test")
        before = to


async def test_waiting_sending_and_sent_deliveries_count_the_rest_do_not(store: Store):
    waiting = await store.add_post(at(1, 8), PostContent("menunggu"), [A, B, C])
    mixed = await store.add_post(at(2, 8), PostContent("campur"), [A, B, C])
    await step(store, mixed, 0, S, PostStatus.SENT)
    await step(store, mixed, 1, S, PostStatus.FAILED)
    await step(store, mixed, 2, PostStatus.CANCELLED)
    after = await store.get_post(mixed.id)
    assert after is not None and after.status is PostStatus.FAILED  # one counted still
    over = await store.add_post(at(3, 8), PostContent("lewat"), [A, B])
    await step(store, over, 0, PostStatus.MISSED)
    await step(store, over, 1, S, PostStatus.UNCERTAIN)
    on_its_way = await store.add_post(at(4, 8), PostContent("dikirim"), [B])
    await step(store, on_its_way, 0, S)
    cancelled = await store.add_post(at(5, 8), PostContent("batal"), [A])
    await step(store, cancelled, 0, PostStatus.CANCELLED)
    await store.add_post(at(30, 8, month=11), PostContent("bulan lalu"), [A])
    await store.add_post(at(1, 8, month=1).replace(year=2027), PostContent("bulan depan"), [A])

    plan = await store.month_plan(2026, 12, WIB, TODAY)
    assert dict(plan.days) == {
        1: (("Grup A", 1), ("Grup B", 1), ("Grup C", 1)),
        2: (("Grup A", 1),),
        4: (("Grup B", 1),),
    }
    assert (plan.year, plan.month, plan.today) == (2026, 12, TODAY)
    assert plan.posts == 3  # waiting, mixed, on its way
    assert waiting.id != mixed.id


async def test_a_local_day_runs_from_local_midnight_to_midnight(store: Store):
    await store.add_post(at(1, 0), PostContent("tengah malam"), [A])  # 17:00 UTC on 30 November
    await store.add_post(datetime(2026, 12, 31, 23, 59, 59, tzinfo=WIB), PostContent("akhir"), [A])
    await store.add_post(at(1, 0, month=1).replace(year=2027), PostContent("tahun baru"), [A])
    plan = await store.month_plan(2026, 12, WIB, TODAY)
    assert dict(plan.days) == {1: (("Grup A", 1),), 31: (("Grup A", 1),)}
    utc = await store.month_plan(2026, 11, ZoneInfo("UTC"), TODAY)
    assert dict(utc.days) == {30: (("Grup A", 1),)}  # the same moment, a UTC day earlier


async def test_a_renamed_group_is_one_group_under_its_latest_name(store: Store):
    await store.add_post(at(3, 8), PostContent("lama"), [("a@g.us", "Nama Lama")])
    await store.add_post(at(9, 8), PostContent("baru"), [("a@g.us", "Nama Baru"), B])
    await store.add_post(at(10, 8), PostContent("tanpa nama"), [("x@g.us", "")])
    plan = await store.month_plan(2026, 12, WIB, TODAY)
    assert plan.group_totals() == [("Nama Baru", 2), ("Grup B", 1), ("x@g.us", 1)]
    assert dict(plan.days)[3] == (("Nama Baru", 1),)


QUEUED_AT = datetime(2026, 11, 21, 19, tzinfo=WIB)  # when the series' occurrence was queued


async def series(store: Store, due: datetime, rule: RepeatRule, groups: list[tuple[str, str]]):
    return await store.add_post(
        due, PostContent("ulang"), groups, now=QUEUED_AT, repeat_rule=rule.to_text()
    )


async def test_a_daily_series_counts_every_day_from_its_queued_occurrence(store: Store):
    await series(store, at(22, 7, month=11), RepeatRule(hour=7, zone="Asia/Jakarta"), [A, B])
    await store.add_post(at(25, 9, month=11), PostContent("sekali"), [C])
    november = await store.month_plan(2026, 11, WIB, TODAY)
    pair = (("Grup A", 1), ("Grup B", 1))
    assert dict(november.days) == {day: pair for day in range(22, 31) if day != 25} | {
        25: (*pair, ("Grup C", 1))
    }
    assert (november.posts, november.total) == (9 + 1, 18 + 1)
    assert november.empty_days_ahead() == [21]
    december = await store.month_plan(2026, 12, WIB, TODAY)
    assert dict(december.days) == {day: pair for day in range(1, 32)}
    assert (december.posts, december.total) == (31, 62)
    assert (await store.month_plan(2026, 10, WIB, TODAY)).total == 0  # none before it


async def test_a_weekly_series_shows_in_the_months_after_its_queued_occurrence(store: Store):
    monday = RepeatRule(weekdays=frozenset({0}), hour=9, zone="Asia/Jakarta")
    await series(store, at(23, 9, month=11), monday, [B])
    december = await store.month_plan(2026, 12, WIB, TODAY)
    assert dict(december.days) == {day: (("Grup B", 1),) for day in (7, 14, 21, 28)}
    assert december.posts == 4
    january = await store.month_plan(2027, 1, WIB, TODAY)
    assert sorted(january.days) == [4, 11, 18, 25]
    far = await store.month_plan(2031, 12, WIB, TODAY)  # steps to the month, not through years
    assert sorted(far.days) == [1, 8, 15, 22, 29]


async def test_the_next_occurrence_follows_the_slot_of_one_moved_earlier(store: Store):
    # Moved from 07:00 to 06:00 on the 22nd: the series' next one is the 23rd at 07:00.
    await series(store, at(22, 6, month=11), RepeatRule(hour=7, zone="Asia/Jakarta"), [A])
    november = await store.month_plan(2026, 11, WIB, TODAY)
    assert {day: november.total_on(day) for day in november.days} == dict.fromkeys(range(22, 31), 1)


async def test_occurrences_fall_on_the_local_day_and_stop_at_the_month_s_end(store: Store):
    # Every 12 hours from 30 November 23:30 WIB: 11:30 and 23:30 each day, 62 in December.
    start = datetime(2026, 11, 30, 23, 30, tzinfo=WIB)
    await series(store, start, RepeatRule(every_minutes=12 * 60, start=start), [A])
    december = await store.month_plan(2026, 12, WIB, TODAY)
    assert {december.total_on(day) for day in range(1, 32)} == {2}
    assert december.posts == 62
    # In UTC the same moments are 04:30 and 16:30: the 30 November one stays in November.
    utc = await store.month_plan(2026, 11, ZoneInfo("UTC"), TODAY)
    assert dict(utc.days) == {30: (("Grup A", 1),)}


async def test_stopped_finished_and_unreadable_series_add_nothing(store: Store):
    daily = RepeatRule(hour=7, zone="Asia/Jakarta")
    stopped = await series(store, at(22, 7, month=11), daily, [A])
    assert stopped.series_id is not None
    await store.stop_series(stopped.series_id, QUEUED_AT)
    finished = await series(store, at(22, 7, month=11), daily, [B])
    await step(store, finished, 0, S, PostStatus.SENT)
    unreadable = await store.add_post(
        at(22, 7, month=11), PostContent("rusak"), [C], now=QUEUED_AT, repeat_rule='{"v":99}'
    )
    plan = await store.month_plan(2026, 11, WIB, TODAY)
    assert dict(plan.days) == {22: (("Grup B", 1), ("Grup C", 1))}  # only what is queued
    assert plan.posts == 2 and unreadable.series_id is not None
