"""The last day of each month ("setiap akhir bulan 08:00 Gajian"): the rule, stored and
described; its occurrences (30 Nov, 31 Dec, 31 Jan, 28 or 29 Feb ...) from APScheduler's
CronTrigger(day="last") and from the calendar (a DST zone); the phrases that name it; and one
series run through the real dispatcher."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.models import PostStatus
from bot.repeat import RepeatRule
from bot.series import next_occurrence
from bot.timeparse import parse_schedule
from tests.conftest import BotFactory, Clock
from tests.fakes import eventually

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
BERLIN = ZoneInfo("Europe/Berlin")
SUN = datetime(2026, 11, 22, 9, 44, tzinfo=WIB)  # Sunday morning
PAYDAY = RepeatRule(month_end=True, hour=8, zone="Asia/Jakarta")


def wib(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def test_stored_as_format_3_and_read_back() -> None:
    text = PAYDAY.to_text()
    assert text == (
        '{"days":null,"every":null,"hour":8,"last":true,"minute":0,"start":null,'
        '"v":3,"weekdays":null,"zone":"Asia/Jakarta"}'
    )
    assert RepeatRule.from_text(text) == PAYDAY
    # every other rule keeps format 2, so an older version still reads it
    other = RepeatRule(days_of_month=frozenset({1}), hour=8, zone="Asia/Jakarta")
    assert json.loads(other.to_text())["v"] == 2
    assert RepeatRule.from_text(other.to_text()).month_end is False


@pytest.mark.parametrize(
    "text",
    [
        '{"days":null,"every":null,"hour":8,"last":false,"minute":0,"start":null,"v":3,'
        '"weekdays":null,"zone":null}',
        '{"days":null,"every":null,"hour":8,"minute":0,"start":null,"v":3,"weekdays":null,'
        '"zone":null}',
        '{"days":[1],"every":null,"hour":8,"last":true,"minute":0,"start":null,"v":3,'
        '"weekdays":null,"zone":null}',
        '{"days":null,"every":null,"hour":8,"last":true,"minute":0,"start":null,"v":4,'
        '"weekdays":null,"zone":null}',
    ],
)
def test_a_broken_format_3_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        RepeatRule.from_text(text)


@pytest.mark.parametrize(
    "bad",
    [
        {"weekdays": frozenset({0})},
        {"days_of_month": frozenset({15})},
        {"every_minutes": 60, "start": datetime(2026, 1, 1, tzinfo=UTC)},
    ],
)
def test_the_last_day_goes_alone(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RepeatRule(month_end=True, **bad)  # type: ignore[arg-type]


def test_described_and_given_to_cron() -> None:
    assert PAYDAY.describe() == "setiap akhir bulan 08:00"
    assert PAYDAY.describe(WIB) == "setiap akhir bulan 08:00"
    assert PAYDAY.describe(WITA) == "setiap akhir bulan 08:00 WIB"
    assert PAYDAY.cron_kwargs() == {"day": "last", "hour": 8, "minute": 0, "second": 0}


def _steps(rule: RepeatRule, start: datetime, tz: ZoneInfo, count: int) -> list[datetime]:
    seen, moment = [], start
    for _ in range(count):
        moment = next_occurrence(rule, moment, tz)
        seen.append(moment)
    return seen


def _cron_steps(rule: RepeatRule, start: datetime, count: int) -> list[datetime]:
    trigger = CronTrigger(timezone=rule.zone_in(WIB), **rule.cron_kwargs())
    seen, moment = [], start
    for _ in range(count):
        found = trigger.get_next_fire_time(moment, moment)
        assert found is not None
        seen.append(found)
        moment = found
    return seen


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (
            SUN,
            [
                wib(2026, 11, 30),
                wib(2026, 12, 31),
                wib(2027, 1, 31),
                wib(2027, 2, 28),
                wib(2027, 3, 31),
                wib(2027, 4, 30),
            ],
        ),
        (
            wib(2027, 12, 31, 9),
            [
                wib(2028, 1, 31),
                wib(2028, 2, 29),
                wib(2028, 3, 31),
                wib(2028, 4, 30),
                wib(2028, 5, 31),
                wib(2028, 6, 30),
            ],
        ),
    ],
    ids=["non-leap", "leap"],
)
def test_occurrences_across_february(start: datetime, expected: list[datetime]) -> None:
    assert _steps(PAYDAY, start, WIB, 6) == expected
    assert _cron_steps(PAYDAY, start, 6) == expected  # CronTrigger(day="last") agrees
    calendar, moment = [], start
    for _ in range(6):
        moment = PAYDAY.next_after(moment, WIB)
        calendar.append(moment)
    assert calendar == expected


def test_occurrences_in_a_dst_zone() -> None:
    berlin = RepeatRule(month_end=True, hour=8, zone="Europe/Berlin")
    start = datetime(2027, 1, 31, 12, tzinfo=BERLIN)
    seen = _steps(berlin, start, BERLIN, 4)
    assert seen == [
        datetime(2027, month, day, 8, tzinfo=BERLIN)
        for month, day in ((2, 28), (3, 31), (4, 30), (5, 31))
    ]
    # 08:00 on each side of the change on 28 Mar 2027: an hour apart in UTC
    assert [d.astimezone(UTC).hour for d in seen[:2]] == [7, 6]
    # shown in WIB, the same instants
    assert [d.astimezone(UTC) for d in _steps(berlin, start, WIB, 4)] == [
        d.astimezone(UTC) for d in seen
    ]


# (phrase, now, first occurrence, description, post text)
ROWS: list[tuple[str, datetime, datetime, str, str]] = [
    (
        "setiap akhir bulan 08:00 Gajian",
        SUN,
        wib(2026, 11, 30),
        "setiap akhir bulan 08:00",
        "Gajian",
    ),
    (
        "tiap akhir bulan jam 8 pagi Gajian",
        SUN,
        wib(2026, 11, 30),
        "setiap akhir bulan 08:00",
        "Gajian",
    ),
    (
        "setiap tanggal terakhir 08:00 Gajian",
        SUN,
        wib(2026, 11, 30),
        "setiap akhir bulan 08:00",
        "Gajian",
    ),
    (
        "setiap tanggal terakhir bulan jam 8 pagi Gajian",
        SUN,
        wib(2026, 11, 30),
        "setiap akhir bulan 08:00",
        "Gajian",
    ),
    (
        "tiap tgl terakhir 17.30 Tutup buku",
        SUN,
        wib(2026, 11, 30, 17, 30),
        "setiap akhir bulan 17:30",
        "Tutup buku",
    ),
    (
        "setiap hari terakhir bulan 08:00 Gajian",
        SUN,
        wib(2026, 11, 30),
        "setiap akhir bulan 08:00",
        "Gajian",
    ),
    (
        "every last day of the month 8am Payday",
        SUN,
        wib(2026, 11, 30),
        "setiap akhir bulan 08:00",
        "Payday",
    ),
    # on the last day, after its clock: next month's
    (
        "setiap akhir bulan 08:00 Gajian",
        wib(2026, 11, 30, 9),
        wib(2026, 12, 31),
        "setiap akhir bulan 08:00",
        "Gajian",
    ),
]


@pytest.mark.parametrize(
    ("phrase", "now", "first", "description", "text"),
    ROWS,
    ids=[f"{r[0][:40]}@{r[1]:%d%H}" for r in ROWS],
)
def test_reads_the_last_day_of_the_month(
    phrase: str, now: datetime, first: datetime, description: str, text: str
) -> None:
    result = parse_schedule(phrase, now, WIB)
    assert result.error is None, result.error
    rule = RepeatRule(month_end=True, hour=first.hour, minute=first.minute, zone="Asia/Jakarta")
    assert (result.rule, result.when, result.repeat, result.text) == (
        rule,
        first,
        description,
        text,
    )


def test_a_zone_word_is_kept() -> None:
    result = parse_schedule("setiap akhir bulan 08:00 WITA Gajian", SUN, WIB)
    assert result.rule == RepeatRule(month_end=True, hour=8, zone="Asia/Makassar")
    assert (result.when, result.repeat) == (wib(2026, 11, 30, 7), "setiap akhir bulan 08:00 WITA")


def test_awal_bulan_stays_the_first() -> None:
    result = parse_schedule("setiap awal bulan 08:00 Tagihan", SUN, WIB)
    assert result.rule == RepeatRule(days_of_month=frozenset({1}), hour=8, zone="Asia/Jakarta")
    assert result.when == wib(2026, 12, 1)


def test_midnight_after_the_last_day_is_proposed_as_the_first() -> None:
    result = parse_schedule("setiap akhir bulan jam 12 malam Tutup buku", SUN, WIB)
    assert result.when is None and result.error is not None
    assert "tanggalnya bergeser" in result.error
    assert result.rule == RepeatRule(days_of_month=frozenset({1}), hour=0, zone="Asia/Jakarta")
    assert result.suggestion == wib(2026, 12, 1, 0)


async def test_the_series_runs_from_30_nov_to_31_dec(start_bot: BotFactory) -> None:
    clock = Clock(datetime(2026, 11, 30, 7, 59, 59, 500000, tzinfo=WIB))  # Monday 30 Nov
    bot = await start_bot(clock=clock)
    await bot.say("/tujuan Grup Demo A")
    reply = await bot.say("/jadwal setiap akhir bulan 08:00 Gajian")
    assert reply.startswith(
        "#1 terjadwal setiap akhir bulan 08:00, pertama Senin, 30 Nov 2026 08:00 WIB -> Grup Demo A"
    ), reply
    assert "[setiap akhir bulan 08:00] Gajian" in await bot.say("/antrian")
    clock.advance(seconds=1)
    bot.services.queue_changed()
    await eventually(lambda: len(bot.transport.posts()) == 1)
    await asyncio.sleep(0.1)
    posts = await bot.app.store.all_posts()
    assert [(p.id, p.status, p.due_at.astimezone(WIB)) for p in posts] == [
        (1, PostStatus.SENT, wib(2026, 11, 30)),
        (2, PostStatus.PENDING, wib(2026, 12, 31)),
    ]
    assert posts[1].series_id == 1 and posts[1].text == "Gajian"
