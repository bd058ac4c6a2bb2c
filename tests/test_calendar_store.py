"""Store.month_plan: which deliveries the calendar counts, on which local day, under which
group name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.models import Post, PostStatus
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
        assert await store.transition(
            post.id, to, expect=before, delivery_id=delivery, reason="test"
        )
        before = to


async def test_waiting_sending_and_sent_deliveries_count_the_rest_do_not(store: Store):
    waiting = await store.add_post(at(1, 8), "menunggu", [A, B, C])
    mixed = await store.add_post(at(2, 8), "campur", [A, B, C])
    await step(store, mixed, 0, S, PostStatus.SENT)
    await step(store, mixed, 1, S, PostStatus.FAILED)
    await step(store, mixed, 2, PostStatus.CANCELLED)
    after = await store.get_post(mixed.id)
    assert after is not None and after.status is PostStatus.FAILED  # one counted still
    over = await store.add_post(at(3, 8), "lewat", [A, B])
    await step(store, over, 0, PostStatus.MISSED)
    await step(store, over, 1, S, PostStatus.UNCERTAIN)
    on_its_way = await store.add_post(at(4, 8), "dikirim", [B])
    await step(store, on_its_way, 0, S)
    cancelled = await store.add_post(at(5, 8), "batal", [A])
    await step(store, cancelled, 0, PostStatus.CANCELLED)
    await store.add_post(at(30, 8, month=11), "bulan lalu", [A])
    await store.add_post(at(1, 8, month=1).replace(year=2027), "bulan depan", [A])

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
    await store.add_post(at(1, 0), "tengah malam", [A])  # 17:00 UTC on 30 November
    await store.add_post(datetime(2026, 12, 31, 23, 59, 59, tzinfo=WIB), "akhir", [A])
    await store.add_post(at(1, 0, month=1).replace(year=2027), "tahun baru", [A])
    plan = await store.month_plan(2026, 12, WIB, TODAY)
    assert dict(plan.days) == {1: (("Grup A", 1),), 31: (("Grup A", 1),)}
    utc = await store.month_plan(2026, 11, ZoneInfo("UTC"), TODAY)
    assert dict(utc.days) == {30: (("Grup A", 1),)}  # the same moment, a UTC day earlier


async def test_a_renamed_group_is_one_group_under_its_latest_name(store: Store):
    await store.add_post(at(3, 8), "lama", [("a@g.us", "Nama Lama")])
    await store.add_post(at(9, 8), "baru", [("a@g.us", "Nama Baru"), B])
    await store.add_post(at(10, 8), "tanpa nama", [("x@g.us", "")])
    plan = await store.month_plan(2026, 12, WIB, TODAY)
    assert plan.group_totals() == [("Nama Baru", 2), ("Grup B", 1), ("x@g.us", 1)]
    assert dict(plan.days)[3] == (("Nama Baru", 1),)
