"""A half (or quarter) written after the unit: "1 jam setengah lagi" is an hour and a half
from now, as "1,5 jam lagi" and "satu setengah jam lagi" are; "jam setengah 8" stays 07:30."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.repeat import RepeatRule
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")
SUN = datetime(2026, 11, 22, 10, 0, tzinfo=WIB)


# (phrase, time from now, post text)
ROWS: list[tuple[str, timedelta, str]] = [
    ("1 jam setengah lagi Rapat", timedelta(hours=1, minutes=30), "Rapat"),
    ("2 jam setengah lagi Rapat", timedelta(hours=2, minutes=30), "Rapat"),
    ("satu jam setengah lagi Rapat", timedelta(hours=1, minutes=30), "Rapat"),
    ("dua jam setengah lagi Rapat", timedelta(hours=2, minutes=30), "Rapat"),
    ("3 jam stgh lg Rapat", timedelta(hours=3, minutes=30), "Rapat"),
    ("dalam 1 jam setengah Rapat", timedelta(hours=1, minutes=30), "Rapat"),
    ("1 jam seperempat lagi Rapat", timedelta(hours=1, minutes=15), "Rapat"),
    ("1 jam setengah lagi setengah harga", timedelta(hours=1, minutes=30), "setengah harga"),
    # the forms read before: unchanged
    ("1,5 jam lagi Rapat", timedelta(hours=1, minutes=30), "Rapat"),
    ("satu setengah jam lagi Rapat", timedelta(hours=1, minutes=30), "Rapat"),
    ("1 jam 30 menit lagi Rapat", timedelta(hours=1, minutes=30), "Rapat"),
    ("setengah jam lagi Rapat", timedelta(minutes=30), "Rapat"),
]


@pytest.mark.parametrize(("phrase", "later", "text"), ROWS, ids=[r[0] for r in ROWS])
def test_reads_the_half_after_the_unit(phrase: str, later: timedelta, text: str) -> None:
    result = parse_schedule(phrase, SUN, WIB)
    assert result.error is None, result.error
    assert (result.when, result.text) == (SUN + later, text)


def test_an_interval_with_the_half_after_the_unit() -> None:
    result = parse_schedule("setiap 1 jam setengah Cek", SUN, WIB)
    assert result.error is None, result.error
    assert result.rule == RepeatRule(every_minutes=90, start=SUN + timedelta(minutes=90))
    assert (result.repeat, result.text) == ("setiap 1 jam 30 menit", "Cek")


def test_a_half_before_a_number_is_a_clock_not_a_half_hour() -> None:
    assert parse_schedule("besok jam setengah 8 pagi X", SUN, WIB).when == datetime(
        2026, 11, 23, 7, 30, tzinfo=WIB
    )
    # "2 jam setengah 8" is neither 2,5 hours nor a clock: not read as either
    unread = parse_schedule("2 jam setengah 8 lagi X", SUN, WIB)
    assert unread.when is None and unread.error is not None
