"""Repeats people ask for: several days of the month, "setiap jam 9 pagi" (daily), weekends,
intervals ("setiap 2 jam", "tiap 30 menit mulai besok 08:00", at most every 15 minutes); and
a rule that keeps the zone it was written in (WIB -> WITA, and Europe/Berlin across DST)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.repeat import RepeatRule
from bot.series import next_due, next_occurrence
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
BERLIN = ZoneInfo("Europe/Berlin")
SUN = datetime(2026, 11, 22, 9, 44, tzinfo=WIB)  # Sunday morning


def wib(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


def days(*values: int) -> frozenset[int]:
    return frozenset(values)


# (phrase, first occurrence after SUN, rule, description, post text)
ROWS: list[tuple[str, datetime, RepeatRule, str, str]] = [
    (
        "setiap tanggal 1 dan 15 jam 8 pagi Iuran",
        wib(1, 8, month=12),
        RepeatRule(days_of_month=days(1, 15), hour=8, zone="Asia/Jakarta"),
        "setiap tanggal 1 dan 15, 08:00",
        "Iuran",
    ),
    (
        "setiap tanggal 1, 15 dan 28 08:00 Iuran",
        wib(28, 8),
        RepeatRule(days_of_month=days(1, 15, 28), hour=8, zone="Asia/Jakarta"),
        "setiap tanggal 1, 15 dan 28, 08:00",
        "Iuran",
    ),
    (
        "tiap tgl 5 & 20 jam 19.30 Arisan",
        wib(5, 19, 30, month=12),
        RepeatRule(days_of_month=days(5, 20), hour=19, minute=30, zone="Asia/Jakarta"),
        "setiap tanggal 5 dan 20, 19:30",
        "Arisan",
    ),
    (
        "setiap tanggal 15 dan 31 08:00 Laporan",
        wib(30, 8, month=11) + timedelta(days=15),
        RepeatRule(days_of_month=days(15, 31), hour=8, zone="Asia/Jakarta"),
        "setiap tanggal 15 dan 31, 08:00 (bulan tanpa tanggal 31 dilewati)",
        "Laporan",
    ),
    (
        "setiap jam 9 pagi Apel",
        wib(23, 9),
        RepeatRule(hour=9, zone="Asia/Jakarta"),
        "setiap hari 09:00",
        "Apel",
    ),
    (
        "setiap jam 3 Pengajian",
        wib(22, 15),
        RepeatRule(hour=15, zone="Asia/Jakarta"),
        "setiap hari 15:00",
        "Pengajian",
    ),
    (
        "setiap akhir pekan jam 7 pagi Senam",
        wib(28, 7),
        RepeatRule(weekdays=days(5, 6), hour=7, zone="Asia/Jakarta"),
        "setiap Sabtu dan Minggu 07:00",
        "Senam",
    ),
    (
        "setiap sabtu dan minggu jam 7 pagi Senam",
        wib(28, 7),
        RepeatRule(weekdays=days(5, 6), hour=7, zone="Asia/Jakarta"),
        "setiap Sabtu dan Minggu 07:00",
        "Senam",
    ),
    (
        "setiap 2 jam Minum obat",
        wib(22, 11, 44),
        RepeatRule(every_minutes=120, start=wib(22, 11, 44)),
        "setiap 2 jam",
        "Minum obat",
    ),
    (
        "tiap 30 menit mulai besok 08:00 Antrean",
        wib(23, 8),
        RepeatRule(every_minutes=30, start=wib(23, 8)),
        "setiap 30 menit",
        "Antrean",
    ),
    (
        "setiap jam Cek",
        wib(22, 10, 44),
        RepeatRule(every_minutes=60, start=wib(22, 10, 44)),
        "setiap jam",
        "Cek",
    ),
    (
        "setiap setengah jam Cek",
        wib(22, 10, 14),
        RepeatRule(every_minutes=30, start=wib(22, 10, 14)),
        "setiap 30 menit",
        "Cek",
    ),
    (
        "setiap 1,5 jam mulai jam 10.30 Cek",
        wib(22, 10, 30),
        RepeatRule(every_minutes=90, start=wib(22, 10, 30)),
        "setiap 1 jam 30 menit",
        "Cek",
    ),
    (
        "tiap 15 menit mulai nanti jam 10 pagi: Cek",
        wib(22, 10),
        RepeatRule(every_minutes=15, start=wib(22, 10)),
        "setiap 15 menit",
        "Cek",
    ),
    (
        "every 2 hours starting tomorrow 8am Check",
        wib(23, 8),
        RepeatRule(every_minutes=120, start=wib(23, 8)),
        "setiap 2 jam",
        "Check",
    ),
]


@pytest.mark.parametrize(
    ("phrase", "first", "rule", "description", "text"), ROWS, ids=[r[0][:40] for r in ROWS]
)
def test_reads_the_repeat(
    phrase: str, first: datetime, rule: RepeatRule, description: str, text: str
) -> None:
    result = parse_schedule(phrase, SUN, WIB)
    assert result.error is None, result.error
    assert (result.rule, result.when, result.repeat, result.text) == (
        rule,
        first,
        description,
        text,
    )
    assert RepeatRule.from_text(rule.to_text()) == rule


@pytest.mark.parametrize(
    ("phrase", "words"),
    [
        ("tiap 10 menit Cek", ("paling sering setiap 15 menit",)),
        ("setiap 90 detik Cek", ("paling sering setiap 15 menit",)),
        ("setiap 2 hari 08:00 Cek", ("per beberapa hari",)),
        ("setiap seminggu Cek", ("per beberapa hari",)),
        ("setiap 2 jam mulai kemarin Cek", ("tidak terbaca",)),
    ],
)
def test_refuses_what_it_will_not_repeat(phrase: str, words: tuple[str, ...]) -> None:
    result = parse_schedule(phrase, SUN, WIB)
    assert result.when is None and result.rule is None and result.error is not None
    for word in words:
        assert word in result.error


def test_a_proposed_start_carries_the_interval() -> None:
    result = parse_schedule("setiap 2 jam mulai besok jam 8 Minum obat", SUN, WIB)
    assert result.when is None and result.error is not None and "20:00" in result.error
    assert result.rule == RepeatRule(every_minutes=120, start=wib(23, 8))
    assert result.suggestion == wib(23, 8) and result.text == "Minum obat"


def test_an_interval_is_a_fixed_step_from_its_first_occurrence() -> None:
    rule = RepeatRule(every_minutes=45, start=wib(22, 10))
    assert rule.next_after(SUN, WIB) == wib(22, 10)
    assert rule.next_after(wib(22, 10), WIB) == wib(22, 10, 45)
    assert rule.next_after(wib(22, 10, 44), WIB) == wib(22, 10, 45)
    assert rule.next_after(wib(23, 10), WIB) == wib(23, 10, 45)  # 10:00 is step 32 itself
    assert next_occurrence(rule, wib(22, 11, 30), WITA) == wib(22, 12, 15)
    assert next_occurrence(rule, wib(22, 11, 30), WITA).tzinfo is WITA


def test_catch_up_queues_only_the_latest_due_step() -> None:
    rule = RepeatRule(every_minutes=30, start=wib(21, 20, 30))
    # down from 20:30 until 01:10: the 01:00 step is the one judged, not nine of them
    assert next_due(rule, wib(21, 20, 30), wib(22, 1, 10), WIB) == wib(22, 1)
    assert next_due(rule, wib(21, 20, 30), wib(21, 20, 40), WIB) == wib(21, 21)
    assert next_due(rule, wib(21, 20, 30), wib(22, 1, 0), WIB) == wib(22, 1)


def test_several_days_of_the_month_agree_with_cron() -> None:
    rule = RepeatRule(days_of_month=days(1, 15, 31), hour=8, zone="Asia/Jakarta")
    moment, seen = SUN, []
    for _ in range(6):
        moment = next_occurrence(rule, moment, WIB)
        seen.append(moment)
    assert seen == [
        wib(1, 8, month=12),
        wib(15, 8, month=12),
        wib(31, 8, month=12),
        datetime(2027, 1, 1, 8, tzinfo=WIB),
        datetime(2027, 1, 15, 8, tzinfo=WIB),
        datetime(2027, 1, 31, 8, tzinfo=WIB),
    ]
    assert [rule.next_after(a, WIB) for a in [SUN, *seen[:-1]]] == seen


# --- the zone a rule was written in -------------------------------------------------------


def test_a_rule_keeps_its_zone_after_the_bot_moves_to_wita() -> None:
    written = parse_schedule("setiap hari 08:00 Apel", SUN, WIB)
    assert written.rule is not None and written.rule.zone == "Asia/Jakarta"
    rule = RepeatRule.from_text(written.rule.to_text())
    # the bot is now in WITA: the series still posts at 08:00 WIB, which is 09:00 WITA
    following = next_occurrence(rule, wib(23, 8), WITA)
    assert following == wib(24, 8) and following.astimezone(WITA).hour == 9
    assert rule.describe(WITA) == "setiap hari 08:00 WIB"
    assert rule.describe(WIB) == rule.describe() == "setiap hari 08:00"
    # a rule stored before rules kept a zone follows the bot's current zone
    old = RepeatRule.from_text('{"day":null,"hour":8,"minute":0,"v":1,"weekdays":null}')
    assert next_occurrence(old, wib(23, 8), WITA) == datetime(2026, 11, 24, 8, tzinfo=WITA)
    assert old.describe(WITA) == "setiap hari 08:00"


def test_a_rule_written_in_berlin_keeps_08_00_across_dst() -> None:
    friday = datetime(2027, 3, 26, 12, tzinfo=BERLIN)
    written = parse_schedule("setiap hari 08:00 Morgen", friday, BERLIN)
    assert written.rule is not None and written.rule.zone == "Europe/Berlin"
    moment, seen = friday, []
    for _ in range(3):  # the bot has moved to WIB meanwhile: the clock stays Berlin's
        moment = next_occurrence(written.rule, moment, WIB)
        seen.append(moment.astimezone(UTC).replace(tzinfo=None))
    assert seen == [
        datetime(2027, 3, 27, 7),  # noqa: DTZ001
        datetime(2027, 3, 28, 6),  # noqa: DTZ001
        datetime(2027, 3, 29, 6),  # noqa: DTZ001
    ]
    assert written.rule.describe(WIB) == "setiap hari 08:00 Europe/Berlin"
    autumn = datetime(2027, 10, 30, 12, tzinfo=BERLIN)
    assert next_due(written.rule, autumn, autumn + timedelta(hours=1), BERLIN) == datetime(
        2027, 10, 31, 8, tzinfo=BERLIN
    )
    assert next_due(
        written.rule, autumn, autumn + timedelta(hours=1), BERLIN
    ).utcoffset() == timedelta(hours=1)
