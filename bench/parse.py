"""Parse time of /jadwal phrases: the grammar path, and the dateparser fallback path apart.

Alone: python -m bench.parse [--rounds N]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from bench.harness import summary
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 21, 20, 0, tzinfo=WIB)  # a Saturday evening

# Read (or refused) by the grammar: one-offs, repeats and errors, as owners type them.
GRAMMAR_PHRASES = (
    "besok 08:00 Selamat pagi semua",
    "besok jam 8 Rapat",
    "besok pukul 08.00 Rapat",
    "lusa 19.30 Arisan",
    "hari ini 21:00 Nonton bareng",
    "hari ini jam 21.15 Nonton",
    "21:00 Nanti malam",
    "06.30 Pagi",
    "jam 7 malam Makan",
    "jam 12 malam Tidur",
    "jam 12 siang Makan",
    "besok siang jam 1 Rapat",
    "jam 4 sore Pulang",
    "besok pagi jam 6 Senam",
    "lusa malam jam 7 Arisan",
    "besok jam 1 malam Ronda",
    "nanti malam jam 9 Nonton",
    "nanti jam 9 Nonton",
    "malam ini jam 10 Doa",
    "jam 10 malam ini Doa",
    "tonight 9pm Party",
    "senin 09:00 Rapat",
    "senin depan 09:00 Rapat",
    "jumat depan jam 1 siang Jumatan",
    "jum'at 11.30 Jumatan",
    "sabtu ini 21:00 Malam mingguan",
    "sabtu 19:00 Arisan",
    "minggu ini 08:00 Ibadah",
    "hari minggu depan 08:00 Ibadah",
    "ahad 07:00 Kajian",
    "rabu pagi jam 9 Rapat",
    "kamis malam jam 8 Yasinan",
    "Senin, 23/11 08:00 Rapat",
    "senin 23 nov 08:00 Rapat",
    "25 Desember 08:00 Natal",
    "25 des jam 8 Natal",
    "25 Des 2027 08:00 Natal",
    "1 januari 2027 00:00 Tahun baru",
    "17 Agustus 08:00 HUT RI",
    "tanggal 5 08:00 Bayar",
    "tgl 25 jam 8 Gajian",
    "25/12 08:00 Selamat Natal",
    "25-12 08:00 Natal",
    "25/12/2027 08:00 Tahun depan",
    "25/12/26 08:00 Natal",
    "25.12.2026 08:00 Natal",
    "2026-12-25 08:00 ISO",
    "2026-12-25T08:00 ISO",
    "Dec 25 8pm Party",
    "December 25, 2026 8:00 pm Party",
    "tomorrow 8am Meeting",
    "today 9pm Party",
    "next monday 9:00 Standup",
    "this friday 5pm Drinks",
    "8am Breakfast",
    "8:30 pm Dinner",
    "tomorrow noon Lunch",
    "tomorrow morning at 7 Run",
    "the day after tomorrow 10am Trip",
    "in 2 hours Later",
    "in 90 minutes Later",
    "dalam 30 menit Rapat",
    "dalam 1 jam 30 menit Rapat",
    "2 jam lagi Rapat",
    "1 jam 30 menit lagi Rapat",
    "dalam 2 minggu Evaluasi",
    "setengah jam lagi Makan",
    "sejam lagi Makan",
    "dalam 10 detik Tes",
    "jam setengah 8 Sarapan",
    "setengah 9 malam Nonton",
    "jam 8 lewat 15 Rapat",
    "tengah malam Tutup toko",
    "besok 08:00 WITA Rapat",
    "jam 9 malam WIB Nonton",
    "besok 08:00, Rapat",
    "besok 08:00 Rapat minggu depan di aula",
    "besok 08:00\nBaris satu\nbaris dua",
    "setiap hari 08:00 Selamat pagi",
    "tiap senin 09:00 Rapat",
    "setiap senin dan kamis 16:00 Les",
    "setiap hari kerja 07:30 Absen",
    "setiap tanggal 1 08:00 Gajian",
    "every day 8am Hi",
    "every monday 9:00 Standup",
    "setiap senin sampai jumat 07:00 Absen",
    "minggu depan 08:00 Libur",
    "setiap minggu 08:00",
    "25:00 Rapat",
    "31/02 08:00 Rapat",
    "12/25 08:00 Rapat",
    "jam 24 Rapat",
    "hari ini 19:00 Rapat",
    "besok Rapat",
    "besok pagi Senam",
    "jam 8 sore Rapat",
    "18/11 08:00 Rapat",
    "dalam 0 menit Rapat",
    "selasa 23/11 08:00 Rapat",
    # round 2: punctuation, abbreviations, number words, bare hours, month days, repeats
    "besok jam 7 malam: Rapat RT",
    "besok 08:00 - Senam",
    "bsk jm 7 mlm Rapat",
    "ntar malam jam 8 Nonton",
    "dlm 30 menit Rapat",
    "2 hari lagi jam 8 pagi Kerja bakti",
    "3 hari lagi jam 9 Rapat",
    "seminggu lagi jam 8 pagi Rapat",
    "1,5 jam lagi Makan",
    "satu setengah jam lagi Makan",
    "dua puluh lima menit lagi Makan",
    "jam setengah delapan malam Makan",
    "jam 8 kurang seperempat Rapat",
    "jam 3 Pengajian",
    "besok jam 10 Rapat",
    "jam 12 Rapat",
    "tanggal 5 bulan depan jam 8 pagi Arisan",
    "akhir bulan jam 10 pagi Gajian",
    "awal bulan depan 08:00 Tagihan",
    "malam minggu jam 8 Nonton",
    "Besok Jam 7 Malam Rapat",
    "senin depan jam 8 pagi Rapat",
    "setiap tanggal 1 dan 15 jam 8 pagi Iuran",
    "setiap jam 9 pagi Apel",
    "setiap 2 jam mulai besok 08:00 Minum obat",
    "tiap 30 menit Cek",
    "tiap 5 menit Cek",
)
# Left to the dateparser fallback and read there (each costs a few dateparser calls)...
FALLBACK_READ = (
    "25th of December at 8pm Party",
    "2026/12/25 08:00 Natal",
    "on the 25th at 9pm Rapat",
    "December the 25th at 8pm Party",
    "27th of November at 09:00 Rapat",
    "Friday the 27th at 9am Rapat",
)
# ...or refused there, mostly before dateparser is asked (no clock, unknown words).
FALLBACK_REFUSED = (
    "Rapat besok 08:00",
    "halo apa kabar semua",
    "kapan-kapan halo",
    "2 jam Rapat",
    "jan 8am Rapat",
    "24 20:00 Rapat",
    "T 12pm Rapat",
    "besok di aula jam 8",
)


def _timed(phrases: tuple[str, ...], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for phrase in phrases:
            start = time.perf_counter()
            parse_schedule(phrase, NOW, WIB)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def run(rounds: int = 50) -> list[dict[str, object]]:
    parse_schedule(GRAMMAR_PHRASES[0], NOW, WIB)  # loads the grammar
    start = time.perf_counter()
    parse_schedule(FALLBACK_READ[0], NOW, WIB)  # warm-up: imports dateparser, loads its data
    first_ms = (time.perf_counter() - start) * 1000
    for phrase in GRAMMAR_PHRASES + FALLBACK_REFUSED:
        parse_schedule(phrase, NOW, WIB)
    rows = []
    for label, phrases in (
        ("grammar path", GRAMMAR_PHRASES),
        ("dateparser fallback, read", FALLBACK_READ),
        ("dateparser fallback, refused", FALLBACK_REFUSED),
    ):
        rows.append(
            {
                "figure": f"parse a /jadwal phrase, {label} ({len(phrases)} phrases x {rounds})",
                "unit": "ms",
                **summary(_timed(phrases, rounds)),
            }
        )
    rows.append(
        {
            "figure": "first fallback parse in a process (imports dateparser)",
            "unit": "ms",
            **summary([first_ms]),
        }
    )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parse")
    parser.add_argument("--rounds", type=int, default=50)
    for row in run(parser.parse_args().rounds):
        print(  # noqa: T201
            f"{row['figure']}: median {row['median']:.2f}, p99 {row['p99']:.2f}, "
            f"max {row['max']:.2f} {row['unit']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
