"""dateparser as a checked fallback: used only for what the grammar does not read, and only
when its answer agrees with the words; otherwise the phrase is unreadable."""

from __future__ import annotations

import importlib
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import fallback as timefallback
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")
SAT = datetime(2026, 11, 21, 20, 0, tzinfo=WIB)


def wib(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize(
    ("phrase", "expected", "text"),
    [
        ("25th of December at 8pm Party", wib(2026, 12, 25, 20), "Party"),
        ("on the 25th at 9pm Rapat", wib(2026, 11, 25, 21), "Rapat"),
        ("2026/12/25 08:00 Natal", wib(2026, 12, 25, 8), "Natal"),
        ("December the 25th at 8pm Party", wib(2026, 12, 25, 20), "Party"),
        ("27th of November at 09:00 Rapat", wib(2026, 11, 27, 9), "Rapat"),
        # the grammar reads the day but finds no clock: dateparser may finish it
        ("Friday the 27th at 9am Rapat", wib(2026, 11, 27, 9), "Rapat"),
    ],
)
def test_reads_what_the_grammar_does_not(phrase: str, expected: datetime, text: str) -> None:
    result = parse_schedule(phrase, SAT, WIB)
    assert result.error is None
    assert result.when == expected
    assert result.text == text
    assert result.expression + " " + text == phrase


@pytest.mark.parametrize(
    "phrase",
    [
        "Rapat besok 08:00",  # the time is not at the front
        "2 jam Rapat",  # dateparser: in two hours; but no clock is written
        "20h Rapat",  # dateparser: 16:00
        "december Rapat",  # dateparser: 21 December 00:00, a time nobody wrote
        "8 Rapat",  # dateparser: the 8th at 00:00
        "jan 8am Rapat",  # dateparser: the day of the month comes from the base date
        "24 20:00 Rapat",  # a lone number is not a date
        "T 12pm Rapat",  # dateparser skips words it does not know
        "27th of November at 9:00 Rapat",  # morning or evening: never guessed
        "sekarang Rapat",  # "now": not in the future
        "25th of December at 8pm EST Rapat",  # a zone we would silently drop
        "kapan-kapan halo",
        "halo apa kabar semua",
    ],
)
def test_refuses_what_it_cannot_check(phrase: str) -> None:
    result = parse_schedule(phrase, SAT, WIB)
    assert result.when is None
    assert result.error is not None and "tidak terbaca" in result.error
    assert result.text == phrase


@pytest.mark.parametrize(
    "phrase",
    [
        "besok di aula jam 8",
        "besok Rapat jam 8",
        "Friday the 26th at 9am Rapat",
        "senin, pokoknya jam 9",
    ],
)
def test_a_day_without_a_clock_stays_an_error(phrase: str) -> None:
    result = parse_schedule(phrase, SAT, WIB)
    assert result.when is None
    assert result.error is not None and "Jamnya belum ditulis" in result.error


def test_never_asked_after_the_grammar_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(timefallback, "_parse", lambda text, now, tz: asked.append(text))
    for phrase in (
        "25:00 Rapat",
        "31/02 08:00 Rapat",
        "1.30 jam lagi",
        "08:00,Rapat",
        "setiap 2 hari 08:00 Rapat",
        "every other day 8am Rapat",
        "besok Rapat",
        "minggu depan 08:00 Rapat",
        "jam 8 sore Rapat",
        "besok 08:00 Rapat",
    ):
        parse_schedule(phrase, SAT, WIB)
    assert asked == []


def test_an_answer_that_echoes_the_base_time_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The measured trap: "besok jam 8" came back as tomorrow at the current hour.
    def echo(text: str, now: datetime, tz: ZoneInfo) -> datetime:
        return now + timedelta(days=1)

    monkeypatch.setattr(timefallback, "_parse", echo)
    at_eight = datetime(2026, 11, 21, 8, 0, tzinfo=WIB)
    assert parse_schedule("25th of December at 8:00 Party", at_eight, WIB).when is None


def test_an_answer_that_disagrees_with_the_clock_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        timefallback, "_parse", lambda text, now, tz: datetime(2026, 12, 25, 8, 0, tzinfo=tz)
    )
    assert parse_schedule("25th of December at 8pm Party", SAT, WIB).when is None
    monkeypatch.setattr(
        timefallback, "_parse", lambda text, now, tz: datetime(2026, 12, 24, 20, 0, tzinfo=tz)
    )
    assert parse_schedule("25th of December at 8pm Party", SAT, WIB).when is None  # the day
    monkeypatch.setattr(
        timefallback, "_parse", lambda text, now, tz: datetime(2026, 11, 25, 20, 0, tzinfo=tz)
    )
    assert parse_schedule("25th of December at 8pm Party", SAT, WIB).when is None  # month
    monkeypatch.setattr(
        timefallback, "_parse", lambda text, now, tz: datetime(2026, 11, 26, 20, 0, tzinfo=tz)
    )
    assert parse_schedule("Friday 26th at 8pm Party", SAT, WIB).when is None  # a Thursday
    monkeypatch.setattr(
        timefallback, "_parse", lambda text, now, tz: datetime(2026, 11, 21, 19, 0, tzinfo=tz)
    )
    assert parse_schedule("the 21st at 7pm Party", SAT, WIB).when is None  # the past


def test_attempts_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(timefallback, "_parse", lambda text, now, tz: asked.append(text))
    parse_schedule("the 25th of December at 8pm " + "and more words " * 30, SAT, WIB)
    assert 0 < len(asked) <= timefallback.MAX_WORDS
    assert all(len(text.split()) <= timefallback.MAX_WORDS for text in asked)


def test_dateparser_is_imported_only_when_needed() -> None:
    code = (
        "import sys; from datetime import datetime; from zoneinfo import ZoneInfo; "
        "from bot.timeparse import parse_schedule; tz = ZoneInfo('Asia/Jakarta'); "
        "now = datetime(2026, 11, 21, 20, tzinfo=tz); "
        "[parse_schedule(p, now, tz) for p in ('besok 08:00 x', 'halo', '25:00 x', "
        "'setiap senin 09:00 x', 'jam 7 malam x')]; "
        "print('dateparser' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


def test_dateparsers_strptime_keeps_the_formats_it_compiles() -> None:
    for phrase in (
        "25th of December at 8pm Party",
        "Friday the 27th at 9am Rapat",
        "27th of November at 09:00 Rapat",
    ):
        assert parse_schedule(phrase, SAT, WIB).ok
    patched = sys.modules["strptime_patched"]  # dateparser's own copy of _strptime
    assert len(patched._regex_cache) > 6  # with 5 kept, the sixth format emptied the cache
    stdlib = importlib.import_module("_strptime")
    assert stdlib is not patched and stdlib._CACHE_MAX_SIZE < timefallback._STRPTIME_FORMATS_KEPT
