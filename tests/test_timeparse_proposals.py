"""Past, impossible and ambiguous times: the reply says so and proposes the likely reading."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot import messages as m
from bot.timefmt import format_local
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")
NOW = {
    "sat": datetime(2026, 11, 21, 20, 0, tzinfo=WIB),  # Saturday evening
    "mon": datetime(2026, 11, 23, 9, 0, tzinfo=WIB),  # Monday morning
    "jan31": datetime(2027, 1, 31, 9, 0, tzinfo=WIB),  # Sunday, last day of January
}


def wib(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


# (now, phrase, words the error must contain, the proposed moment or None)
ROWS: list[tuple[str, str, tuple[str, ...], datetime | None]] = [
    # "minggu depan" alone: Sunday, or next week? Both readings are given.
    (
        "sat",
        "minggu depan 08:00 Libur",
        (
            "minggu depan",
            "hari Minggu (Minggu, 29 Nov 2026 08:00 WIB)",
            "pekan depan (mulai Senin, 23 Nov 2026)",
            "hari minggu depan",
        ),
        wib(2026, 11, 29, 8),
    ),
    (
        "sat",
        "Minggu depan jam 7 malam Arisan",
        ("Minggu, 29 Nov 2026 19:00 WIB",),
        wib(2026, 11, 29, 19),
    ),
    ("sat", "minggu depan Libur", ("Minggu, 29 Nov 2026", "mulai Senin, 23 Nov 2026"), None),
    (
        "mon",
        "minggu depan 10:00 x",
        ("Minggu, 6 Des 2026 10:00 WIB", "mulai Senin, 30 Nov 2026"),
        wib(2026, 12, 6, 10),
    ),
    # a clock, then a capitalised day that may start the post: two readings that differ
    (
        "mon",
        "19:00 Besok Rapat",
        ("sebelum harinya", "Senin, 23 Nov 2026 19:00 WIB", "Selasa, 24 Nov 2026 19:00 WIB"),
        wib(2026, 11, 24, 19),
    ),
    ("mon", "5pm Tomorrow Meeting", ("sebelum harinya",), wib(2026, 11, 24, 17)),
    ("mon", "at 5 pm Friday Drinks", ("sebelum harinya",), wib(2026, 11, 27, 17)),
    ("sat", "08:00 Minggu depan libur", ("minggu depan",), wib(2026, 11, 29, 8)),
    ("sat", "20:00 today Party", ("hari ini sudah lewat", "besok 20:00"), wib(2026, 11, 22, 20)),
    ("sat", "08:00 21/11 Rapat", ("sudah lewat", "21 Nov 2026 08:00"), wib(2027, 11, 21, 8)),
    # passed
    ("sat", "sabtu ini 19:00 Arisan", ("Sabtu ini", "sudah lewat"), wib(2026, 11, 28, 19)),
    ("sat", "nanti sore jam 4 Pulang", ("16:00 hari ini sudah lewat",), wib(2026, 11, 22, 16)),
    ("sat", "nanti 19:00 Rapat", ("19:00 hari ini sudah lewat",), wib(2026, 11, 22, 19)),
    ("mon", "senin ini 08:00 Rapat", ("Senin ini", "sudah lewat"), wib(2026, 11, 30, 8)),
    # the part of the day does not fit the clock
    ("sat", "jam 8 sore Rapat", ("Jam 8 tidak cocok", "sore"), wib(2026, 11, 22, 20)),
    ("sat", "jam 12 pagi Rapat", ("Jam 12 tidak cocok", "pagi"), wib(2026, 11, 22, 12)),
    ("sat", "20:00 pagi Rapat", ("Jam 20 tidak cocok", "pagi"), wib(2026, 11, 22, 20)),
    ("sat", "8am malam Rapat", ("tidak cocok", "malam"), wib(2026, 11, 22, 8)),
    ("sat", "pagi jam 8 malam Rapat", ("bertentangan", "pagi", "malam"), None),
    # impossible clocks
    ("sat", "jam 24 Rapat", ("24:00", "tidak ada"), wib(2026, 11, 22, 0)),
    ("sat", "besok 24:00 Rapat", ("24:00", "tidak ada"), wib(2026, 11, 23, 0)),
    ("sat", "13pm Rapat", ("13 pm", "tidak ada"), None),
    ("sat", "jam 8 lewat 75 Rapat", ("08:75", "tidak ada"), None),
    # impossible dates: the month's last day, or the date written day first
    ("sat", "12/25 08:00 Natal", ("12/25", "tidak ada di kalender"), wib(2026, 12, 25, 8)),
    ("sat", "31/02 08:00 Rapat", ("31/02", "tidak ada di kalender"), wib(2027, 2, 28, 8)),
    ("sat", "31/04 08:00 Rapat", ("31/04",), wib(2027, 4, 30, 8)),
    ("sat", "29/02 08:00 Rapat", ("29/02", "2028"), wib(2028, 2, 29, 8)),
    ("sat", "2027-02-30 08:00 Rapat", ("30/02",), wib(2027, 2, 28, 8)),
    (
        "sat",
        "tanggal 31 08:00 Rapat",
        ("November 2026 tidak punya tanggal 31",),
        wib(2026, 12, 31, 8),
    ),
    (
        "jan31",
        "tanggal 30 08:00 Rapat",
        ("Februari 2027 tidak punya tanggal 30",),
        wib(2027, 3, 30, 8),
    ),
    ("sat", "tanggal 32 08:00 Rapat", ("Tanggal 32 tidak ada",), None),
    ("sat", "selasa 23/11 08:00 Rapat", ("Senin", "bukan Selasa"), wib(2026, 11, 23, 8)),
    # no clock: the part of the day's usual hour, or the bare number
    ("sat", "besok pagi Senam", ("Jamnya belum ditulis",), wib(2026, 11, 22, 8)),
    ("sat", "besok siang Makan", ("Jamnya belum ditulis",), wib(2026, 11, 22, 12)),
    ("sat", "lusa sore Pulang", ("Jamnya belum ditulis",), wib(2026, 11, 23, 16)),
    ("sat", "besok 8 orang datang", ("Jamnya belum ditulis",), wib(2026, 11, 22, 8)),
    ("sat", "tomorrow evening 7 Dinner", ("Jamnya belum ditulis",), wib(2026, 11, 22, 19)),
    ("sat", "tanggal 31 Akhir", ("Jamnya belum ditulis",), None),
    # not readable, and not handed to dateparser either
    ("sat", "1.30 jam lagi Rapat", ("tidak terbaca",), None),
    ("sat", "08:00,Rapat", ("tidak terbaca",), None),
    ("sat", "setiap 2 hari 08:00 Rapat", ("per beberapa hari",), None),
]


@pytest.mark.parametrize(
    ("now_key", "phrase", "words", "suggestion"), ROWS, ids=[f"{r[0]}:{r[1][:40]!r}" for r in ROWS]
)
def test_error_says_why_and_proposes(
    now_key: str, phrase: str, words: tuple[str, ...], suggestion: datetime | None
) -> None:
    result = parse_schedule(phrase, NOW[now_key], WIB)
    assert result.when is None and not result.ok
    assert result.error is not None
    for word in words:
        assert word in result.error
    assert result.suggestion == suggestion
    if suggestion is not None:
        assert result.suggestion is not None and result.suggestion > NOW[now_key]
        assert (
            f"Maksudnya {format_local(suggestion, WIB)}?" in result.error
            or format_local(suggestion, WIB) in result.error
        )


def test_proposal_is_shown_in_the_bots_zone() -> None:
    # 08:00 WITA is 07:00 WIB: the proposal is in the bot's zone, like every reply
    result = parse_schedule("hari ini 08:00 WITA Rapat", NOW["sat"], WIB)
    assert result.suggestion == wib(2026, 11, 22, 7)
    assert result.error is not None and "Minggu, 22 Nov 2026 07:00 WIB" in result.error


def test_zone_words_convert_both_ways() -> None:
    makassar = ZoneInfo("Asia/Makassar")
    now = NOW["sat"]
    assert parse_schedule("besok 08:00 WIB x", now, makassar).when == wib(2026, 11, 22, 8)
    assert parse_schedule("besok 08:00 WIT x", now, makassar).when == wib(2026, 11, 22, 6)
    utc = parse_schedule("besok 08:00 UTC x", now, WIB)
    assert utc.when == wib(2026, 11, 22, 15) and utc.text == "x"


def test_the_examples_in_the_unreadable_reply_are_readable() -> None:
    examples = m.TIME_UNREADABLE.split("Contoh: ", 1)[1].rstrip(".").split(", ")
    assert len(examples) >= 6
    for example in examples:
        result = parse_schedule(example + " Rapat", NOW["sat"], WIB)
        assert result.ok, (example, result.error)
        assert result.text == "Rapat"
