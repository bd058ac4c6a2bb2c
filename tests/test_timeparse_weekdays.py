"""Weekdays with "ini" and "depan", from every day of the week (weeks run Monday to Sunday):

- "X": the next X whose clock is still ahead;
- "X ini": X of this week, refused with a proposal once it has passed;
- "X depan": X of next week; on a Sunday, "senin depan" (tomorrow by that rule) is asked;
- "minggu depan" alone (Sunday, or next week?) is always asked, naming two different days.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.timefmt import format_local
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=WIB)  # each "today" is this + n days, at 09:00
NAMES = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")

# Days from today to the post at 10:00, by [today][named day], Monday = 0. A negative number
# is a question whose proposal is that many days ahead.
PLAIN = [
    [0, 1, 2, 3, 4, 5, 6],
    [6, 0, 1, 2, 3, 4, 5],
    [5, 6, 0, 1, 2, 3, 4],
    [4, 5, 6, 0, 1, 2, 3],
    [3, 4, 5, 6, 0, 1, 2],
    [2, 3, 4, 5, 6, 0, 1],
    [1, 2, 3, 4, 5, 6, 0],
]
INI = [
    [0, 1, 2, 3, 4, 5, 6],
    [-6, 0, 1, 2, 3, 4, 5],
    [-5, -6, 0, 1, 2, 3, 4],
    [-4, -5, -6, 0, 1, 2, 3],
    [-3, -4, -5, -6, 0, 1, 2],
    [-2, -3, -4, -5, -6, 0, 1],
    [-1, -2, -3, -4, -5, -6, 0],
]
DEPAN = [
    [7, 8, 9, 10, 11, 12, 13],
    [6, 7, 8, 9, 10, 11, 12],
    [5, 6, 7, 8, 9, 10, 11],
    [4, 5, 6, 7, 8, 9, 10],
    [3, 4, 5, 6, 7, 8, 9],
    [2, 3, 4, 5, 6, 7, 8],
    [-8, 2, 3, 4, 5, 6, 7],
]
TABLES = {"": PLAIN, "ini": INI, "depan": DEPAN}
CASES = [(today, named, mod) for today in range(7) for named in range(7) for mod in TABLES]


def _phrase(named: int, mod: str) -> str:
    if named == 6 and mod == "depan":
        return "hari minggu depan 10:00 Rapat"  # "minggu depan" alone is asked, below
    return " ".join(filter(None, (NAMES[named], mod, "10:00 Rapat")))


@pytest.mark.parametrize(
    ("today", "named", "mod"), CASES, ids=[f"{NAMES[t]}:{_phrase(n, m)[:-6]}" for t, n, m in CASES]
)
def test_every_weekday_from_every_day(today: int, named: int, mod: str) -> None:
    now = MONDAY + timedelta(days=today)
    result = parse_schedule(_phrase(named, mod), now, WIB)
    days = TABLES[mod][today][named]
    expected = (now + timedelta(days=abs(days))).replace(hour=10)
    assert expected.weekday() == named
    assert result.text == "Rapat"
    if days >= 0:
        assert result.error is None, result.error
        assert result.when == expected
    else:
        assert result.when is None and result.error is not None
        assert result.suggestion == expected
        assert f"Maksudnya {format_local(expected, WIB)}?" in result.error


def test_ini_and_depan_never_silently_name_the_same_day() -> None:
    # (a refused "ini" may propose next week's day: that is a question, not an answer)
    for today in range(7):
        for named in range(7):
            ini, depan = INI[today][named], DEPAN[today][named]
            assert ini < 0 or depan < 0 or ini != depan, (NAMES[today], NAMES[named])


def test_senin_depan_on_a_sunday_is_asked_not_tomorrow() -> None:
    sunday = MONDAY + timedelta(days=6)
    for phrase in (
        "senin depan 10:00 Rapat",
        "Senin depan jam 10 pagi Rapat",
        "next monday 10am Rapat",
    ):
        result = parse_schedule(phrase, sunday, WIB)
        assert result.when is None and result.error is not None, phrase
        assert "besok (Senin, 30 Nov 2026 10:00 WIB)" in result.error
        assert result.suggestion == datetime(2026, 12, 7, 10, tzinfo=WIB)
    assert parse_schedule("besok 10:00 Rapat", sunday, WIB).when == datetime(
        2026, 11, 30, 10, tzinfo=WIB
    )


_DATE = re.compile(
    r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{1,2} \w{3} \d{4}"
    r"(?: \d\d:\d\d)?"
)


@pytest.mark.parametrize("today", range(7), ids=NAMES)
def test_no_question_offers_the_same_date_twice(today: int) -> None:
    now = MONDAY + timedelta(days=today)
    phrases = [
        "minggu depan 10:00 Rapat",
        "minggu depan Rapat",
        "Minggu depan jam 7 malam x",
        "jam 8 Rapat",
        "besok jam 8 Rapat",
        "jam 11 Rapat",
    ]
    phrases += [_phrase(named, mod) for named in range(7) for mod in ("ini", "depan")]
    asked = 0
    for phrase in phrases:
        error = parse_schedule(phrase, now, WIB).error
        if error is None:
            continue
        asked += 1
        options = _DATE.findall(error.split(" Maksudnya ")[0])
        assert len(options) == len(set(options)), (phrase, error)
    assert asked >= 3


@pytest.mark.parametrize("today", range(7), ids=NAMES)
def test_minggu_depan_asks_with_next_weeks_sunday_and_monday(today: int) -> None:
    now = MONDAY + timedelta(days=today)
    result = parse_schedule("minggu depan 10:00 Libur", now, WIB)
    monday = now + timedelta(days=7 - today)
    sunday = (monday + timedelta(days=6)).replace(hour=10)
    assert result.when is None and result.error is not None
    assert f"hari Minggu ({format_local(sunday, WIB)})" in result.error
    assert f"pekan depan (mulai Senin, {monday.day} " in result.error
    assert result.suggestion == sunday
