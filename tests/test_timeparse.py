"""parse_schedule: which moment a phrase names, and exactly what text is left for the post."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.timeparse import ParseResult, parse_schedule
from bot.timeparse.parse import MAX_AHEAD
from bot.timeparse.scan import fold

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

NOW = {
    # Saturday evening
    "sat": datetime(2026, 11, 21, 20, 0, tzinfo=WIB),
    # last half hour of November
    "month_end": datetime(2026, 11, 30, 23, 30, tzinfo=WIB),
    # New Year's Eve, 22:00
    "year_end": datetime(2026, 12, 31, 22, 0, tzinfo=WIB),
    # one minute before midnight, Saturday
    "midnight": datetime(2026, 11, 21, 23, 59, tzinfo=WIB),
    # one minute before the new year
    "new_year": datetime(2026, 12, 31, 23, 59, tzinfo=WIB),
    # late in a year whose next February has a 29th
    "before_leap": datetime(2027, 11, 21, 20, 0, tzinfo=WIB),
    # a few days after the end of a February without a 29th
    "early_march": datetime(2027, 3, 5, 9, 0, tzinfo=WIB),
    # Monday morning
    "mon": datetime(2026, 11, 23, 9, 0, tzinfo=WIB),
}


def wib(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=WIB)


def parse(now_key: str, phrase: str, tz: ZoneInfo = WIB) -> ParseResult:
    return parse_schedule(phrase, NOW[now_key], tz)


# (now, phrase, expected local moment, expected post text)
OK_ROWS: list[tuple[str, str, datetime, str]] = [
    # besok / lusa / hari ini
    ("sat", "besok 08:00 Rapat", wib(2026, 11, 22, 8, 0), "Rapat"),
    ("sat", "besok 08:05 Rapat", wib(2026, 11, 22, 8, 5), "Rapat"),
    ("sat", "lusa 19:30 Arisan", wib(2026, 11, 23, 19, 30), "Arisan"),
    ("sat", "lusa 19.30 Arisan", wib(2026, 11, 23, 19, 30), "Arisan"),
    ("sat", "hari ini 21:00 Nonton bareng", wib(2026, 11, 21, 21, 0), "Nonton bareng"),
    ("sat", "hari ini jam 21.15 Nonton", wib(2026, 11, 21, 21, 15), "Nonton"),
    ("sat", "besok, 08:00 Rapat", wib(2026, 11, 22, 8, 0), "Rapat"),
    ("sat", "besok jam 3 Senam", wib(2026, 11, 22, 15, 0), "Senam"),
    ("sat", "besok pukul 07.45 Senam", wib(2026, 11, 22, 7, 45), "Senam"),
    ("sat", "besok pkl. 09 Senam", wib(2026, 11, 22, 9, 0), "Senam"),
    # bare clock: today if still ahead, else tomorrow
    ("sat", "21:00 Nanti malam", wib(2026, 11, 21, 21, 0), "Nanti malam"),
    ("sat", "19:00 Besok malam", wib(2026, 11, 22, 19, 0), "Besok malam"),
    (
        "sat",
        "20:00 Tepat sekarang berarti besok",
        wib(2026, 11, 22, 20, 0),
        "Tepat sekarang berarti besok",
    ),
    ("sat", "20:01 Semenit lagi", wib(2026, 11, 21, 20, 1), "Semenit lagi"),
    ("sat", "06.30 Pagi", wib(2026, 11, 22, 6, 30), "Pagi"),
    ("sat", "jam 22:15 Malam", wib(2026, 11, 21, 22, 15), "Malam"),
    ("sat", "jam 7 Pagi", wib(2026, 11, 22, 7, 0), ""),  # after a bare hour: time
    ("sat", "pukul 21.45 Malam", wib(2026, 11, 21, 21, 45), "Malam"),
    ("sat", "pukul 9 Pagi", wib(2026, 11, 22, 9, 0), ""),  # "Pagi" decides: time
    ("sat", "at 09:00 Morning", wib(2026, 11, 22, 9, 0), "Morning"),
    # explicit dates
    ("sat", "25/12 08:00 Selamat Natal", wib(2026, 12, 25, 8, 0), "Selamat Natal"),
    ("sat", "25-12 08:00 Selamat Natal", wib(2026, 12, 25, 8, 0), "Selamat Natal"),
    ("sat", "5/1 07:00 Masuk kerja", wib(2027, 1, 5, 7, 0), "Masuk kerja"),
    ("sat", "25/12 jam 19.30 Makan malam", wib(2026, 12, 25, 19, 30), "Makan malam"),
    ("sat", "21/11 21:00 Hari ini juga", wib(2026, 11, 21, 21, 0), "Hari ini juga"),
    ("sat", "25/12/2027 08:00 Tahun depan", wib(2027, 12, 25, 8, 0), "Tahun depan"),
    ("sat", "25-12-2027 08:00 Tahun depan", wib(2027, 12, 25, 8, 0), "Tahun depan"),
    ("sat", "29/02/2028 08:00 Kabisat", wib(2028, 2, 29, 8, 0), "Kabisat"),
    ("sat", "2026-12-25 08:00 ISO", wib(2026, 12, 25, 8, 0), "ISO"),
    ("sat", "2026-12-25T08:00 ISO dengan T", wib(2026, 12, 25, 8, 0), "ISO dengan T"),
    ("sat", "2027-01-01 00:00 Tahun baru", wib(2027, 1, 1, 0, 0), "Tahun baru"),
    # a DD/MM long past this year means next year
    ("sat", "10/10 08:00 Tahun depan", wib(2027, 10, 10, 8, 0), "Tahun depan"),
    ("sat", "17/08 08:00 HUT RI", wib(2027, 8, 17, 8, 0), "HUT RI"),
    # durations
    ("sat", "dalam 30 menit Rapat", wib(2026, 11, 21, 20, 30), "Rapat"),
    ("sat", "dalam 2 jam Rapat", wib(2026, 11, 21, 22, 0), "Rapat"),
    ("sat", "dalam 45 detik Tes", wib(2026, 11, 21, 20, 0, 45), "Tes"),
    ("sat", "dalam 1 jam 30 menit Rapat", wib(2026, 11, 21, 21, 30), "Rapat"),
    ("sat", "dalam 2 jam lagi Rapat", wib(2026, 11, 21, 22, 0), "Rapat"),
    ("sat", "dalam 3 hari Rapat", wib(2026, 11, 24, 20, 0), "Rapat"),
    ("sat", "30 menit lagi Rapat", wib(2026, 11, 21, 20, 30), "Rapat"),
    ("sat", "2 jam lagi Rapat", wib(2026, 11, 21, 22, 0), "Rapat"),
    ("sat", "1 jam 30 menit lagi Rapat", wib(2026, 11, 21, 21, 30), "Rapat"),
    ("sat", "2 jam lagi datang", wib(2026, 11, 21, 22, 0), "datang"),
    # English
    ("sat", "tomorrow 08:00 Good morning", wib(2026, 11, 22, 8, 0), "Good morning"),
    ("sat", "today 21:00 Tonight", wib(2026, 11, 21, 21, 0), "Tonight"),
    ("sat", "in 2 hours Later", wib(2026, 11, 21, 22, 0), "Later"),
    ("sat", "in 90 minutes Later", wib(2026, 11, 21, 21, 30), "Later"),
    ("sat", "in 1 day Later", wib(2026, 11, 22, 20, 0), "Later"),
    ("sat", "2 hours from now Later", wib(2026, 11, 21, 22, 0), "Later"),
    # case does not matter
    ("sat", "BESOK 08:00 Rapat", wib(2026, 11, 22, 8, 0), "Rapat"),
    ("sat", "Besok Jam 8 Malam Rapat", wib(2026, 11, 22, 20, 0), "Rapat"),
    ("sat", "Hari Ini 21:00 Rapat", wib(2026, 11, 21, 21, 0), "Rapat"),
    ("sat", "LUSA 19.30 Rapat", wib(2026, 11, 23, 19, 30), "Rapat"),
    ("sat", "Dalam 5 MENIT Rapat", wib(2026, 11, 21, 20, 5), "Rapat"),
    ("sat", "2 JAM LAGI Rapat", wib(2026, 11, 21, 22, 0), "Rapat"),
    ("sat", "Tomorrow 08:00 Hi", wib(2026, 11, 22, 8, 0), "Hi"),
    ("sat", "IN 2 HOURS Hi", wib(2026, 11, 21, 22, 0), "Hi"),
    ("sat", "2026-12-25t08:00 Hi", wib(2026, 12, 25, 8, 0), "Hi"),
    # text split: only the time is taken, the rest is the post, untouched
    (
        "sat",
        "besok 08:00 Rapat minggu depan di aula",
        wib(2026, 11, 22, 8, 0),
        "Rapat minggu depan di aula",
    ),
    ("sat", "besok 08:00 jam 10 ada rapat", wib(2026, 11, 22, 8, 0), "jam 10 ada rapat"),
    ("sat", "besok 08:00 25/12 libur", wib(2026, 11, 22, 8, 0), "25/12 libur"),
    (
        "sat",
        "besok 08:00 Rapat\n\n  - poin 1\n  - poin 2\n",
        wib(2026, 11, 22, 8, 0),
        "Rapat\n\n  - poin 1\n  - poin 2\n",
    ),
    (
        "sat",
        "besok 08:00\nBaris satu\n   baris dua  \n\nBaris *tiga*",
        wib(2026, 11, 22, 8, 0),
        "Baris satu\n   baris dua  \n\nBaris *tiga*",
    ),
    (
        "sat",
        "  \n besok   08:00    Spasi   di dalam  ",
        wib(2026, 11, 22, 8, 0),
        "Spasi   di dalam  ",
    ),
    ("sat", "besok 08:00", wib(2026, 11, 22, 8, 0), ""),
    ("sat", "besok 08:00 😀 Selamat pagi", wib(2026, 11, 22, 8, 0), "😀 Selamat pagi"),
    # month end
    ("month_end", "besok 08:00 Desember", wib(2026, 12, 1, 8, 0), "Desember"),
    ("month_end", "lusa 08:00 Desember", wib(2026, 12, 2, 8, 0), "Desember"),
    ("month_end", "hari ini 23:45 Akhir bulan", wib(2026, 11, 30, 23, 45), "Akhir bulan"),
    ("month_end", "23:45 Akhir bulan", wib(2026, 11, 30, 23, 45), "Akhir bulan"),
    ("month_end", "23:00 Besok", wib(2026, 12, 1, 23, 0), "Besok"),
    (
        "month_end",
        "dalam 45 menit Lewat tengah malam",
        wib(2026, 12, 1, 0, 15),
        "Lewat tengah malam",
    ),
    ("month_end", "01/12 09:00 Awal bulan", wib(2026, 12, 1, 9, 0), "Awal bulan"),
    # year end
    ("year_end", "besok 08:00 Tahun baru", wib(2027, 1, 1, 8, 0), "Tahun baru"),
    ("year_end", "lusa 00:00 Tahun baru", wib(2027, 1, 2, 0, 0), "Tahun baru"),
    ("year_end", "01/01 00:00 Tahun baru", wib(2027, 1, 1, 0, 0), "Tahun baru"),
    ("year_end", "31/12 23:00 Sebentar lagi", wib(2026, 12, 31, 23, 0), "Sebentar lagi"),
    ("year_end", "21:00 Besok malam", wib(2027, 1, 1, 21, 0), "Besok malam"),
    ("year_end", "dalam 3 jam Tahun baru", wib(2027, 1, 1, 1, 0), "Tahun baru"),
    ("year_end", "2027-01-01T00:00 Tahun baru", wib(2027, 1, 1, 0, 0), "Tahun baru"),
    # one minute before midnight
    ("midnight", "00:00 Tengah malam", wib(2026, 11, 22, 0, 0), "Tengah malam"),
    ("midnight", "23:59 Besok", wib(2026, 11, 22, 23, 59), "Besok"),
    ("midnight", "besok 00:00 Tengah malam", wib(2026, 11, 22, 0, 0), "Tengah malam"),
    ("midnight", "lusa 00:00 Senin", wib(2026, 11, 23, 0, 0), "Senin"),
    ("midnight", "dalam 1 menit Tengah malam", wib(2026, 11, 22, 0, 0), "Tengah malam"),
    ("midnight", "1 menit lagi Tengah malam", wib(2026, 11, 22, 0, 0), "Tengah malam"),
    ("new_year", "besok 00:00 Selamat tahun baru", wib(2027, 1, 1, 0, 0), "Selamat tahun baru"),
    ("new_year", "00:00 Selamat tahun baru", wib(2027, 1, 1, 0, 0), "Selamat tahun baru"),
    ("new_year", "dalam 1 menit Hitung mundur", wib(2027, 1, 1, 0, 0), "Hitung mundur"),
    # 29/02 without a year, late in the year before a leap year: next February
    ("before_leap", "29/02 08:00 Kabisat", wib(2028, 2, 29, 8, 0), "Kabisat"),
    # --- parts of the day (Saturday 20:00) ---
    ("sat", "jam 7 malam Makan", wib(2026, 11, 22, 19, 0), "Makan"),
    ("sat", "jam 8 malam Makan", wib(2026, 11, 22, 20, 0), "Makan"),
    ("sat", "jam 9 malam Nonton", wib(2026, 11, 21, 21, 0), "Nonton"),
    ("sat", "jam 12 malam Tidur", wib(2026, 11, 22, 0, 0), "Tidur"),
    ("sat", "jam 12 siang Makan siang", wib(2026, 11, 22, 12, 0), "Makan siang"),
    ("sat", "besok siang jam 1 Rapat", wib(2026, 11, 22, 13, 0), "Rapat"),
    ("sat", "jam 4 sore Pulang", wib(2026, 11, 22, 16, 0), "Pulang"),
    ("sat", "besok jam 4 sore Pulang", wib(2026, 11, 22, 16, 0), "Pulang"),
    ("sat", "besok pagi jam 6 Senam", wib(2026, 11, 22, 6, 0), "Senam"),
    ("sat", "besok jam 6 pagi Senam", wib(2026, 11, 22, 6, 0), "Senam"),
    ("sat", "besok pagi hari jam 6 Senam", wib(2026, 11, 22, 6, 0), "Senam"),
    ("sat", "lusa malam jam 7 Arisan", wib(2026, 11, 23, 19, 0), "Arisan"),
    ("sat", "besok jam 1 malam Ronda", wib(2026, 11, 23, 1, 0), "Ronda"),
    ("sat", "hari ini jam 12 malam Tutup", wib(2026, 11, 22, 0, 0), "Tutup"),
    ("sat", "8 malam Makan", wib(2026, 11, 22, 20, 0), "Makan"),
    ("sat", "besok 8 malam Makan", wib(2026, 11, 22, 20, 0), "Makan"),
    ("sat", "pagi jam 7 Senam", wib(2026, 11, 22, 7, 0), "Senam"),
    ("sat", "Besok Pagi Jam 7 SENAM", wib(2026, 11, 22, 7, 0), "SENAM"),
    ("sat", "JAM 7 MALAM Makan", wib(2026, 11, 22, 19, 0), "Makan"),
    ("sat", "jam 7 Malam Makan", wib(2026, 11, 22, 19, 0), "Makan"),
    ("sat", "besok 08:00 pagi Senam", wib(2026, 11, 22, 8, 0), "Senam"),
    # a capitalised part of the day that changes nothing starts the post
    ("sat", "besok 08:00 Pagi ini kita rapat", wib(2026, 11, 22, 8, 0), "Pagi ini kita rapat"),
    ("sat", "jam 20 Pagi tadi hujan", wib(2026, 11, 22, 20, 0), "Pagi tadi hujan"),
    ("sat", "besok pagi jam 5 subuh Kajian", wib(2026, 11, 22, 5, 0), "Kajian"),
    ("sat", "besok subuh jam 4.30 Sahur", wib(2026, 11, 22, 4, 30), "Sahur"),
    ("sat", "jam setengah 8 pagi Sarapan", wib(2026, 11, 22, 7, 30), "Sarapan"),
    ("sat", "setengah 9 malam Nonton", wib(2026, 11, 21, 20, 30), "Nonton"),
    ("sat", "jam setengah 12 malam Tidur", wib(2026, 11, 21, 23, 30), "Tidur"),
    ("sat", "jam 8 lewat 15 Rapat", wib(2026, 11, 21, 20, 15), "Rapat"),
    ("sat", "besok jam 8 lewat 15 menit pagi Rapat", wib(2026, 11, 22, 8, 15), "Rapat"),
    ("sat", "jam 9 kurang seperempat malam Rapat", wib(2026, 11, 21, 20, 45), "Rapat"),
    ("sat", "tengah malam Tutup toko", wib(2026, 11, 22, 0, 0), "Tutup toko"),
    ("sat", "besok tengah hari Makan", wib(2026, 11, 22, 12, 0), "Makan"),
    # nanti (later today)
    ("sat", "nanti malam jam 9 Nonton", wib(2026, 11, 21, 21, 0), "Nonton"),
    ("sat", "nanti jam 9 Nonton", wib(2026, 11, 21, 21, 0), "Nonton"),
    ("sat", "nanti jam 10 malam Tidur", wib(2026, 11, 21, 22, 0), "Tidur"),
    ("sat", "nanti 21:30 Rapat", wib(2026, 11, 21, 21, 30), "Rapat"),
    ("sat", "malam ini jam 10 Doa", wib(2026, 11, 21, 22, 0), "Doa"),
    ("sat", "jam 10 malam ini Doa", wib(2026, 11, 21, 22, 0), "Doa"),
    ("mon", "nanti jam 8 Pulang", wib(2026, 11, 23, 20, 0), "Pulang"),
    ("mon", "nanti jam 10 Rapat", wib(2026, 11, 23, 10, 0), "Rapat"),
    ("mon", "nanti siang jam 1 Makan", wib(2026, 11, 23, 13, 0), "Makan"),
    ("mon", "nanti sore jam 4 Pulang", wib(2026, 11, 23, 16, 0), "Pulang"),
    # weekdays: next occurrence; "ini" this coming one; "depan" next week's (Monday-Sunday)
    ("sat", "senin 09:00 Rapat", wib(2026, 11, 23, 9, 0), "Rapat"),
    ("sat", "Senin depan 09:00 Rapat", wib(2026, 11, 23, 9, 0), "Rapat"),
    ("sat", "jumat depan jam 1 siang Jumatan", wib(2026, 11, 27, 13, 0), "Jumatan"),
    ("sat", "jum'at 11.30 Jumatan", wib(2026, 11, 27, 11, 30), "Jumatan"),
    ("sat", "Jum\u2019at depan 13:00 Jumatan", wib(2026, 11, 27, 13, 0), "Jumatan"),
    ("sat", "sabtu ini 21:00 Malam mingguan", wib(2026, 11, 21, 21, 0), "Malam mingguan"),
    ("sat", "sabtu 19:00 Arisan", wib(2026, 11, 28, 19, 0), "Arisan"),
    ("sat", "sabtu depan 19:00 Arisan", wib(2026, 11, 28, 19, 0), "Arisan"),
    ("sat", "minggu ini 08:00 Ibadah", wib(2026, 11, 22, 8, 0), "Ibadah"),
    ("sat", "hari minggu depan 08:00 Ibadah", wib(2026, 11, 29, 8, 0), "Ibadah"),
    ("sat", "ahad 07:00 Kajian", wib(2026, 11, 22, 7, 0), "Kajian"),
    ("sat", "ahad depan 07:00 Kajian", wib(2026, 11, 29, 7, 0), "Kajian"),
    ("sat", "hari senin jam 8 pagi Upacara", wib(2026, 11, 23, 8, 0), "Upacara"),
    ("sat", "rabu pagi jam 9 Rapat", wib(2026, 11, 25, 9, 0), "Rapat"),
    ("sat", "kamis malam jam 8 Yasinan", wib(2026, 11, 26, 20, 0), "Yasinan"),
    ("sat", "selasa 07:15 Masuk", wib(2026, 11, 24, 7, 15), "Masuk"),
    ("sat", "Senin, 23/11 08:00 Rapat", wib(2026, 11, 23, 8, 0), "Rapat"),
    ("sat", "senin 23 nov 08:00 Rapat", wib(2026, 11, 23, 8, 0), "Rapat"),
    ("mon", "senin 10:00 Rapat", wib(2026, 11, 23, 10, 0), "Rapat"),
    ("mon", "senin 08:00 Rapat", wib(2026, 11, 30, 8, 0), "Rapat"),
    ("mon", "jumat ini 08:00 Rapat", wib(2026, 11, 27, 8, 0), "Rapat"),
    ("mon", "jumat 08:00 Rapat", wib(2026, 11, 27, 8, 0), "Rapat"),
    ("mon", "jumat depan 08:00 Rapat", wib(2026, 12, 4, 8, 0), "Rapat"),
    ("mon", "hari ini 17:00 Rapat", wib(2026, 11, 23, 17, 0), "Rapat"),
    ("mon", "jam 4 sore Pulang", wib(2026, 11, 23, 16, 0), "Pulang"),
    ("mon", "siang jam 1 Makan", wib(2026, 11, 23, 13, 0), "Makan"),
    # dates with month names, tanggal, more numeric forms
    ("sat", "25 Desember 08:00 Natal", wib(2026, 12, 25, 8, 0), "Natal"),
    ("sat", "25 des jam 8 pagi Natal", wib(2026, 12, 25, 8, 0), "Natal"),
    ("sat", "25 Des 2027 08:00 Natal", wib(2027, 12, 25, 8, 0), "Natal"),
    ("sat", "1 januari 2027 00:00 Tahun baru", wib(2027, 1, 1, 0, 0), "Tahun baru"),
    ("sat", "17 Agustus 08:00 HUT RI", wib(2027, 8, 17, 8, 0), "HUT RI"),
    ("sat", "tanggal 5 08:00 Bayar", wib(2026, 12, 5, 8, 0), "Bayar"),
    ("sat", "tgl 25 jam 08 Gajian", wib(2026, 11, 25, 8, 0), "Gajian"),
    ("sat", "tgl. 25 jam 3 Gajian", wib(2026, 11, 25, 15, 0), "Gajian"),
    ("sat", "tanggal 25/12 08:00 Natal", wib(2026, 12, 25, 8, 0), "Natal"),
    ("sat", "tanggal 21 21:00 Malam ini", wib(2026, 11, 21, 21, 0), "Malam ini"),
    ("sat", "tanggal 25 Desember jam 7 malam Misa", wib(2026, 12, 25, 19, 0), "Misa"),
    ("sat", "25/12/26 08:00 Natal", wib(2026, 12, 25, 8, 0), "Natal"),
    ("sat", "25.12.2026 08:00 Natal", wib(2026, 12, 25, 8, 0), "Natal"),
    ("sat", "Dec 25 8pm Party", wib(2026, 12, 25, 20, 0), "Party"),
    ("sat", "December 25, 2026 8:00 pm Party", wib(2026, 12, 25, 20, 0), "Party"),
    ("sat", "25th December 8pm Party", wib(2026, 12, 25, 20, 0), "Party"),
    # English
    ("sat", "tomorrow 8am Meeting", wib(2026, 11, 22, 8, 0), "Meeting"),
    ("sat", "tomorrow at 8:30 pm Dinner", wib(2026, 11, 22, 20, 30), "Dinner"),
    ("sat", "today 9pm Party", wib(2026, 11, 21, 21, 0), "Party"),
    ("sat", "tonight 9pm Party", wib(2026, 11, 21, 21, 0), "Party"),
    ("sat", "tonight at 11 Party", wib(2026, 11, 21, 23, 0), "Party"),
    ("sat", "next monday 09:00 Standup", wib(2026, 11, 23, 9, 0), "Standup"),
    ("sat", "monday 9am Standup", wib(2026, 11, 23, 9, 0), "Standup"),
    ("mon", "this friday 5pm Drinks", wib(2026, 11, 27, 17, 0), "Drinks"),
    ("sat", "8am Breakfast", wib(2026, 11, 22, 8, 0), "Breakfast"),
    ("sat", "8:30 pm Dinner", wib(2026, 11, 21, 20, 30), "Dinner"),
    ("sat", "8.30pm Dinner", wib(2026, 11, 21, 20, 30), "Dinner"),
    ("sat", "12am Lock", wib(2026, 11, 22, 0, 0), "Lock"),
    ("sat", "12pm Lunch", wib(2026, 11, 22, 12, 0), "Lunch"),
    ("sat", "tomorrow noon Lunch", wib(2026, 11, 22, 12, 0), "Lunch"),
    ("sat", "tomorrow morning at 7 Run", wib(2026, 11, 22, 7, 0), "Run"),
    ("sat", "tomorrow night 11pm Sleep", wib(2026, 11, 22, 23, 0), "Sleep"),
    ("sat", "the day after tomorrow 10am Trip", wib(2026, 11, 23, 10, 0), "Trip"),
    ("sat", "in 1 hour 30 minutes Call", wib(2026, 11, 21, 21, 30), "Call"),
    # more durations
    ("sat", "dalam 2 minggu Evaluasi", wib(2026, 12, 5, 20, 0), "Evaluasi"),
    ("sat", "2 minggu lagi Evaluasi", wib(2026, 12, 5, 20, 0), "Evaluasi"),
    ("sat", "setengah jam lagi Makan", wib(2026, 11, 21, 20, 30), "Makan"),
    ("sat", "sejam lagi Makan", wib(2026, 11, 21, 21, 0), "Makan"),
    ("sat", "dalam 10 detik Tes", wib(2026, 11, 21, 20, 0, 10), "Tes"),
    ("sat", "dalam 1 jam dan 15 menit Rapat", wib(2026, 11, 21, 21, 15), "Rapat"),
    # zone words after the clock: converted to the bot's zone
    ("sat", "besok 08:00 WITA Rapat", wib(2026, 11, 22, 7, 0), "Rapat"),
    ("sat", "besok 08:00 WIT Rapat", wib(2026, 11, 22, 6, 0), "Rapat"),
    ("sat", "jam 9 malam WIB Nonton", wib(2026, 11, 21, 21, 0), "Nonton"),
    ("sat", "besok jam 8 pagi wita Rapat", wib(2026, 11, 22, 7, 0), "Rapat"),
    # separators and the split
    ("sat", "besok 08:00, Rapat", wib(2026, 11, 22, 8, 0), "Rapat"),
    ("sat", "besok pagi, jam 7 Senam", wib(2026, 11, 22, 7, 0), "Senam"),
    ("sat", "besok 08:00 Rapat jam 10 malam", wib(2026, 11, 22, 8, 0), "Rapat jam 10 malam"),
    ("sat", "besok\t08:00\tRapat", wib(2026, 11, 22, 8, 0), "Rapat"),
    # a clock before a day word: fine when both readings are the same moment
    ("sat", "5pm tomorrow Meeting", wib(2026, 11, 22, 17, 0), "Meeting"),  # the day after
    ("sat", "1.5 jam lagi", wib(2026, 11, 21, 21, 30), ""),  # a decimal before a unit
    # month end (Monday 30 Nov 23:30)
    ("month_end", "besok jam 8 pagi Desember", wib(2026, 12, 1, 8, 0), "Desember"),
    ("month_end", "jam 12 malam Awal bulan", wib(2026, 12, 1, 0, 0), "Awal bulan"),
    ("month_end", "tanggal 1 08:00 Gajian", wib(2026, 12, 1, 8, 0), "Gajian"),
    ("month_end", "tanggal 30 23:45 Akhir bulan", wib(2026, 11, 30, 23, 45), "Akhir bulan"),
    ("month_end", "selasa 08:00 Rapat", wib(2026, 12, 1, 8, 0), "Rapat"),
    ("month_end", "senin 23:45 Rapat", wib(2026, 11, 30, 23, 45), "Rapat"),
    ("month_end", "senin depan 08:00 Rapat", wib(2026, 12, 7, 8, 0), "Rapat"),
    ("month_end", "minggu ini 08:00 Ibadah", wib(2026, 12, 6, 8, 0), "Ibadah"),
    ("month_end", "dalam 2 minggu Evaluasi", wib(2026, 12, 14, 23, 30), "Evaluasi"),
    # year end (Thursday 31 Dec 22:00)
    ("year_end", "jam 12 malam Tahun baru", wib(2027, 1, 1, 0, 0), "Tahun baru"),
    ("year_end", "tengah malam Tahun baru", wib(2027, 1, 1, 0, 0), "Tahun baru"),
    ("year_end", "hari ini jam 12 malam Tahun baru", wib(2027, 1, 1, 0, 0), "Tahun baru"),
    ("year_end", "besok jam 1 siang Makan", wib(2027, 1, 1, 13, 0), "Makan"),
    ("year_end", "jumat 08:00 Libur", wib(2027, 1, 1, 8, 0), "Libur"),
    ("year_end", "senin depan 08:00 Masuk", wib(2027, 1, 4, 8, 0), "Masuk"),
    ("year_end", "tanggal 2 08:00 Masuk", wib(2027, 1, 2, 8, 0), "Masuk"),
    ("year_end", "1 jan 08:00 Tahun baru", wib(2027, 1, 1, 8, 0), "Tahun baru"),
    ("year_end", "1 Januari 2027 jam 9 pagi Tahun baru", wib(2027, 1, 1, 9, 0), "Tahun baru"),
    ("year_end", "nanti jam 11 malam Hitung mundur", wib(2026, 12, 31, 23, 0), "Hitung mundur"),
    ("year_end", "nanti jam 11 Hitung mundur", wib(2026, 12, 31, 23, 0), "Hitung mundur"),
    ("year_end", "tomorrow 00:30 Happy new year", wib(2027, 1, 1, 0, 30), "Happy new year"),
    # one minute before midnight (Saturday 23:59)
    ("midnight", "jam 12 malam Tidur", wib(2026, 11, 22, 0, 0), "Tidur"),
    ("midnight", "jam 1 malam Ronda", wib(2026, 11, 22, 1, 0), "Ronda"),
    ("midnight", "besok pagi jam 5 Subuh", wib(2026, 11, 22, 5, 0), "Subuh"),
    ("midnight", "minggu ini 08:00 Ibadah", wib(2026, 11, 22, 8, 0), "Ibadah"),
    ("midnight", "nanti jam 12 malam Tidur", wib(2026, 11, 22, 0, 0), "Tidur"),
    ("midnight", "tonight at 12 Sleep", wib(2026, 11, 22, 0, 0), "Sleep"),
    ("new_year", "jam 12 malam Selamat tahun baru", wib(2027, 1, 1, 0, 0), "Selamat tahun baru"),
    ("new_year", "1/1 00:00 Tahun baru", wib(2027, 1, 1, 0, 0), "Tahun baru"),
    ("new_year", "tanggal 1 00:00 Tahun baru", wib(2027, 1, 1, 0, 0), "Tahun baru"),
    ("new_year", "jumat 00:00 Tahun baru", wib(2027, 1, 1, 0, 0), "Tahun baru"),
]


def test_the_table_has_at_least_150_distinct_phrases() -> None:
    phrases = [row[1] for row in OK_ROWS]
    assert len(set(phrases)) >= 150
    assert len({(row[0], row[1]) for row in OK_ROWS}) == len(OK_ROWS)  # no duplicate rows
    assert {row[0] for row in OK_ROWS} >= {"sat", "month_end", "year_end", "midnight"}


@pytest.mark.parametrize(
    ("now_key", "phrase", "expected", "text"),
    OK_ROWS,
    ids=[f"{r[0]}:{r[1][:40]!r}" for r in OK_ROWS],
)
def test_reads_moment_and_text(now_key: str, phrase: str, expected: datetime, text: str) -> None:
    now = NOW[now_key]
    result = parse(now_key, phrase)
    assert result.error is None, result.error
    assert result.ok
    assert result.when is not None
    assert result.when.tzinfo is not None and result.when.utcoffset() is not None
    assert result.when == expected  # the same instant
    assert result.when.astimezone(WIB).replace(tzinfo=None) == expected.replace(tzinfo=None)
    assert result.when > now
    assert result.text == text
    assert result.repeat is None
    assert result.suggestion is None


# (now, phrase, words the error must contain, text expected in the result or None to skip)
ERROR_ROWS: list[tuple[str, str, tuple[str, ...], str | None]] = [
    ("sat", "halo apa kabar semua", ("tidak terbaca", "halo apa kabar"), "halo apa kabar semua"),
    ("sat", "", ("tidak terbaca",), ""),
    ("sat", "   ", ("tidak terbaca",), ""),
    ("sat", "Rapat besok 08:00", ("tidak terbaca",), "Rapat besok 08:00"),
    ("sat", "08:00Rapat", ("tidak terbaca",), None),
    ("sat", "2 jamaah lagi datang", ("tidak terbaca",), "2 jamaah lagi datang"),
    ("sat", "3 menitan lagi", ("tidak terbaca",), None),
    ("sat", "1.30 jam lagi", ("tidak terbaca",), None),
    ("sat", "2 jam Rapat", ("tidak terbaca",), None),
    ("sat", "25:00 Rapat", ("25:00", "tidak ada"), None),
    ("sat", "besok 24:00 Rapat", ("24:00", "tidak ada"), None),
    ("sat", "12:60 Rapat", ("12:60", "tidak ada"), None),
    ("sat", "jam 24 Rapat", ("24:00", "tidak ada"), None),
    ("sat", "31/02 08:00 Rapat", ("31/02", "tidak ada di kalender"), None),
    ("sat", "29/02 08:00 Rapat", ("29/02", "2027", "2028"), None),
    ("early_march", "29/02 08:00 Rapat", ("29/02", "2028"), None),
    ("early_march", "01/03 08:00 Rapat", ("sudah lewat",), None),
    ("sat", "31/04/2027 08:00 Rapat", ("31/04", "tidak ada di kalender"), None),
    ("sat", "12/25 08:00 Rapat", ("12/25", "tidak ada di kalender"), None),
    ("sat", "2027-02-30 08:00 Rapat", ("30/02", "tidak ada di kalender"), None),
    ("sat", "besok Rapat", ("Jamnya belum ditulis",), None),
    ("sat", "lusa", ("Jamnya belum ditulis",), None),
    ("sat", "25/12 Natal", ("Jamnya belum ditulis",), None),
    ("sat", "2026-12-25 Natal", ("Jamnya belum ditulis",), None),
    # a date a few days ago is a mistake, not next year
    ("sat", "18/11 08:00 Rapat", ("sudah lewat", "18 Nov 2026"), None),
    ("sat", "21/11 19:00 Rapat", ("sudah lewat",), None),
    ("year_end", "31/12 21:00 Rapat", ("sudah lewat",), None),
    ("sat", "20/11/2026 08:00 Rapat", ("sudah lewat",), None),
    ("sat", "2025-12-25 08:00 Rapat", ("sudah lewat",), None),
    ("sat", "2026-11-21 20:00 Rapat", ("sudah lewat",), None),
    ("sat", "2035-01-01 08:00 Rapat", ("terlalu jauh", "1 Jan 2035"), None),
    ("sat", "dalam 2000 hari Rapat", ("terlalu jauh", "13 Mei 2032"), None),
    ("sat", "dalam 0 menit Rapat", ("nol",), None),
    ("sat", "0 jam lagi Rapat", ("nol",), None),
    ("sat", "dalam 0 jam 0 menit Rapat", ("nol",), None),
    ("sat", "in 0 minutes Rapat", ("nol",), None),
    ("sat", "hari ini 20:00 Rapat", ("20:00", "hari ini sudah lewat"), None),
    ("sat", "today 07:00 Meeting", ("07:00", "hari ini sudah lewat"), None),
    ("midnight", "hari ini 23:59 Rapat", ("23:59", "hari ini sudah lewat"), None),
    ("month_end", "hari ini 23:00 Rapat", ("23:00", "hari ini sudah lewat"), None),
]


@pytest.mark.parametrize(
    ("now_key", "phrase", "words", "text"),
    ERROR_ROWS,
    ids=[f"{r[0]}:{r[1][:40]!r}" for r in ERROR_ROWS],
)
def test_rejects_with_reason(
    now_key: str, phrase: str, words: tuple[str, ...], text: str | None
) -> None:
    result = parse(now_key, phrase)
    assert result.when is None
    assert not result.ok
    assert result.error
    for word in words:
        assert word in result.error
    if text is not None:
        assert result.text == text


@pytest.mark.parametrize(
    ("now_key", "phrase", "suggestion"),
    [
        ("sat", "hari ini 19:00 Rapat", wib(2026, 11, 22, 19, 0)),
        ("sat", "hari ini 20:00 Rapat", wib(2026, 11, 22, 20, 0)),
        ("sat", "hari ini jam 7 Rapat", wib(2026, 11, 22, 19, 0)),  # the later reading
        ("midnight", "hari ini 23:59 Rapat", wib(2026, 11, 22, 23, 59)),
        ("year_end", "today 21:30 Party", wib(2027, 1, 1, 21, 30)),
    ],
)
def test_passed_today_suggests_tomorrow_same_time(
    now_key: str, phrase: str, suggestion: datetime
) -> None:
    result = parse(now_key, phrase)
    assert result.when is None
    assert result.error is not None
    assert "sudah lewat" in result.error
    assert f"besok {suggestion:%H:%M}" in result.error
    assert result.suggestion == suggestion
    assert result.suggestion.astimezone(WIB).hour == suggestion.hour


def test_other_errors_have_no_suggestion() -> None:
    for phrase in ("halo", "25:00 x", "besok x", "20/11/2026 08:00 x", "dalam 0 menit x"):
        assert parse("sat", phrase).suggestion is None, phrase


def test_error_keeps_the_whole_phrase_when_nothing_was_read() -> None:
    result = parse("sat", "  Rapat\nbesok 08:00")
    assert result.text == "Rapat\nbesok 08:00"
    assert "Rapat besok 08:00" in (result.error or "")


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        parse_schedule("besok 08:00 x", datetime(2026, 11, 21, 20, 0), WIB)  # noqa: DTZ001


# --- zones ---------------------------------------------------------------------------------


def test_makassar_phrase_gives_the_right_utc_instant() -> None:
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # 20:00 WITA
    result = parse_schedule("besok 08:00 Selamat pagi", now, WITA)
    assert result.when == datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
    assert result.when is not None and result.when.utcoffset() == timedelta(hours=8)
    assert result.text == "Selamat pagi"


@pytest.mark.parametrize(("tz", "utc_hour"), [(WIB, 1), (WITA, 0), (WIT, 23)])
def test_same_phrase_in_each_indonesian_zone(tz: ZoneInfo, utc_hour: int) -> None:
    now = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)
    result = parse_schedule("25/12 08:00 Natal", now, tz)
    day = 24 if utc_hour == 23 else 25
    assert result.when == datetime(2026, 12, day, utc_hour, 0, tzinfo=UTC)


def test_days_count_from_the_local_date_not_the_utc_date() -> None:
    now = datetime(2026, 11, 21, 21, 30, tzinfo=UTC)  # already Sunday 04:30 WIB
    assert parse_schedule("besok 08:00 x", now, WIB).when == wib(2026, 11, 23, 8, 0)
    assert parse_schedule("hari ini 08:00 x", now, WIB).when == wib(2026, 11, 22, 8, 0)
    assert parse_schedule("07:00 x", now, WIB).when == wib(2026, 11, 22, 7, 0)


def test_durations_are_elapsed_time_across_a_dst_change() -> None:
    # Europe/Amsterdam falls back at 03:00 CEST -> 02:00 CET on 25 Oct 2026.
    now = datetime(2026, 10, 25, 1, 30, tzinfo=AMSTERDAM)  # 23:30 UTC the day before
    result = parse_schedule("dalam 2 jam Rapat", now, AMSTERDAM)
    assert result.when is not None
    assert result.when.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    again = parse_schedule("90 menit lagi Rapat", now, AMSTERDAM)
    assert again.when is not None
    assert again.when.astimezone(UTC) == datetime(2026, 10, 25, 1, 0, tzinfo=UTC)


def test_repeated_hour_never_yields_a_moment_in_the_past() -> None:
    # 02:30 CET, the second 02:30 of 25 Oct 2026; the first 02:45 (CEST) is already gone.
    now = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=AMSTERDAM)
    for phrase in ("02:45 x", "hari ini 02:45 x"):
        result = parse_schedule(phrase, now, AMSTERDAM)
        if result.when is not None:
            assert result.when.astimezone(UTC) > now.astimezone(UTC), phrase


# --- robustness ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "dalam 5 min\u017f x",  # U+017F matches 's' case-insensitively
        "dalam 5 \u017fecs x",
        "dalam 5 men\u0130t x",  # U+0130 matches 'i' case-insensitively
        "dalam 5 det\u0131k x",  # U+0131
    ],
)
def test_unicode_case_folds_of_unit_words_do_not_crash(phrase: str) -> None:
    result = parse("sat", phrase)
    assert result.when is not None and result.when > NOW["sat"]
    assert result.text == "x"


def test_huge_duration_is_too_far_not_a_crash() -> None:
    phrase = "dalam " + " ".join(["99999 hari"] * 40) + " Rapat"
    result = parse("sat", phrase)
    assert result.when is None
    assert result.error is not None and "terlalu jauh" in result.error
    assert "99999 hari 99999 hari" in result.error


def test_just_inside_five_years_is_accepted() -> None:
    result = parse("sat", "dalam 1825 hari x")
    assert result.ok
    assert result.when is not None and result.when - NOW["sat"] <= MAX_AHEAD


_FRAGMENTS = st.one_of(
    st.sampled_from(
        [
            "besok",
            "lusa",
            "hari ini",
            "today",
            "tomorrow",
            "dalam",
            "in",
            "lagi",
            "jam",
            "pukul",
            "pkl.",
            "at",
            "menit",
            "detik",
            "hari",
            "hours",
            "T",
            "/",
            "-",
            ":",
            ".",
            ",",
            " ",
            "\n",
            "\t",
            "\u00a0",
            "\u017f",
            "\u0130",
            "\u0131",
        ]
    ),
    st.integers(min_value=0, max_value=99999).map(str),
    st.integers(min_value=0, max_value=99).map(lambda n: f"{n:02d}"),
    st.text(max_size=5),
)
_PHRASES = st.one_of(
    st.text(max_size=40),
    st.lists(_FRAGMENTS, max_size=12).map(" ".join),
    st.lists(_FRAGMENTS, max_size=12).map("".join),
)
_NOWS = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001
    max_value=datetime(2090, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, WIB, WITA, WIT]),
)


@settings(max_examples=200, deadline=None)
@given(phrase=_PHRASES, now=_NOWS, tz=st.sampled_from([WIB, WITA, WIT]))
def test_property_never_raises_and_stays_consistent(
    phrase: str, now: datetime, tz: ZoneInfo
) -> None:
    result = parse_schedule(phrase, now, tz)
    assert (result.when is None) == (result.error is not None)
    assert result.ok == (result.when is not None)
    if result.when is not None:
        assert result.when.tzinfo is not None
        assert result.when > now
        assert result.when - now <= MAX_AHEAD
    if result.text:
        assert phrase.lstrip().endswith(result.text)
    if result.ok:
        assert result.text == result.text.lstrip()


# Words that, after a clock, still belong to the time: "besok 08:00 malam" is 20:00.
_CONTINUES_CLOCK = re.compile(
    r"(?:pagi|pgi|pg|siang|sng|sore|sorean|sre|sr|petang|ptg|malam|mlm|malem|subuh|shubuh"
    r"|dini|morning|tengah|noon|midnight"
    r"|afternoon|evening|night|wib|wita|wit"
    r"|utc|gmt|pst|pdt|est|edt|cst|cdt|mst|mdt|cet|cest|eet|bst|ist|jst|kst|sgt|myt|hkt|pht"
    r"|ict|aest|aedt|awst|lewat|lebih|kurang|[ap]\.?m)(?![a-z0-9])|[+-][0-9]"
    r"|[-\u2013\u2014:|.,;]"
)  # a leading run of dashes, colons, stops separates time and text


@settings(max_examples=100, deadline=None)
@given(
    day=st.sampled_from(["besok", "lusa", "tomorrow"]),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    sep=st.sampled_from([":", "."]),
    text=st.text(min_size=1, max_size=30).filter(
        lambda t: t == t.lstrip() and not _CONTINUES_CLOCK.match(fold(t))
    ),
)
def test_property_day_and_clock_round_trip(
    day: str, hour: int, minute: int, sep: str, text: str
) -> None:
    now = NOW["sat"]
    result = parse_schedule(f"{day} {hour:02d}{sep}{minute:02d} {text}", now, WIB)
    offset = 2 if day == "lusa" else 1
    assert result.when == wib(2026, 11, 21 + offset, hour, minute)
    assert result.text == text
