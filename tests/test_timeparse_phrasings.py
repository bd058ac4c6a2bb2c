"""Phrasings as owners type them in WhatsApp: punctuation after the time, abbreviations,
a duration before a clock, number words and fractions, "kurang/lewat", days of a month,
"malam minggu", capitals. Each one is read right, or asked about; none is read as another
moment. One table, at fixed "now"s: a Sunday, a Monday morning, late evening, just after
midnight, the end of a month and of a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.timefmt import format_local
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")

NOW = {
    "sun": datetime(2026, 11, 22, 9, 44, tzinfo=WIB),  # Sunday morning
    "mon": datetime(2026, 11, 23, 6, 50, tzinfo=WIB),  # Monday, early
    "late": datetime(2026, 11, 25, 22, 30, tzinfo=WIB),  # Wednesday, late evening
    "after_midnight": datetime(2026, 11, 26, 0, 10, tzinfo=WIB),  # Thursday 00:10
    "month_end": datetime(2026, 11, 30, 16, 0, tzinfo=WIB),  # Monday, last day of November
    "year_end": datetime(2026, 12, 31, 21, 0, tzinfo=WIB),  # Thursday, New Year's Eve
}


def wib(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def nov(day: int, hour: int, minute: int = 0) -> datetime:
    return wib(2026, 11, day, hour, minute)


def dec(day: int, hour: int, minute: int = 0) -> datetime:
    return wib(2026, 12, day, hour, minute)


@dataclass(frozen=True)
class Ask:
    """Refused: the reply contains `words` and proposes `proposal` (None: no proposal)."""

    proposal: datetime | None
    words: tuple[str, ...] = ()


# (now, phrase, the moment or the question, the post text)
ROWS: list[tuple[str, str, datetime | Ask, str]] = [
    # --- punctuation between the time and the text ---
    ("sun", "besok jam 7 malam: Rapat RT", nov(23, 19), "Rapat RT"),
    ("sun", "besok jam 7 malam. Rapat RT", nov(23, 19), "Rapat RT"),
    ("sun", "besok jam 7 malam, Rapat RT", nov(23, 19), "Rapat RT"),
    ("sun", "besok jam 7 malam - Rapat RT", nov(23, 19), "Rapat RT"),
    ("sun", "besok jam 7 malam \u2013 Rapat RT", nov(23, 19), "Rapat RT"),
    ("sun", "besok jam 7 malam : Rapat RT", nov(23, 19), "Rapat RT"),
    ("sun", "besok 08:00: Senam", nov(23, 8), "Senam"),
    ("sun", "besok 08.00. Senam", nov(23, 8), "Senam"),
    ("sun", "besok 08:00 - Senam", nov(23, 8), "Senam"),
    ("sun", "besok, 08:00: Senam", nov(23, 8), "Senam"),
    ("sun", "dalam 30 menit: Tes", nov(22, 10, 14), "Tes"),
    ("sun", "besok 08:00:\nSenam pagi", nov(23, 8), "Senam pagi"),
    ("sun", "besok 08:00 -\n- poin 1", nov(23, 8), "- poin 1"),
    ("sun", "besok 08:00 Senam: 30 menit", nov(23, 8), "Senam: 30 menit"),
    ("sun", "besok jam 7 malam Rapat: RT 05", nov(23, 19), "Rapat: RT 05"),
    # --- abbreviations and spellings ---
    ("sun", "besok jam 7 mlm Rapat RT", nov(23, 19), "Rapat RT"),
    ("sun", "bsk jm 7 mlm Rapat", nov(23, 19), "Rapat"),
    ("sun", "besuk jam 7 malem Rapat", nov(23, 19), "Rapat"),
    ("sun", "besok pkl 19.30 Rapat", nov(23, 19, 30), "Rapat"),
    ("sun", "besok pkl. 7 mlm Rapat", nov(23, 19), "Rapat"),
    ("sun", "dlm 30 menit Rapat", nov(22, 10, 14), "Rapat"),
    ("sun", "2 jam lg Rapat", nov(22, 11, 44), "Rapat"),
    ("sun", "ntar malam jam 8 Rapat", nov(22, 20), "Rapat"),
    ("sun", "ntar jam 8 mlm Rapat", nov(22, 20), "Rapat"),
    ("sun", "nnti sore jam 4 Rapat", nov(22, 16), "Rapat"),
    ("sun", "nanti siang jam 1 Rapat", nov(22, 13), "Rapat"),
    ("sun", "besok sore jam 4 Rapat", nov(23, 16), "Rapat"),
    ("sun", "besok sorean jam 4 Rapat", nov(23, 16), "Rapat"),
    ("sun", "besok subuh jam 4.30 Sahur", nov(23, 4, 30), "Sahur"),
    ("sun", "besok dini hari jam 2 Ronda", nov(23, 2), "Ronda"),
    ("sun", "besok pagi jam 6 Senam", nov(23, 6), "Senam"),
    ("sun", "besok jam 6 pgi Senam", nov(23, 6), "Senam"),
    ("sun", "besok siang jam 1 Rapat", nov(23, 13), "Rapat"),
    ("sun", "besok jam 12 siang Makan", nov(23, 12), "Makan"),
    # --- a duration, then a clock: that day at that clock ---
    ("sun", "2 hari lagi jam 8 pagi Kerja bakti", nov(24, 8), "Kerja bakti"),
    (
        "sun",
        "2 hari lagi jam 8 Kerja bakti",
        Ask(nov(24, 8), ("Selasa, 24 Nov 2026 08:00", "Selasa, 24 Nov 2026 20:00")),
        "Kerja bakti",
    ),
    ("sun", "3 hari lagi jam 9 malam Rapat", nov(25, 21), "Rapat"),
    ("sun", "3 hari lagi jam 9 Rapat", Ask(nov(25, 9), ("21:00",)), "Rapat"),
    ("sun", "seminggu lagi jam 8 pagi Rapat", nov(29, 8), "Rapat"),
    ("sun", "seminggu lagi jam 8 Rapat", Ask(nov(29, 8), ("20:00",)), "Rapat"),
    ("sun", "2 minggu lagi jam 10 pagi Rapat", dec(6, 10), "Rapat"),
    ("sun", "dalam 3 hari jam 15:00 Rapat", nov(25, 15), "Rapat"),
    ("sun", "3 hari lagi jam 3 Rapat", nov(25, 15), "Rapat"),
    ("sun", "3 hari lagi Rapat", nov(25, 9, 44), "Rapat"),  # no clock: elapsed time
    ("sun", "2 jam lagi jam 8 Rapat", Ask(None, ("salah satu",)), "jam 8 Rapat"),
    # --- number words and fractions ---
    ("sun", "setengah jam lagi Makan", nov(22, 10, 14), "Makan"),
    ("sun", "1,5 jam lagi Makan", nov(22, 11, 14), "Makan"),
    ("sun", "dalam 2,5 jam Makan", nov(22, 12, 14), "Makan"),
    ("sun", "satu setengah jam lagi Makan", nov(22, 11, 14), "Makan"),
    ("sun", "1 setengah jam lagi Makan", nov(22, 11, 14), "Makan"),
    ("sun", "seperempat jam lagi Makan", nov(22, 9, 59), "Makan"),
    ("sun", "dua jam lagi Makan", nov(22, 11, 44), "Makan"),
    ("sun", "sepuluh menit lagi Makan", nov(22, 9, 54), "Makan"),
    ("sun", "dua puluh lima menit lagi Makan", nov(22, 10, 9), "Makan"),
    ("sun", "dalam sebelas jam Makan", nov(22, 20, 44), "Makan"),
    ("sun", "dalam dua belas jam Makan", nov(22, 21, 44), "Makan"),
    ("sun", "dua puluh menit lagi Makan", nov(22, 10, 4), "Makan"),
    ("sun", "jam tujuh malam Makan", nov(22, 19), "Makan"),
    ("sun", "jam setengah delapan malam Makan", nov(22, 19, 30), "Makan"),
    ("sun", "jam dua belas siang Makan", nov(22, 12), "Makan"),
    ("sun", "besok jam sembilan pagi Rapat", nov(23, 9), "Rapat"),
    ("mon", "jam setengah 8 Sarapan", nov(23, 7, 30), "Sarapan"),
    ("mon", "jam setengah delapan Sarapan", nov(23, 7, 30), "Sarapan"),
    # --- kurang / lewat ---
    ("mon", "jam 8 kurang 15 Rapat", nov(23, 7, 45), "Rapat"),
    ("mon", "jam 7 lewat 10 Rapat", nov(23, 7, 10), "Rapat"),
    ("mon", "jam 8 kurang seperempat Rapat", nov(23, 7, 45), "Rapat"),
    ("mon", "jam 8 lebih 15 menit Rapat", nov(23, 8, 15), "Rapat"),
    ("mon", "jam delapan kurang sepuluh Rapat", nov(23, 7, 50), "Rapat"),
    ("sun", "jam 8 kurang 15 malam Rapat", nov(22, 19, 45), "Rapat"),
    ("sun", "jam 7 lewat 10 malam Rapat", nov(22, 19, 10), "Rapat"),
    ("sun", "besok jam 8 kurang seperempat pagi Rapat", nov(23, 7, 45), "Rapat"),
    # --- days of a month ---
    ("sun", "bulan depan tanggal 5 jam 8 pagi Arisan", dec(5, 8), "Arisan"),
    ("sun", "tanggal 5 bulan depan jam 8 pagi Arisan", dec(5, 8), "Arisan"),
    ("sun", "tgl 5 bulan depan 08:00 Arisan", dec(5, 8), "Arisan"),
    ("sun", "tanggal 28 bulan ini 08:00 Arisan", nov(28, 8), "Arisan"),
    ("sun", "akhir bulan jam 10 pagi Gajian", nov(30, 10), "Gajian"),
    ("sun", "akhir bulan ini 10:00 Gajian", nov(30, 10), "Gajian"),
    ("sun", "awal bulan depan 08:00 Tagihan", dec(1, 8), "Tagihan"),
    ("sun", "awal bulan 08:00 Tagihan", dec(1, 8), "Tagihan"),
    ("sun", "akhir bulan depan 08:00 Tutup buku", dec(31, 8), "Tutup buku"),
    ("sun", "bulan depan jam 8 Rapat", Ask(None, ("Tanggalnya belum ditulis",)), "Rapat"),
    ("sun", "senin tanggal 7 bulan depan 08:00 Rapat", dec(7, 8), "Rapat"),
    (
        "sun",
        "selasa tanggal 7 bulan depan 08:00 Rapat",
        Ask(dec(7, 8), ("Senin, 7 Des 2026 jatuh pada hari Senin, bukan Selasa",)),
        "Rapat",
    ),
    ("month_end", "akhir bulan jam 8 malam Laporan", nov(30, 20), "Laporan"),
    ("month_end", "akhir bulan jam 10 pagi Laporan", Ask(dec(31, 10), ("sudah lewat",)), "Laporan"),
    ("month_end", "awal bulan jam 8 pagi Tagihan", dec(1, 8), "Tagihan"),
    ("month_end", "tanggal 31 bulan depan jam 8 pagi Rapat", dec(31, 8), "Rapat"),
    ("month_end", "bulan depan tanggal 31 jam 8 pagi Rapat", dec(31, 8), "Rapat"),
    (
        "month_end",
        "tanggal 31 bulan ini 08:00 Rapat",
        Ask(None, ("November 2026 tidak punya tanggal 31",)),
        "Rapat",
    ),
    ("year_end", "awal bulan depan 08:00 Libur", wib(2027, 1, 1, 8), "Libur"),
    ("year_end", "akhir bulan depan 08:00 Laporan", wib(2027, 1, 31, 8), "Laporan"),
    ("year_end", "tanggal 2 bulan depan 08:00 Masuk", wib(2027, 1, 2, 8), "Masuk"),
    ("year_end", "akhir bulan jam 10 malam Tutup tahun", dec(31, 22), "Tutup tahun"),
    # --- malam minggu: the evening before the named day ---
    ("sun", "malam minggu jam 8 Nonton", nov(28, 20), "Nonton"),
    ("sun", "malam jumat jam 8 Yasinan", nov(26, 20), "Yasinan"),
    ("sun", "mlm minggu jam 8 Nonton", nov(28, 20), "Nonton"),
    ("sun", "malam minggu Nonton", Ask(nov(28, 19), ("Jamnya belum ditulis",)), "Nonton"),
    ("year_end", "malam minggu jam 8 Nonton", wib(2027, 1, 2, 20), "Nonton"),
    ("after_midnight", "malam minggu jam 8 Nonton", nov(28, 20), "Nonton"),
    # --- capitals anywhere ---
    ("sun", "Besok Jam 7 Malam Rapat", nov(23, 19), "Rapat"),
    ("sun", "BSK JM 7 MLM Rapat", nov(23, 19), "Rapat"),
    ("sun", "Besok Jam 7 Malam: Rapat RT", nov(23, 19), "Rapat RT"),
    ("sun", "Jam 3 Pengajian", nov(22, 15), "Pengajian"),
    ("sun", "Malam Minggu Jam 8 Nonton", nov(28, 20), "Nonton"),
    ("sun", "Akhir Bulan Jam 10 Pagi Gajian", nov(30, 10), "Gajian"),
    ("after_midnight", "jam 5 Subuh berjamaah", nov(26, 5), "berjamaah"),
    ("sun", "besok 08:00 Pagi ini kita rapat", nov(23, 8), "Pagi ini kita rapat"),
    (
        "sun",
        "besok 08:00 Malam ini kita rapat",
        Ask(nov(23, 8), ("\u201c08:00 malam\u201d", "Senin, 23 Nov 2026 20:00")),
        "Malam ini kita rapat",
    ),
    # --- a weekday next to a date: checked against each other ---
    ("sun", "senin 23/11 jam 8 pagi Rapat", nov(23, 8), "Rapat"),
    ("sun", "selasa 23/11 08:00 Rapat", Ask(nov(23, 8), ("Senin", "bukan Selasa")), "Rapat"),
    ("sun", "Sabtu, 25 Des 08:00 Natal", Ask(dec(25, 8), ("hari Jumat", "bukan Sabtu")), "Natal"),
    ("sun", "jumat, 25 Des 08:00 Natal", dec(25, 8), "Natal"),
    # --- English keeps working ---
    ("sun", "tomorrow 8am Meeting", nov(23, 8), "Meeting"),
    ("sun", "in 2 hours Later", nov(22, 11, 44), "Later"),
    ("sun", "tonight 9pm Party", nov(22, 21), "Party"),
    ("sun", "next friday 5pm Drinks", nov(27, 17), "Drinks"),
    ("sun", "this saturday 10am Trip", Ask(nov(28, 10), ("sudah lewat",)), "Trip"),
    ("sun", "next monday 9am Standup", Ask(nov(30, 9), ("besok",)), "Standup"),
    ("year_end", "tomorrow noon Lunch", wib(2027, 1, 1, 12), "Lunch"),
    ("late", "in 90 minutes Call", nov(26, 0), "Call"),
    # --- a Monday morning ---
    ("mon", "jam 7 Senam", nov(23, 7), "Senam"),
    ("mon", "nanti jam 8 Rapat", nov(23, 8), "Rapat"),
    ("mon", "senin depan jam 8 pagi Rapat", nov(30, 8), "Rapat"),
    ("mon", "minggu ini jam 8 pagi Ibadah", nov(29, 8), "Ibadah"),
    ("mon", "sabtu ini 19:00 Arisan", nov(28, 19), "Arisan"),
    ("mon", "hari ini jam 5 sore Pulang", nov(23, 17), "Pulang"),
    ("mon", "dlm 1 jam Rapat", nov(23, 7, 50), "Rapat"),
    ("mon", "akhir bulan 16:00 Laporan", nov(30, 16), "Laporan"),
    # --- late evening ---
    ("late", "jam 11 Tidur", Ask(nov(26, 11), ("23:00",)), "Tidur"),
    ("late", "nanti jam 11 Tidur", nov(25, 23), "Tidur"),
    ("late", "malam ini jam 11 Tidur", nov(25, 23), "Tidur"),
    ("late", "jam 7 Senam", nov(26, 7), "Senam"),
    ("late", "jam 12 malam Tutup", nov(26, 0), "Tutup"),
    ("late", "tengah malam Tutup", nov(26, 0), "Tutup"),
    ("late", "ntar 23:45 Tutup", nov(25, 23, 45), "Tutup"),
    ("late", "hari ini jam 10 Rapat", Ask(nov(26, 22), ("sudah lewat",)), "Rapat"),
    ("late", "kamis jam 3 Rapat", nov(26, 15), "Rapat"),
    ("late", "rabu ini 23:00 Rapat", nov(25, 23), "Rapat"),
    ("late", "rabu ini 21:00 Rapat", Ask(dec(2, 21), ("Rabu ini", "sudah lewat")), "Rapat"),
    ("late", "senin ini 08:00 Rapat", Ask(nov(30, 8), ("Senin ini", "sudah lewat")), "Rapat"),
    ("late", "besok jam 7 pagi: Senam", nov(26, 7), "Senam"),
    # --- just after midnight: "besok" may be the day that just began (asked) ---
    ("after_midnight", "jam 1 Ronda", Ask(nov(26, 13), ("01:00",)), "Ronda"),
    ("after_midnight", "nanti jam 3 Rapat", Ask(nov(26, 15), ("03:00",)), "Rapat"),
    ("after_midnight", "jam 7 Senam", nov(26, 7), "Senam"),
    (
        "after_midnight",
        "besok jam 7 pagi Senam",
        Ask(nov(26, 7), ("tengah malam", "27 Nov")),
        "Senam",
    ),
    ("after_midnight", "hari ini jam 9 pagi Rapat", nov(26, 9), "Rapat"),
    ("after_midnight", "jam 12 Makan", Ask(nov(26, 12), ("00:00",)), "Makan"),  # just passed
    ("after_midnight", "hari ini jam 12 Makan", nov(26, 12), "Makan"),
    ("after_midnight", "tengah malam Tutup", nov(27, 0), "Tutup"),
    ("after_midnight", "dalam 30 menit Rapat", nov(26, 0, 40), "Rapat"),
    # --- end of a month ---
    ("month_end", "besok jam 7 malam: Rapat", dec(1, 19), "Rapat"),
    ("month_end", "lusa jam 8 pagi Rapat", dec(2, 8), "Rapat"),
    ("month_end", "3 hari lagi jam 9 pagi Rapat", dec(3, 9), "Rapat"),
    ("month_end", "jam 5 Pulang", nov(30, 17), "Pulang"),
    ("month_end", "jam 4 Pulang", Ask(dec(1, 4), ("Selasa, 1 Des 2026 16:00",)), "Pulang"),
    # --- end of a year ---
    ("year_end", "jam 12 malam Tahun baru", wib(2027, 1, 1, 0), "Tahun baru"),
    ("year_end", "jam 12 Tahun baru", Ask(wib(2027, 1, 1, 12), ("00:00",)), "Tahun baru"),
    ("year_end", "nanti jam 11 Hitung mundur", dec(31, 23), "Hitung mundur"),
    ("year_end", "besok jam 9 pagi Libur", wib(2027, 1, 1, 9), "Libur"),
    ("year_end", "senin depan jam 8 pagi Masuk", wib(2027, 1, 4, 8), "Masuk"),
    ("year_end", "3 hari lagi jam 10 pagi Rapat", wib(2027, 1, 3, 10), "Rapat"),
    ("year_end", "1 jan jam 7 malam Syukuran", wib(2027, 1, 1, 19), "Syukuran"),
    ("year_end", "sabtu ini 08:00 Kerja bakti", wib(2027, 1, 2, 8), "Kerja bakti"),
    ("year_end", "minggu ini 08:00 Ibadah", wib(2027, 1, 3, 8), "Ibadah"),
    ("year_end", "bsk jm 7 mlm Syukuran", wib(2027, 1, 1, 19), "Syukuran"),
]


def test_the_table_covers_every_now_and_many_phrases() -> None:
    assert len({(row[0], row[1]) for row in ROWS}) == len(ROWS) >= 150
    assert {row[0] for row in ROWS} == set(NOW)


@pytest.mark.parametrize(
    ("now_key", "phrase", "expected", "text"), ROWS, ids=[f"{r[0]}:{r[1][:40]!r}" for r in ROWS]
)
def test_reads_right_or_asks(
    now_key: str, phrase: str, expected: datetime | Ask, text: str
) -> None:
    now = NOW[now_key]
    result = parse_schedule(phrase, now, WIB)
    assert result.text == text
    if isinstance(expected, datetime):
        assert result.error is None, result.error
        assert result.when == expected
        assert result.when is not None and result.when.astimezone(WIB).replace(
            tzinfo=None
        ) == expected.replace(tzinfo=None)
        return
    assert result.when is None and result.error is not None
    for word in expected.words:
        assert word in result.error, (word, result.error)
    assert result.suggestion == expected.proposal
    if expected.proposal is not None:
        assert "Maksudnya" in result.error
        assert format_local(expected.proposal, WIB) in result.error
