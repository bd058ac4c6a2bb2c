"""Repeating posts: reading "setiap ..." phrases, and RepeatRule against APScheduler's cron."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.repeat import RepeatRule
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
SAT = datetime(2026, 11, 21, 20, 0, tzinfo=WIB)  # Saturday evening
WORKDAYS = frozenset(range(5))


def wib(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def rule(
    weekdays: Iterable[int] | None = None,
    day: int | Iterable[int] | None = None,
    hour: int = 0,
    minute: int = 0,
    zone: str | None = "Asia/Jakarta",
) -> RepeatRule:
    days = frozenset({day} if isinstance(day, int) else day) if day is not None else None
    return RepeatRule(
        weekdays=frozenset(weekdays) if weekdays is not None else None,
        days_of_month=days,
        hour=hour,
        minute=minute,
        zone=zone,
    )


# (phrase, first occurrence after Saturday 21 Nov 2026 20:00 WIB, rule, description, text)
ROWS: list[tuple[str, datetime, RepeatRule, str, str]] = [
    (
        "setiap hari 08:00 Selamat pagi",
        wib(2026, 11, 22, 8),
        rule(hour=8),
        "setiap hari 08:00",
        "Selamat pagi",
    ),
    (
        "setiap hari 21:00 Doa malam",
        wib(2026, 11, 21, 21),
        rule(hour=21),
        "setiap hari 21:00",
        "Doa malam",
    ),
    (
        "setiap hari 20:00 Tepat sekarang",
        wib(2026, 11, 22, 20),
        rule(hour=20),
        "setiap hari 20:00",
        "Tepat sekarang",
    ),
    (
        "tiap senin 09:00 Rapat",
        wib(2026, 11, 23, 9),
        rule({0}, hour=9),
        "setiap Senin 09:00",
        "Rapat",
    ),
    (
        "setiap senin dan kamis 16:00 Les",
        wib(2026, 11, 23, 16),
        rule({0, 3}, hour=16),
        "setiap Senin dan Kamis 16:00",
        "Les",
    ),
    (
        "setiap senin, rabu, dan jumat jam 4 sore Les",
        wib(2026, 11, 23, 16),
        rule({0, 2, 4}, hour=16),
        "setiap Senin, Rabu dan Jumat 16:00",
        "Les",
    ),
    (
        "setiap hari kerja 07:30 Absen",
        wib(2026, 11, 23, 7, 30),
        rule(WORKDAYS, hour=7, minute=30),
        "setiap hari kerja (Senin-Jumat) 07:30",
        "Absen",
    ),
    (
        "setiap senin sampai jumat 07:30 Absen",
        wib(2026, 11, 23, 7, 30),
        rule(WORKDAYS, hour=7, minute=30),
        "setiap hari kerja (Senin-Jumat) 07:30",
        "Absen",
    ),
    (
        "setiap senin-jumat 07:30 Absen",
        wib(2026, 11, 23, 7, 30),
        rule(WORKDAYS, hour=7, minute=30),
        "setiap hari kerja (Senin-Jumat) 07:30",
        "Absen",
    ),
    (
        "setiap jumat sampai senin 10:00 Libur",
        wib(2026, 11, 22, 10),
        rule({4, 5, 6, 0}, hour=10),
        "setiap Senin, Jumat, Sabtu dan Minggu 10:00",
        "Libur",
    ),
    (
        "setiap akhir pekan jam 9 pagi Jalan",
        wib(2026, 11, 22, 9),
        rule({5, 6}, hour=9),
        "setiap Sabtu dan Minggu 09:00",
        "Jalan",
    ),
    (
        "setiap hari minggu 07:00 Ibadah",
        wib(2026, 11, 22, 7),
        rule({6}, hour=7),
        "setiap Minggu 07:00",
        "Ibadah",
    ),
    (
        "setiap sabtu 21:00 Malam mingguan",
        wib(2026, 11, 21, 21),
        rule({5}, hour=21),
        "setiap Sabtu 21:00",
        "Malam mingguan",
    ),
    (
        "setiap sabtu 19:00 Arisan",
        wib(2026, 11, 28, 19),
        rule({5}, hour=19),
        "setiap Sabtu 19:00",
        "Arisan",
    ),
    (
        "setiap tanggal 1 08:00 Gajian",
        wib(2026, 12, 1, 8),
        rule(day=1, hour=8),
        "setiap tanggal 1, 08:00",
        "Gajian",
    ),
    (
        "setiap bulan tanggal 25 jam 10 pagi Tagihan",
        wib(2026, 11, 25, 10),
        rule(day=25, hour=10),
        "setiap tanggal 25, 10:00",
        "Tagihan",
    ),
    (
        "tiap tgl 21 21:30 Laporan",
        wib(2026, 11, 21, 21, 30),
        rule(day=21, hour=21, minute=30),
        "setiap tanggal 21, 21:30",
        "Laporan",
    ),
    ("setiap pagi jam 6 Senam", wib(2026, 11, 22, 6), rule(hour=6), "setiap hari 06:00", "Senam"),
    (
        "setiap hari jam 8 malam Ngaji",
        wib(2026, 11, 22, 20),
        rule(hour=20),
        "setiap hari 20:00",
        "Ngaji",
    ),
    (
        "setiap hari jam setengah 5 sore Pulang",
        wib(2026, 11, 22, 16, 30),
        rule(hour=16, minute=30),
        "setiap hari 16:30",
        "Pulang",
    ),
    # "jam 12 malam" on a weekday is the start of the next day
    (
        "setiap senin jam 12 malam Tutup buku",
        wib(2026, 11, 24, 0),
        rule({1}, hour=0),
        "setiap Selasa 00:00",
        "Tutup buku",
    ),
    # a zone word: the rule keeps that zone's clock, and says so
    (
        "setiap hari 08:00 WITA Rapat",
        wib(2026, 11, 22, 7),
        rule(hour=8, zone="Asia/Makassar"),
        "setiap hari 08:00 WITA",
        "Rapat",
    ),
    (
        "setiap senin 00:30 WIT Rapat",
        wib(2026, 11, 22, 22, 30),
        rule({0}, hour=0, minute=30, zone="Asia/Jayapura"),
        "setiap Senin 00:30 WIT",
        "Rapat",
    ),
    # English
    ("every day 8am Hi", wib(2026, 11, 22, 8), rule(hour=8), "setiap hari 08:00", "Hi"),
    (
        "every day at 9:30 pm Hi",
        wib(2026, 11, 21, 21, 30),
        rule(hour=21, minute=30),
        "setiap hari 21:30",
        "Hi",
    ),
    (
        "every monday 09:00 Standup",
        wib(2026, 11, 23, 9),
        rule({0}, hour=9),
        "setiap Senin 09:00",
        "Standup",
    ),
    (
        "every monday and thursday at 4pm Class",
        wib(2026, 11, 23, 16),
        rule({0, 3}, hour=16),
        "setiap Senin dan Kamis 16:00",
        "Class",
    ),
    (
        "every weekday 7:30 am Go",
        wib(2026, 11, 23, 7, 30),
        rule(WORKDAYS, hour=7, minute=30),
        "setiap hari kerja (Senin-Jumat) 07:30",
        "Go",
    ),
    ("daily 8am Hi", wib(2026, 11, 22, 8), rule(hour=8), "setiap hari 08:00", "Hi"),
    (
        "SETIAP HARI 08.00 Kapital",
        wib(2026, 11, 22, 8),
        rule(hour=8),
        "setiap hari 08:00",
        "Kapital",
    ),
]


@pytest.mark.parametrize(
    ("phrase", "first", "expected", "description", "text"), ROWS, ids=[r[0][:40] for r in ROWS]
)
def test_reads_repeat_rules(
    phrase: str, first: datetime, expected: RepeatRule, description: str, text: str
) -> None:
    result = parse_schedule(phrase, SAT, WIB)
    assert result.error is None and result.ok
    assert result.rule == expected
    assert result.repeat == description == expected.describe(WIB)
    assert result.when == first
    assert result.when is not None and result.when > SAT
    assert result.text == text


@pytest.mark.parametrize(
    ("phrase", "words", "suggestion"),
    [
        (
            "setiap minggu 08:00 Ibadah",
            (
                "setiap minggu",
                "setiap hari minggu",
                "setiap Minggu 08:00, mulai Minggu, 22 Nov 2026 08:00 WIB",
            ),
            wib(2026, 11, 22, 8),
        ),
        ("setiap hari Rapat", ("Jamnya belum ditulis",), None),
        (
            "setiap hari pagi Senam",
            ("Jamnya belum ditulis", "setiap hari 08:00, mulai"),
            wib(2026, 11, 22, 8),
        ),
        (
            "setiap tanggal 1 jam 12 malam Tutup buku",
            ("hari berikutnya", "setiap tanggal 2, 00:00"),
            wib(2026, 12, 2, 0),
        ),
        ("setiap hari 08:00:30 Rapat", ("tanpa detik",), wib(2026, 11, 22, 8)),
        ("setiap tanggal 32 08:00 Rapat", ("Tanggal 32 tidak ada",), None),
        ("setiap hari jam 25 Rapat", ("25:00", "tidak ada"), None),
        (
            "setiap hari jam 8 sore Rapat",
            ("tidak cocok", "setiap hari 20:00"),
            wib(2026, 11, 22, 20),
        ),
    ],
)
def test_repeat_errors_propose_a_rule(
    phrase: str, words: tuple[str, ...], suggestion: datetime | None
) -> None:
    result = parse_schedule(phrase, SAT, WIB)
    assert result.when is None and result.repeat is None
    assert result.error is not None
    for word in words:
        assert word in result.error
    assert result.suggestion == suggestion
    if suggestion is None:
        assert result.rule is None
    else:  # the proposed rule, ready to be accepted with "ya"
        assert result.rule is not None and result.rule.next_after(SAT, WIB) == suggestion
        assert result.rule.describe(WIB) in result.error


def test_a_zone_word_in_a_zone_with_dst_keeps_its_own_clock() -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    result = parse_schedule("setiap hari 08:00 WIB Rapat", SAT, amsterdam)
    assert result.ok and result.rule == rule(hour=8)
    assert result.repeat == "setiap hari 08:00 WIB"
    assert result.when == wib(2026, 11, 22, 8)


def test_one_off_phrases_have_no_rule() -> None:
    result = parse_schedule("besok 08:00 Rapat setiap hari", SAT, WIB)
    assert result.ok and result.rule is None and result.repeat is None


# --- RepeatRule itself ---------------------------------------------------------------------


def test_the_31st_skips_months_without_one_as_cron_does() -> None:
    # Decided: accepted, and said so in the description.
    monthly = rule(day=31, hour=8)
    assert monthly.describe() == "setiap tanggal 31, 08:00 (bulan tanpa tanggal 31 dilewati)"
    moments = [wib(2026, 11, 21, 20)]
    for _ in range(4):
        moments.append(monthly.next_after(moments[-1], WIB))
    assert moments[1:] == [
        wib(2026, 12, 31, 8),
        wib(2027, 1, 31, 8),
        wib(2027, 3, 31, 8),
        wib(2027, 5, 31, 8),
    ]
    assert rule(day=29, hour=8).next_after(wib(2027, 1, 30, 0), WIB) == wib(2027, 3, 29, 8)
    assert rule(day=29, hour=8).next_after(wib(2028, 1, 30, 0), WIB) == wib(2028, 2, 29, 8)


def test_full_week_is_every_day() -> None:
    assert rule(set(range(7)), hour=8) == rule(hour=8)
    assert rule(set(range(7)), hour=8).describe() == "setiap hari 08:00"


@pytest.mark.parametrize(
    "bad",
    [
        {"hour": 24},
        {"minute": 60},
        {"hour": -1},
        {"weekdays": frozenset()},
        {"weekdays": frozenset({7})},
        {"days_of_month": frozenset({0})},
        {"days_of_month": frozenset({32})},
        {"days_of_month": frozenset()},
        {"weekdays": frozenset({1}), "days_of_month": frozenset({1})},
        {"zone": "Asia/Nowhere"},
        {"every_minutes": 30},
        {"every_minutes": 0, "start": datetime(2026, 1, 1, tzinfo=UTC)},
        {"every_minutes": 30, "start": datetime(2026, 1, 1)},  # noqa: DTZ001
        {
            "every_minutes": 30,
            "start": datetime(2026, 1, 1, tzinfo=UTC),
            "weekdays": frozenset({1}),
        },
    ],
)
def test_invalid_rules_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RepeatRule(**bad)  # type: ignore[arg-type]


def test_to_text_is_compact_and_stable() -> None:
    text = rule({3, 0}, hour=16).to_text()
    assert text == (
        '{"days":null,"every":null,"hour":16,"minute":0,"start":null,"v":2,'
        '"weekdays":[0,3],"zone":"Asia/Jakarta"}'
    )
    assert rule(day={15, 1}, hour=8, zone=None).to_text() == (
        '{"days":[1,15],"every":null,"hour":8,"minute":0,"start":null,"v":2,"weekdays":null,'
        '"zone":null}'
    )
    every = RepeatRule(every_minutes=30, start=wib(2026, 11, 22, 8))
    assert every.to_text() == (
        '{"days":null,"every":30,"hour":0,"minute":0,'
        '"start":"2026-11-22T01:00:00.000000Z","v":2,"weekdays":null,'
        '"zone":null}'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"day":null,"hour":16,"minute":0,"v":1,"weekdays":[0,3]}',
            rule({0, 3}, hour=16, zone=None),
        ),
        ('{"day":1,"hour":8,"minute":0,"v":1,"weekdays":null}', rule(day=1, hour=8, zone=None)),
        (
            '{"day":null,"hour":8,"minute":30,"v":1,"weekdays":null}',
            rule(hour=8, minute=30, zone=None),
        ),
    ],
)
def test_format_1_rules_are_still_read(text: str, expected: RepeatRule) -> None:
    old = RepeatRule.from_text(text)
    assert old == expected and old.zone is None
    # a rule without a zone follows the bot's current zone
    assert old.next_after(SAT, WITA).utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "null",
        "[]",
        "{}",
        '{"v":2,"hour":8,"minute":0,"weekdays":null,"day":null}',
        '{"v":3,"hour":8,"minute":0,"weekdays":null,"day":null}',
        '{"days":null,"every":null,"hour":8,"minute":0,"start":null,"v":2,"weekdays":null,'
        '"zone":7}',
        '{"days":[0],"every":null,"hour":8,"minute":0,"start":null,"v":2,"weekdays":null,'
        '"zone":null}',
        '{"days":null,"every":30,"hour":0,"minute":0,"start":"yesterday","v":2,"weekdays":null,'
        '"zone":null}',
        '{"v":1,"hour":"8","minute":0,"weekdays":null,"day":null}',
        '{"v":1,"hour":true,"minute":0,"weekdays":null,"day":null}',
        '{"v":1,"hour":8,"minute":0,"weekdays":[9],"day":null}',
        '{"v":1,"hour":8,"minute":0,"weekdays":"mon","day":null}',
        '{"v":1,"hour":8,"minute":0,"weekdays":[1],"day":3}',
        "setiap hari 08:00",
    ],
)
def test_from_text_refuses_anything_it_did_not_write(text: str) -> None:
    with pytest.raises(ValueError):
        RepeatRule.from_text(text)


_ZONES = st.sampled_from([None, "Asia/Jakarta", "Asia/Makassar", "Europe/Berlin"])
RULES = (
    st.builds(
        RepeatRule,
        weekdays=st.one_of(st.none(), st.frozensets(st.integers(0, 6), min_size=1)),
        hour=st.integers(0, 23),
        minute=st.integers(0, 59),
        zone=_ZONES,
    )
    | st.builds(
        RepeatRule,
        days_of_month=st.frozensets(st.integers(1, 31), min_size=1),
        hour=st.integers(0, 23),
        minute=st.integers(0, 59),
        zone=_ZONES,
    )
    | st.builds(
        RepeatRule,
        month_end=st.just(True),
        hour=st.integers(0, 23),
        minute=st.integers(0, 59),
        zone=_ZONES,
    )
)
INTERVALS = st.builds(
    RepeatRule,
    every_minutes=st.integers(15, 7 * 1440),
    start=st.datetimes(
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001
        max_value=datetime(2031, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)


@settings(max_examples=100, deadline=None)
@given(repeat=RULES | INTERVALS)
def test_text_round_trip(repeat: RepeatRule) -> None:
    text = repeat.to_text()
    assert RepeatRule.from_text(text) == repeat
    assert json.loads(text)["v"] == (3 if repeat.month_end else 2)
    assert repeat.describe().startswith("setiap ")


def test_cron_kwargs() -> None:
    assert rule({3, 0}, hour=16).cron_kwargs() == {
        "day_of_week": "mon,thu",
        "hour": 16,
        "minute": 0,
        "second": 0,
    }
    assert rule(WORKDAYS, hour=7, minute=30).cron_kwargs()["day_of_week"] == "mon,tue,wed,thu,fri"
    assert rule(day=1, hour=8).cron_kwargs() == {"day": 1, "hour": 8, "minute": 0, "second": 0}
    assert rule(day={15, 1}, hour=8).cron_kwargs()["day"] == "1,15"
    assert rule(hour=8).cron_kwargs() == {"hour": 8, "minute": 0, "second": 0}


def _cron_next(repeat: RepeatRule, moment: datetime, tz: ZoneInfo) -> datetime:
    trigger = CronTrigger(**repeat.cron_kwargs(), timezone=repeat.zone_in(tz))
    # As a scheduler asks after a run at `moment`: strictly later.
    found = trigger.get_next_fire_time(moment, moment)
    assert found is not None
    return found


MOMENTS = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2031, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None)
@given(repeat=RULES, moment=MOMENTS, tz=st.sampled_from([WIB, WITA, WIT, ZoneInfo("UTC")]))
def test_next_after_matches_cron_in_indonesian_zones(
    repeat: RepeatRule, moment: datetime, tz: ZoneInfo
) -> None:
    if repeat.zone == "Europe/Berlin":  # DST: tested against the calendar below instead
        repeat = RepeatRule(
            weekdays=repeat.weekdays,
            days_of_month=repeat.days_of_month,
            hour=repeat.hour,
            minute=repeat.minute,
            month_end=repeat.month_end,
        )
    mine = repeat.next_after(moment, tz)
    assert mine.astimezone(UTC) == _cron_next(repeat, moment, tz).astimezone(UTC)
    assert mine.astimezone(UTC) > moment
    assert mine.tzinfo is tz
    # exactly on an occurrence: the next one, not the same
    again = repeat.next_after(mine, tz)
    assert again > mine
    assert again.astimezone(UTC) == _cron_next(repeat, mine, tz).astimezone(UTC)


AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("repeat", "moment", "tz", "expected"),
    [
        # APScheduler 3.11's CronTrigger skips a whole week or month here: its step over the DST
        # change lands an hour late. The rule gives the calendar's answer.
        (
            rule({0}, zone=None),
            datetime(2025, 3, 4, 0, 0, tzinfo=UTC),
            NEW_YORK,
            datetime(2025, 3, 10, 0, 0, tzinfo=NEW_YORK),
        ),
        (
            rule(day=1, minute=59, zone=None),
            datetime(2026, 3, 13, 5, 59, 46, tzinfo=UTC),
            AMSTERDAM,
            datetime(2026, 4, 1, 0, 59, tzinfo=AMSTERDAM),
        ),
        # 02:30 does not exist on 29 Mar 2026 in Amsterdam: it is read as 03:30 CEST, as cron does.
        (
            rule(hour=2, minute=30, zone=None),
            datetime(2026, 3, 28, 12, tzinfo=UTC),
            AMSTERDAM,
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        ),
        # 02:30 happens twice on 25 Oct 2026: once a day means the first one only (cron would
        # fire again at the second, posting twice).
        (
            rule(hour=2, minute=30, zone=None),
            datetime(2026, 10, 24, 12, tzinfo=UTC),
            AMSTERDAM,
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        ),
        (
            rule(hour=2, minute=30, zone=None),
            datetime(2026, 10, 25, 0, 45, tzinfo=UTC),
            AMSTERDAM,
            datetime(2026, 10, 26, 1, 30, tzinfo=UTC),
        ),
    ],
)
def test_next_after_is_the_calendars_answer_across_dst(
    repeat: RepeatRule, moment: datetime, tz: ZoneInfo, expected: datetime
) -> None:
    assert repeat.next_after(moment, tz).astimezone(UTC) == expected.astimezone(UTC)


def test_next_after_many_steps_in_wib() -> None:
    weekly = rule({0, 3}, hour=16)
    moment = SAT
    seen = []
    for _ in range(6):
        moment = weekly.next_after(moment, WIB)
        seen.append(moment)
    assert seen == [
        wib(2026, 11, 23, 16),
        wib(2026, 11, 26, 16),
        wib(2026, 11, 30, 16),
        wib(2026, 12, 3, 16),
        wib(2026, 12, 7, 16),
        wib(2026, 12, 10, 16),
    ]
    assert all(b - a >= timedelta(days=3) for a, b in itertools.pairwise(seen))


def test_next_after_needs_an_aware_moment() -> None:
    with pytest.raises(ValueError):
        rule(hour=8).next_after(datetime(2026, 1, 1), WIB)  # noqa: DTZ001
