"""Bare hours ("jam 8" with no pagi/malam, no am/pm, no leading zero): the rule in
bot/timeparse/twelve.py and README. Without a day, the sooner reading still ahead, unless it
is in the night (23:00-03:59) or the other one just passed; with a day, the daytime reading,
and a question when both are daytime."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.repeat import RepeatRule
from bot.timefmt import format_local
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


NOW = {
    "sun 06:50": at(22, 6, 50),
    "sun 08:10": at(22, 8, 10),
    "sun 09:44": at(22, 9, 44),
    "sun 20:00": at(22, 20),
    "sun 21:00": at(22, 21),
    "sun 22:30": at(22, 22, 30),
    "mon 00:30": at(23, 0, 30),
    "sat 20:00": at(21, 20),
    "mon 09:44": at(23, 9, 44),
}


@dataclass(frozen=True)
class Ask:
    proposal: datetime
    other: str  # words naming the other reading


ROWS: list[tuple[str, str, datetime | Ask]] = [
    # no day: the sooner reading still ahead
    ("sun 09:44", "jam 3 Pengajian", at(22, 15)),
    ("sun 06:50", "jam 7 Senam", at(22, 7)),
    ("sun 06:50", "jam 8 Senam", at(22, 8)),
    ("sun 09:44", "jam 8 Rapat", at(22, 20)),
    ("sun 09:44", "jam 10 Rapat", at(22, 10)),
    ("sun 09:44", "jam 12 Rapat", at(22, 12)),
    ("sun 09:44", "pukul 7.30 Rapat", at(22, 19, 30)),
    ("sun 09:44", "jam setengah 8 Rapat", at(22, 19, 30)),
    ("sun 09:44", "jam 8 kurang 15 Rapat", at(22, 19, 45)),
    ("sun 09:44", "at 9 Rapat", Ask(at(22, 21), "Senin, 23 Nov 2026 09:00")),  # 09:00 just gone
    ("mon 00:30", "jam 5 Subuh Kajian", at(23, 5)),
    ("mon 00:30", "jam 6 Senam", at(23, 6)),
    ("sun 22:30", "jam 7 Senam", at(23, 7)),
    # written as 24-hour: no question
    ("sun 09:44", "jam 10.30 Rapat", at(22, 10, 30)),
    ("sun 09:44", "07.30 Rapat", at(23, 7, 30)),
    ("sun 09:44", "jam 08 Rapat", at(23, 8)),
    ("sun 20:00", "08:00 Rapat", at(23, 8)),
    # no day, but the sooner reading is in the night, or the other just passed: asked
    ("sun 20:00", "jam 12 Rapat", Ask(at(23, 12), "Senin, 23 Nov 2026 00:00")),
    ("mon 00:30", "jam 1 Ronda", Ask(at(23, 13), "Senin, 23 Nov 2026 01:00")),
    ("sun 22:30", "jam 11 Tidur", Ask(at(23, 11), "Minggu, 22 Nov 2026 23:00")),
    ("sun 08:10", "jam 8 Rapat", Ask(at(22, 20), "Senin, 23 Nov 2026 08:00")),
    # today only ("hari ini", "nanti")
    ("sun 06:50", "hari ini jam 8 Rapat", at(22, 8)),
    ("sun 09:44", "hari ini jam 8 Rapat", at(22, 20)),
    ("sun 08:10", "hari ini jam 8 Rapat", at(22, 20)),
    ("sun 09:44", "nanti jam 8 Rapat", at(22, 20)),
    ("sun 21:00", "hari ini jam 8 Rapat", Ask(at(23, 20), "sudah lewat")),
    # a day named: the daytime reading, or a question when both are daytime
    ("sun 09:44", "besok jam 3 Rapat", at(23, 15)),
    ("sun 09:44", "besok jam 1 Rapat", at(23, 13)),
    ("sun 09:44", "besok jam 11 Rapat", at(23, 11)),
    ("sun 09:44", "besok jam 12 Rapat", at(23, 12)),
    ("sun 09:44", "tanggal 1 jam 2 Rapat", at(1, 14, month=12)),
    ("sun 09:44", "besok jam 8 Rapat", Ask(at(23, 8), "Senin, 23 Nov 2026 20:00")),
    ("sun 09:44", "besok jam 4 Sahur", Ask(at(23, 4), "Senin, 23 Nov 2026 16:00")),
    ("sun 09:44", "besok jam 10 Rapat", Ask(at(23, 10), "Senin, 23 Nov 2026 22:00")),
    ("sun 09:44", "besok 8:30 Rapat", Ask(at(23, 8, 30), "Senin, 23 Nov 2026 20:30")),
    ("sun 09:44", "lusa jam 6 Senam", Ask(at(24, 6), "Selasa, 24 Nov 2026 18:00")),
    ("sun 09:44", "25/12 jam 7 Misa", Ask(at(25, 7, month=12), "Jumat, 25 Des 2026 19:00")),
    ("sun 09:44", "tomorrow at 9 Meeting", Ask(at(23, 9), "Senin, 23 Nov 2026 21:00")),
    ("mon 09:44", "senin jam 8 Rapat", Ask(at(23, 20), "Senin, 30 Nov 2026 08:00")),
    ("sat 20:00", "21/11 jam 9 Rapat", at(21, 21)),  # the morning one is past: one left
    # with the part of the day: no question
    ("sun 09:44", "besok jam 8 pagi Rapat", at(23, 8)),
    ("sun 09:44", "besok jam 8 malam Rapat", at(23, 20)),
    ("sun 09:44", "besok jam 4 subuh Sahur", at(23, 4)),
    ("sun 09:44", "besok jam 10 siang Rapat", at(23, 10)),
]


@pytest.mark.parametrize(
    ("now_key", "phrase", "expected"), ROWS, ids=[f"{r[0]}:{r[1]}" for r in ROWS]
)
def test_bare_hours(now_key: str, phrase: str, expected: datetime | Ask) -> None:
    result = parse_schedule(phrase, NOW[now_key], WIB)
    assert result.text == phrase.rsplit(" ", 1)[1]  # every post here is one word
    if isinstance(expected, datetime):
        assert result.error is None, result.error
        assert result.when == expected
        return
    assert result.when is None and result.error is not None
    assert result.suggestion == expected.proposal
    assert format_local(expected.proposal, WIB) in result.error
    assert expected.other in result.error


def test_the_question_says_how_to_answer() -> None:
    result = parse_schedule("besok jam 8 Rapat RT", NOW["sun 09:44"], WIB)
    assert result.error == (
        "\u201cjam 8\u201d bisa berarti Senin, 23 Nov 2026 08:00 WIB atau Senin, 23 Nov 2026 "
        "20:00 WIB. Tambahkan pagi, siang, sore atau malam, mis. \u201cjam 8 malam\u201d. "
        "Maksudnya Senin, 23 Nov 2026 08:00 WIB?"
    )
    # what "ya" accepts: the proposed moment and the post
    assert (result.suggestion, result.text, result.rule) == (at(23, 8), "Rapat RT", None)
    assert result.expression == "besok jam 8"


@pytest.mark.parametrize(
    ("phrase", "hour", "other"),
    [
        ("setiap hari jam 8 Senam", 8, "setiap hari 20:00"),
        ("setiap senin jam 7 Rapat", 7, "setiap Senin 19:00"),
        ("setiap tanggal 1 dan 15 jam 9 Gajian", 9, "setiap tanggal 1 dan 15, 21:00"),
        ("setiap akhir pekan jam 7 Jalan", 7, "setiap Sabtu dan Minggu 19:00"),
        ("setiap jam 9 Rapat", 9, "setiap hari 21:00"),
    ],
)
def test_a_repeat_with_a_bare_hour_is_asked(phrase: str, hour: int, other: str) -> None:
    now = NOW["sun 09:44"]
    result = parse_schedule(phrase, now, WIB)
    assert result.when is None and result.error is not None and other in result.error
    assert result.rule is not None and result.rule.hour == hour
    assert result.suggestion == result.rule.next_after(now, WIB)
    assert result.rule.describe(WIB) + ", mulai " in result.error
    assert result.text == phrase.rsplit(" ", 1)[1]


@pytest.mark.parametrize(
    ("phrase", "rule"),
    [
        ("setiap hari jam 3 Pengajian", RepeatRule(hour=15, zone="Asia/Jakarta")),
        (
            "setiap senin jam 12 Makan",
            RepeatRule(weekdays=frozenset({0}), hour=12, zone="Asia/Jakarta"),
        ),
        ("setiap jam 9 pagi Rapat", RepeatRule(hour=9, zone="Asia/Jakarta")),
        ("setiap jam 11 Rapat", RepeatRule(hour=11, zone="Asia/Jakarta")),
    ],
)
def test_a_repeat_with_one_daytime_reading_takes_it(phrase: str, rule: RepeatRule) -> None:
    result = parse_schedule(phrase, NOW["sun 09:44"], WIB)
    assert result.error is None and result.rule == rule
