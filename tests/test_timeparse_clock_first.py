"""Phrasings a user-level review found read at a wrong moment or proposed wrongly: short
forms of the parts of the day, "setiap malam minggu", "jam 12 tengah malam", a day written
after the clock, "besok" just after midnight, dates near the end of a year, 29/02, and a dash
glued to the text. Each is read right, or asked about with a proposal whose post text holds no
time words and whose two dates differ."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.timefmt import format_local
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")


def wib(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


NOW = {
    "mon10": wib(2026, 11, 23, 10),  # Monday 10:00
    "sun10": wib(2026, 11, 22, 10),  # Sunday 10:00
    "mon06": wib(2026, 11, 23, 6),  # Monday 06:00
    "wed10": wib(2026, 11, 25, 10),  # Wednesday 10:00
    "mon0010": wib(2026, 11, 23, 0, 10),  # Monday 00:10, Sunday night for the owner
    "leap0010": wib(2028, 2, 29, 0, 10),  # Tuesday 29 Feb 2028, 00:10
    "yearend": wib(2026, 12, 31, 23, 30),  # Thursday, New Year's Eve, 23:30
}
ASK = "ask"

# (now, phrase, moment (read) or proposal (asked: ASK in the 4th place), post text, words
# the question must hold)
ROWS: list[tuple[str, str, datetime | None, str, tuple[str, ...]]] = [
    # 1. short forms of the parts of the day
    ("mon10", "jam 9 pg Apel", wib(2026, 11, 24, 9), "Apel", ()),
    ("mon10", "jam 4 sr Apel", wib(2026, 11, 23, 16), "Apel", ()),
    ("mon10", "jam 3 sre Apel", wib(2026, 11, 23, 15), "Apel", ()),
    ("mon10", "jam 10 ptg Apel", wib(2026, 11, 23, 22), "Apel", (ASK, "sore")),
    ("mon10", "jam 1 sng Apel", wib(2026, 11, 23, 13), "Apel", ()),
    # 2. "setiap malam minggu": every Saturday evening
    ("sun10", "setiap malam minggu jam 8 Ronda", wib(2026, 11, 28, 20), "Ronda", ()),
    # 3. "jam 12 tengah malam" is midnight
    ("sun10", "jam 12 tengah malam Doa bersama", wib(2026, 11, 23, 0), "Doa bersama", ()),
    ("sun10", "jam 12 tengah hari Makan", wib(2026, 11, 22, 12), "Makan", ()),
    # 4. a day written after the clock is the day
    ("mon06", "jam 7 besok pagi X", wib(2026, 11, 24, 7), "X", ()),
    ("sun10", "jam 7 besok pagi Senam", wib(2026, 11, 23, 7), "Senam", ()),
    ("sun10", "jam 8 pagi senin Rapat RT", wib(2026, 11, 23, 8), "Rapat RT", ()),
    ("wed10", "jam 7 pagi besok Rapat", wib(2026, 11, 26, 7), "Rapat", ()),
    ("wed10", "jam 7 malam besok Rapat", wib(2026, 11, 26, 19), "Rapat", ()),
    ("wed10", "pukul 19.00 besok Rapat", wib(2026, 11, 26, 19), "Rapat", ()),
    ("wed10", "jam 8 senin Rapat", wib(2026, 11, 30, 8), "Rapat", (ASK, "20:00")),
    (
        "wed10",
        "19:00 Besok kita rapat",
        wib(2026, 11, 26, 19),
        "kita rapat",
        (ASK, "sebelum harinya"),
    ),
    ("wed10", "jam 8 malam minggu Ronda", None, "Ronda", (ASK, "malam minggu")),
    # 5. "besok"/"lusa" just after midnight: the day that just began, or the next?
    ("mon0010", "besok 08:00 X", wib(2026, 11, 23, 8), "X", (ASK, "Selasa, 24 Nov 2026")),
    ("mon0010", "besok pagi jam 8 X", wib(2026, 11, 23, 8), "X", (ASK, "Selasa, 24 Nov")),
    ("leap0010", "besok 08:00 X", wib(2028, 2, 29, 8), "X", (ASK, "Rabu, 1 Mar 2028")),
    ("mon0010", "lusa 08:00 X", wib(2026, 11, 24, 8), "X", (ASK, "Rabu, 25 Nov 2026")),
    ("mon0010", "besok 00:05 X", wib(2026, 11, 24, 0, 5), "X", ()),  # the other one is past
    ("mon0010", "besok jam 8 X", wib(2026, 11, 23, 8), "X", (ASK, "Selasa, 24 Nov 2026 08:00")),
    # 6. a day and month that passed days ago: next year's, proposed
    ("yearend", "sabtu 25/12 08:00 X", wib(2027, 12, 25, 8), "X", (ASK, "sudah lewat")),
    ("yearend", "25/12 08:00 X", wib(2027, 12, 25, 8), "X", (ASK, "sudah lewat")),
    ("yearend", "jumat 25/12 08:00 X", None, "X", (ASK, "sudah lewat")),  # 2027's is Saturday
    ("yearend", "1/12 08:00 X", wib(2027, 12, 1, 8), "X", ()),
    # 7. 29/02: the next year that has it
    ("sun10", "29/2 08:00 X", wib(2028, 2, 29, 8), "X", (ASK, "2027", "2028")),
    # 8. the week written out, or two days without "setiap"
    ("wed10", "senin minggu depan jam 8 pagi X", wib(2026, 11, 30, 8), "X", ()),
    ("wed10", "jumat pekan depan 08:00 X", wib(2026, 12, 4, 8), "X", ()),
    ("sun10", "senin minggu depan jam 8 pagi X", wib(2026, 11, 30, 8), "X", (ASK, "besok")),
    ("sun10", "sabtu dan minggu jam 7 pagi X", None, "X", (ASK, "setiap")),
    # 9. phrasings that were not read
    ("wed10", "pekan depan senin jam 8 pagi X", wib(2026, 11, 30, 8), "X", ()),
    ("sun10", "akhir pekan jam 7 pagi X", wib(2026, 11, 28, 7), "X", (ASK, "Sabtu atau Minggu")),
    ("sun10", "setiap akhir bulan 08:00 X", wib(2026, 11, 30, 8), "X", ()),
    ("sun10", "setiap awal bulan 08:00 X", wib(2026, 12, 1, 8), "X", ()),
    ("sun10", "ntr malam jam 9 X", wib(2026, 11, 22, 21), "X", ()),
    ("sun10", "1.5 jam lagi X", wib(2026, 11, 22, 11, 30), "X", ()),
    ("sun10", "pk 8 pagi X", wib(2026, 11, 23, 8), "X", ()),
    # 10. a dash or a run of marks between the time and the text
    ("sun10", "besok 08:00 -Senam", wib(2026, 11, 23, 8), "Senam", ()),
    ("sun10", "besok jam 8 pagi -- X", wib(2026, 11, 23, 8), "X", ()),
    ("sun10", "besok jam 8 pagi \u2014X", wib(2026, 11, 23, 8), "X", ()),
]


@pytest.mark.parametrize(
    ("now_key", "phrase", "moment", "text", "asked"),
    ROWS,
    ids=[f"{r[0]}:{r[1][:40]!r}" for r in ROWS],
)
def test_reads_right_or_asks_without_time_words(
    now_key: str, phrase: str, moment: datetime | None, text: str, asked: tuple[str, ...]
) -> None:
    result = parse_schedule(phrase, NOW[now_key], WIB)
    assert result.text == text
    if ASK not in asked:
        assert result.error is None, result.error
        assert result.when == moment
        return
    assert result.when is None and result.error is not None
    for word in asked[1:]:
        assert word in result.error, (word, result.error)
    assert result.suggestion == moment
    if moment is not None:
        assert result.error.count(format_local(moment, WIB)) >= 1
        assert (
            result.error.endswith(f"Maksudnya {format_local(moment, WIB)}?")
            or "mulai" in result.error
        )


def test_a_repeat_on_saturday_evenings() -> None:
    result = parse_schedule("setiap malam minggu jam 8 Ronda", NOW["sun10"], WIB)
    assert result.rule is not None and result.rule.weekdays == frozenset({5})
    assert (result.rule.hour, result.rule.minute) == (20, 0)
