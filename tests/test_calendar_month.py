"""Which month /kalender means, the month's local days in UTC, and what the caption says."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import messages as m
from bot.context import UserError
from bot.monthplan import MonthPlan, day_starts
from handlers.calendar import LOOK_BACK_MONTHS, caption, parse_month

SATURDAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", (2026, 11)),
        ("bulan ini", (2026, 11)),
        ("this month", (2026, 11)),
        ("depan", (2026, 12)),
        ("bulan depan", (2026, 12)),
        ("Bulan  Depan", (2026, 12)),
        ("next month", (2026, 12)),
        ("bulan lalu", (2026, 10)),
        ("12", (2026, 12)),
        ("desember", (2026, 12)),
        ("Des", (2026, 12)),
        ("des 2026", (2026, 12)),
        ("desember 2027", (2027, 12)),
        ("2027 mei", (2027, 5)),
        ("12/2027", (2027, 12)),
        ("2027-01", (2027, 1)),
        ("01", (2027, 1)),  # January 2026 is long past: next January
        ("jan", (2027, 1)),
        ("agustus", (2026, 8)),  # three months back: still this year's, to look back at
        ("juli", (2027, 7)),  # four months back: next year's
        ("november", (2026, 11)),
        ("bulan mei", (2027, 5)),
    ],
)
def test_month_words(raw: str, expected: tuple[int, int]):
    assert parse_month(raw, SATURDAY) == expected


def test_a_month_named_without_a_year_looks_back_a_few_months_at_most():
    back = [month for month in range(1, 13) if parse_month(str(month), SATURDAY)[0] == 2026]
    assert back == list(range(11 - LOOK_BACK_MONTHS, 13))


@pytest.mark.parametrize(
    ("today", "raw", "expected"),
    [
        (date(2026, 12, 31), "depan", (2027, 1)),
        (date(2027, 1, 1), "bulan lalu", (2026, 12)),
        (date(2027, 1, 1), "des", (2026, 12)),  # last month, not next December
    ],
)
def test_months_across_the_new_year(today: date, raw: str, expected: tuple[int, int]):
    assert parse_month(raw, today) == expected


@pytest.mark.parametrize(
    "raw", ["13", "0", "abc", "des des", "depan 2026", "12 2026 3", "1.5", "desemberr", "2026 2027"]
)
def test_unreadable_month_is_refused_with_usage(raw: str):
    with pytest.raises(UserError) as refused:
        parse_month(raw, SATURDAY)
    assert refused.value.reason == m.CALENDAR_BAD_MONTH.format(raw=raw)
    assert refused.value.usage_of == "kalender"


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("des 2032", "2032"),
        ("januari 2015", "2015"),
        ("1 2099", "2099"),
        ("12 20000", "20000"),
        ("2099", "2099"),  # a year alone, and out of reach: the reach is what to know first
        ("mei 999", "999"),
        ("12/0012", "0012"),
        ("des " + "9" * 40, "9" * 40),
    ],
)
def test_years_out_of_reach_are_refused_with_usage(raw: str, year: str):
    with pytest.raises(UserError) as refused:
        parse_month(raw, SATURDAY)
    assert refused.value.reason == m.CALENDAR_BAD_YEAR.format(
        first=2016, last=2031, year=m.echo(year)
    )
    assert refused.value.usage_of == "kalender"
    assert parse_month("des 2031", SATURDAY) == (2031, 12)
    assert parse_month("jan 2016", SATURDAY) == (2016, 1)


@pytest.mark.parametrize("raw", ["2027", "2026", " 2031 ", "2016"])
def test_a_year_alone_asks_for_its_month(raw: str):
    with pytest.raises(UserError) as refused:
        parse_month(raw, SATURDAY)
    assert refused.value.reason == m.CALENDAR_YEAR_ONLY.format(year=raw.strip())
    assert refused.value.usage_of == "kalender"
    assert parse_month(f"jan {raw}", SATURDAY) == (int(raw), 1)


def test_days_of_a_month_in_utc_follow_the_zone():
    jakarta = day_starts(2026, 12, ZoneInfo("Asia/Jakarta"))
    assert len(jakarta) == 32
    assert jakarta[0].astimezone(UTC) == datetime(2026, 11, 30, 17, tzinfo=UTC)
    assert jakarta[-1].astimezone(UTC) == datetime(2026, 12, 31, 17, tzinfo=UTC)
    # New York moves its clocks on 8 March 2026: that day has 23 hours, the others 24.
    york = [s.astimezone(UTC) for s in day_starts(2026, 3, ZoneInfo("America/New_York"))]
    lengths = {day: york[day] - york[day - 1] for day in range(1, 32)}
    assert lengths[8] == timedelta(hours=23)
    assert {d for d, length in lengths.items() if length != timedelta(hours=24)} == {8}


def plan(days: dict[int, tuple[tuple[str, int], ...]], posts: int | None = None) -> MonthPlan:
    total = sum(c for day in days.values() for _, c in day)
    return MonthPlan(2026, 11, SATURDAY, days, total if posts is None else posts)


def test_busiest_day_and_clashes():
    month = plan({day: (("A", 1),) for day in range(22, 31)} | {25: (("A", 2), ("B", 3))})
    assert month.busiest() == (25, 5)
    assert month.clash_days() == {25}
    assert plan({22: (("A", 2),), 23: (("A", 2),)}).clash_days() == set()  # equals: no clash
    assert plan({22: (("A", 1),), 23: (("A", 2),)}).clash_days() == set()  # too few to matter
    assert plan({}).busiest() is None


def test_caption_counts_the_month_and_names_its_days():
    month = plan(
        {10: (("Grup Demo A", 1),), 23: (("Grup Demo A", 1), ("Alumni SMA", 1))}
        | {24: (("Grup Demo A", 1),), 26: (("Grup Demo A", 6),)},
        posts=9,
    )
    assert caption(month).splitlines() == [
        m.CALENDAR_CAPTION_POSTS.format(month="November 2026", posts=9, count=10, groups=2),
        m.CALENDAR_BUSIEST.format(day="Kamis, 26 Nov 2026", count=6),
        m.CALENDAR_CLASHES.format(days="26 Nov"),
        m.CALENDAR_EMPTY_AHEAD.format(count=7, days="21-22, 25, 27-30 Nov"),
        m.CALENDAR_COUNTED,
    ]


def test_caption_of_an_empty_a_full_and_a_past_month():
    assert caption(plan({})) == m.CALENDAR_CAPTION_EMPTY.format(month="November 2026")
    full = plan({day: (("A", 1),) for day in range(21, 31)})
    assert m.CALENDAR_FULL_AHEAD in caption(full).splitlines()
    only_past = plan({3: (("A", 1),)})
    assert m.CALENDAR_EMPTY_AHEAD_ALL in caption(only_past).splitlines()
    october = MonthPlan(2026, 10, SATURDAY, {5: (("A", 2),)}, 2)
    assert caption(october).splitlines() == [
        m.CALENDAR_CAPTION.format(month="Oktober 2026", count=2, groups=1),
        m.CALENDAR_BUSIEST.format(day="Senin, 5 Okt 2026", count=2),
        m.CALENDAR_COUNTED,
    ]
    december = MonthPlan(2026, 12, SATURDAY, {1: (("A", 1),)}, 1)
    assert m.CALENDAR_COUNTED not in caption(december)
    assert m.CALENDAR_EMPTY_AHEAD.format(count=30, days="2-31 Des") in caption(december)
