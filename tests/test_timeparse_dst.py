"""After /zona to a zone with daylight saving time, a clock the change skips or repeats is
refused with a proposal, never silently moved (Europe/Berlin: 28 Mar 2027 02:00 -> 03:00,
25 Oct 2026 03:00 -> 02:00)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.timefmt import format_local
from bot.timeparse import parse_schedule
from tests.conftest import BotFactory, Clock

BERLIN = ZoneInfo("Europe/Berlin")
BEFORE_SPRING = datetime(2027, 3, 27, 12, 0, tzinfo=BERLIN)  # Saturday
BEFORE_AUTUMN = datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN)  # Saturday


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("phrase", "proposal", "words"),
    [
        ("besok 02:30 Rapat", utc(2027, 3, 28, 1, 30), ("02:30 tidak ada", "menjadi 03:30")),
        ("28/03 02:00 Rapat", utc(2027, 3, 28, 1, 0), ("02:00 tidak ada",)),
        ("minggu ini 02:59 Rapat", utc(2027, 3, 28, 1, 59), ("02:59 tidak ada",)),
        ("besok jam 2 dini hari Rapat", utc(2027, 3, 28, 1, 0), ("02:00 tidak ada",)),
    ],
)
def test_a_skipped_clock_is_refused_with_the_clock_after_the_gap(
    phrase: str, proposal: datetime, words: tuple[str, ...]
) -> None:
    result = parse_schedule(phrase, BEFORE_SPRING, BERLIN)
    assert result.when is None and result.error is not None
    for word in words:
        assert word in result.error
    assert result.suggestion == proposal
    assert f"Maksudnya {format_local(proposal, BERLIN)}?" in result.error
    assert "CEST" in format_local(proposal, BERLIN) and result.text == "Rapat"


@pytest.mark.parametrize(
    ("phrase", "when"),
    [
        ("besok 03:30 Rapat", utc(2027, 3, 28, 1, 30)),
        ("besok 01:59 Rapat", utc(2027, 3, 28, 0, 59)),
        ("besok jam 2.30 Rapat", utc(2027, 3, 28, 12, 30)),  # a bare hour: 14:30
        ("dalam 1 hari Rapat", utc(2027, 3, 28, 11, 0)),  # elapsed time: 13:00 CEST
    ],
)
def test_clocks_around_the_gap_are_read(phrase: str, when: datetime) -> None:
    result = parse_schedule(phrase, BEFORE_SPRING, BERLIN)
    assert result.error is None and result.when == when


def test_a_repeated_clock_is_refused_naming_both() -> None:
    result = parse_schedule("besok 02:30 Rapat", BEFORE_AUTUMN, BERLIN)
    assert result.when is None and result.error is not None
    assert "terjadi dua kali" in result.error
    assert "Minggu, 25 Okt 2026 02:30 CEST atau Minggu, 25 Okt 2026 02:30 CET" in result.error
    # (compared in UTC: PEP 495 makes == across zones False for a time in a repeated hour)
    assert result.suggestion is not None
    assert result.suggestion.astimezone(UTC) == utc(2026, 10, 25, 0, 30)  # the first one


def test_inside_the_repeated_hour_the_second_one_is_proposed() -> None:
    now = datetime(2026, 10, 25, 2, 40, fold=1, tzinfo=BERLIN)  # 02:40 CET, the second time
    result = parse_schedule("02:45 Rapat", now, BERLIN)
    assert result.when is None and result.suggestion is not None
    assert result.suggestion.astimezone(UTC) == utc(2026, 10, 25, 1, 45)
    assert parse_schedule("03:10 Rapat", now, BERLIN).when == utc(2026, 10, 25, 2, 10)
    past = parse_schedule("hari ini 02:30 Rapat", now, BERLIN)
    assert past.when is None and past.error is not None and "sudah lewat" in past.error


async def test_after_zona_the_bot_refuses_a_skipped_clock(start_bot: BotFactory) -> None:
    bot = await start_bot(clock=Clock(BEFORE_SPRING.astimezone(UTC)))
    await bot.say("/tujuan Grup Demo A")
    await bot.say("/zona Europe/Berlin")
    reply = await bot.say("/jadwal besok 02:30 Rapat")
    assert "02:30 tidak ada" in reply
    assert "Maksudnya Minggu, 28 Mar 2027 03:30 CEST?" in reply
    await asyncio.sleep(0)
    assert await bot.app.store.all_posts() == []
    reply = await bot.say("/jadwal besok 03:30 Rapat")
    assert "Minggu, 28 Mar 2027 03:30 CEST" in reply
    posts = await bot.app.store.all_posts()
    assert [p.due_at for p in posts] == [utc(2027, 3, 28, 1, 30)]
